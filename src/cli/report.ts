import type { CommandModule } from 'yargs';

interface ReportArgs {
  source: string;
  out?: string;
  json: boolean;
}

export const reportCommand: CommandModule<object, ReportArgs> = {
  command: 'report <source>',
  describe: 'Re-render the HTML validation report from a study directory or its report/summary.json',
  builder: (y) =>
    y
      .positional('source', { type: 'string', demandOption: true, describe: 'Study directory (from `hpcinv validate`) or a summary.json' })
      .option('out', { type: 'string', describe: 'HTML file to write (default: report/index.html beside the summary)' })
      .option('json', { type: 'boolean', default: false, describe: 'Print the headline numbers as JSON' }),
  handler: async (args) => {
    const { rerenderReport } = await import('../validate/rerender.js');
    const { compactSummary, summaryLines } = await import('../validate/compact.js');
    const r = await rerenderReport(args.source, args.out);
    if (args.json) console.log(JSON.stringify({ report: r.report, ...compactSummary(r.summary) }, null, 2));
    else {
      for (const line of summaryLines(r.summary)) console.log(line);
      console.log(`report: ${r.report}`);
    }
  },
};
