import { version } from '../../version.js';
import type { SiteProfile } from '../../sites/schema.js';
import type { TemplateContext } from '../templates/contract.js';
import { readTemplate, renderTemplate } from '../templates/render.js';
import type { ArrayPart } from './arrays.js';

/**
 * The argument vector that starts `hpcinv` inside an array element: the site's container runtime
 * wrapped around the hpcinv command, with the run directory bound into the container at the same path.
 */
export function taskCommandFor(site: SiteProfile, runDir: string, hpcinv: string[]): string[] {
  const { runtime, image, args } = site.container;
  switch (runtime) {
    case 'none':
      return hpcinv;
    case 'apptainer':
      return ['apptainer', 'exec', ...args, '--bind', runDir, image!, 'hpcinv'];
    case 'sarus':
      return ['sarus', 'run', ...args, `--mount=type=bind,source=${runDir},destination=${runDir}`, image!, 'hpcinv'];
    case 'pyxis':
      return ['srun', '--ntasks=1', `--container-image=${image!}`, `--container-mounts=${runDir}:${runDir}`, ...args, 'hpcinv'];
  }
}

export interface JobScriptInput {
  site: SiteProfile;
  siteName: string;
  jobName: string;
  part: ArrayPart;
  /** The run directory as the compute nodes see it. */
  runDir: string;
  /** Map file, relative to runDir. */
  mapFile: string;
  taskCommand: string[];
}

export function jobScriptContext(input: JobScriptInput): TemplateContext {
  const s = input.site.slurm;
  return {
    jobName: input.jobName,
    arraySpec: input.part.spec,
    runDir: input.runDir,
    mapFile: input.mapFile,
    offset: String(input.part.offset),
    taskCommand: input.taskCommand,
    time: s.time,
    cpusPerTask: String(s.cpusPerTask),
    mem: s.mem ?? '',
    account: s.account ?? '',
    partition: s.partition ?? '',
    qos: s.qos ?? '',
    requeue: s.requeue,
    extraDirectives: s.extraDirectives,
    modules: s.modules,
    hpcinvVersion: version,
    site: input.siteName,
  };
}

export function renderJobScript(input: JobScriptInput): string {
  return renderTemplate(readTemplate(input.site.slurm.template), jobScriptContext(input));
}
