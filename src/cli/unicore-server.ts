import type { CommandModule } from 'yargs';

interface UnicoreServerArgs {
  port: number;
  'state-dir'?: string;
  site: string;
  'queue-delay-ms'?: number;
  'max-running'?: number;
  'fail-next-jobs'?: number;
  fault?: string[];
  'session-lifetime-ms'?: number;
  json: boolean;
}

/** `hpcinv unicore-server`: the project's UNICORE/X test server on 127.0.0.1, until interrupted. */
export const unicoreServerCommand: CommandModule<object, UnicoreServerArgs> = {
  command: 'unicore-server',
  describe: 'Run the UNICORE/X test server (HTTPS on 127.0.0.1, jobs as local processes) until interrupted',
  builder: (y) =>
    y
      .option('port', { type: 'number', default: 0, describe: 'Port on 127.0.0.1 (0: any free port)' })
      .option('state-dir', { type: 'string', describe: 'Directory for jobs, storages and the generated certificate (default: a new temp dir)' })
      .option('site', { type: 'string', default: 'DEMO-SITE', describe: 'Site name in the URL: https://127.0.0.1:PORT/<site>/rest/core' })
      .option('queue-delay-ms', { type: 'number', describe: 'Time a started job stays QUEUED' })
      .option('max-running', { type: 'number', describe: 'Jobs running at once (default 4)' })
      .option('fail-next-jobs', { type: 'number', describe: 'Fail this many of the next jobs as node failures' })
      .option('fault', { type: 'string', array: true, describe: 'KIND:METHOD:PATH_REGEX:COUNT[:STATUS_OR_MS], e.g. status:POST:^/jobs$:2:503 (repeatable)' })
      .option('session-lifetime-ms', { type: 'number', describe: 'Security-session lifetime (default 8 h)' })
      .option('json', { type: 'boolean', default: false, describe: 'Print url, caPath, credentialsFile as JSON' }),
  handler: async (args) => {
    const { startStandalone } = await import('../unicore-server/standalone.js');
    const { server, info } = await startStandalone({
      port: args.port, stateDir: args['state-dir'], siteName: args.site, queueDelayMs: args['queue-delay-ms'],
      maxRunning: args['max-running'], failNextJobs: args['fail-next-jobs'], faults: args.fault,
      sessionLifetimeMs: args['session-lifetime-ms'],
    });
    if (args.json) console.log(JSON.stringify(info));
    else {
      console.log(`UNICORE test server at ${info.url}\n  CA bundle:   ${info.caPath}\n  credentials: ${info.credentialsFile} ` +
        `(export HPCINV_UNICORE_CREDENTIALS=${info.credentialsFile})\nStop with Ctrl-C.`);
    }
    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
    await server.close();
  },
};
