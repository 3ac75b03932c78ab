import { DockerfileParser, type Instruction } from 'dockerfile-ast';

/**
 * The project's Dockerfile rules, the obvious hadolint rules (hadolint itself is not packaged in Debian
 * and its npm wrappers download a binary) plus this image's contract. Parsing is dockerfile-ast's, so the
 * rules see instructions the way Docker's own parser splits them (continuations, JSON forms, comments).
 */
export interface RuleFinding {
  rule: string;
  line: number;
  message: string;
}

const ARCHIVE = /\.(tar|tgz|tar\.gz|tar\.bz2|tbz2|tar\.xz|txz)$/;

export function checkDockerfile(text: string): RuleFinding[] {
  const findings: RuleFinding[] = [];
  const add = (rule: string, ins: Instruction | undefined, message: string) =>
    findings.push({ rule, line: ins ? ins.getRange().start.line + 1 : 0, message });
  const instructions = DockerfileParser.parse(text).getInstructions();
  const words = (ins: Instruction) => ins.getArguments().map((a) => a.getValue());

  // ARG defaults before the first FROM, for FROM ${BASE}
  const globalArgs = new Map<string, string>();
  const stages: string[] = [];
  let lastUser: Instruction | undefined;
  let finalStageStart = -1;
  instructions.forEach((ins, index) => {
    const keyword = ins.getKeyword();
    const args = words(ins);
    switch (keyword) {
      case 'ARG':
        if (stages.length === 0) {
          const [name, value] = (args[0] ?? '').split('=');
          if (name && value !== undefined) globalArgs.set(name, value);
        }
        break;
      case 'FROM': {
        finalStageStart = index;
        lastUser = undefined;
        const asIndex = args.findIndex((a) => a.toUpperCase() === 'AS');
        const image = args.filter((a) => !a.startsWith('--'))[0] ?? '';
        const resolved = image.replace(/^\$\{?(\w+)\}?$/, (_, v: string) => globalArgs.get(v) ?? image);
        const isStage = stages.includes(resolved);
        if (!isStage && resolved !== 'scratch') {
          const name = resolved.split('@')[0];
          const tag = name.includes(':', name.lastIndexOf('/') + 1) ? name.slice(name.lastIndexOf(':') + 1) : '';
          if (!resolved.includes('@') && !tag) add('DL3006', ins, `FROM ${image}: give the base image an explicit tag`);
          if (tag === 'latest') add('DL3007', ins, `FROM ${image}: pin a version instead of latest`);
        }
        if (asIndex >= 0) {
          const stage = args[asIndex + 1] ?? '';
          if (stages.includes(stage)) add('DL3024', ins, `stage name ${stage} is used twice`);
          stages.push(stage);
        } else {
          stages.push(`#${stages.length}`);
        }
        break;
      }
      case 'USER':
        lastUser = ins;
        break;
      case 'CMD':
      case 'ENTRYPOINT':
        if (!(ins.getArgumentsContent() ?? '').trim().startsWith('[')) {
          add('DL3025', ins, `${keyword} must use the JSON (exec) form so signals reach the process`);
        }
        break;
      case 'ADD': {
        const sources = args.filter((a) => !a.startsWith('--')).slice(0, -1);
        for (const src of sources) {
          if (/^[a-z]+:\/\//.test(src)) add('DL3020', ins, `ADD ${src}: fetch remote files in a RUN step or COPY them`);
          else if (!ARCHIVE.test(src)) add('DL3020', ins, `ADD ${src}: use COPY for files that are not archives to unpack`);
        }
        break;
      }
      case 'COPY': {
        // dockerfile-ast keeps flags out of the arguments; read them from the instruction's text
        const raw = ins.toString().split(/\s+/);
        const from = raw.find((a) => a.startsWith('--from='))?.slice('--from='.length);
        if (from !== undefined && !stages.includes(from) && !/^\d+$/.test(from)) {
          add('DL3022', ins, `COPY --from=${from} names no earlier stage (${stages.join(', ')})`);
        }
        break;
      }
      case 'WORKDIR':
        if (!(args[0] ?? '').startsWith('/') && !(args[0] ?? '').startsWith('$')) add('DL3000', ins, 'WORKDIR must be absolute');
        break;
      case 'MAINTAINER':
        add('DL4000', ins, 'MAINTAINER is deprecated: use LABEL org.opencontainers.image.authors');
        break;
    }
  });

  const final = instructions.slice(Math.max(finalStageStart, 0));
  const user = lastUser ? words(lastUser)[0] ?? '' : '';
  if (!lastUser || /^(root|0)(:|$)/.test(user)) {
    add('DL3002', lastUser, 'the final stage must switch to a non-root USER');
  }
  const labels = final.filter((i) => i.getKeyword() === 'LABEL').flatMap(words);
  if (!labels.some((l) => l.startsWith('org.opencontainers.image.version='))) {
    add('HPC001', undefined, 'the final stage needs LABEL org.opencontainers.image.version=...');
  }
  if (!final.some((i) => i.getKeyword() === 'ENTRYPOINT')) {
    add('HPC002', undefined, 'the final stage needs an ENTRYPOINT (the image runs `hpcinv task`)');
  }
  if (stages.length < 2) add('HPC003', undefined, 'build in stages so the bundle tarball stays out of the final image');
  return findings;
}
