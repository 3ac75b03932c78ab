import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** Paths inside a run directory (layout in docs/architecture.md). Pure path arithmetic, no I/O. */
export class RunDir {
  readonly root: string;
  constructor(root: string) {
    this.root = resolve(root);
  }
  get experiment(): string {
    return join(this.root, 'experiment.yaml');
  }
  get theta(): string {
    return join(this.root, 'theta.arrow');
  }
  get plan(): string {
    return join(this.root, 'plan.json');
  }
  get manifest(): string {
    return join(this.root, 'manifest.jsonl');
  }
  get chunksDir(): string {
    return join(this.root, 'chunks');
  }
  get logsDir(): string {
    return join(this.root, 'logs');
  }
  get dataset(): string {
    return join(this.root, 'dataset.arrow');
  }
  /** Backend-private state (e.g. the local backend's pid files); never read by the lifecycle. */
  backendDir(name: string): string {
    return join(this.root, 'backend', name);
  }
  chunkFile(id: number): string {
    return join(this.chunksDir, `chunk-${pad(id)}.arrow`);
  }
  doneMarker(id: number): string {
    return join(this.chunksDir, `chunk-${pad(id)}.done.json`);
  }
  /** Relative log path for a backend job id (ids are sanitised to a file name). */
  logRel(jobId: string): string {
    return join('logs', `${jobId.replace(/[^A-Za-z0-9._-]/g, '_')}.log`);
  }
  exists(): boolean {
    return existsSync(this.experiment) && existsSync(this.theta);
  }
}

function pad(id: number): string {
  return String(id).padStart(6, '0');
}
