import { execFileSync } from 'node:child_process';
import { loadSite } from '../../../src/sites/load.js';
import { renderJobScript, taskCommandFor } from '../../../src/jobs/slurm/job-script.js';
import { splitArrays } from '../../../src/jobs/slurm/arrays.js';

const run = '/scratch/me/run 1';

describe('the task line for each container runtime', () => {
  const site = (container: Record<string, unknown>) => loadSite('test-cluster', { container }).profile;

  test('none: the hpcinv command as given', () => {
    expect(taskCommandFor(site({ runtime: 'none' }), run, ['node', '/opt/hpcinv/dist/cli/main.js'])).toEqual(['node', '/opt/hpcinv/dist/cli/main.js']);
  });

  test('apptainer, sarus and pyxis bind the run directory at the same path', () => {
    expect(taskCommandFor(site({ runtime: 'apptainer', image: '/img/hpcinv.sif', args: ['--nv'] }), run, [])).toEqual(['apptainer', 'exec', '--nv', '--bind', run, '/img/hpcinv.sif', 'hpcinv']);
    expect(taskCommandFor(site({ runtime: 'sarus', image: 'hpcinv:0.1' }), run, [])).toEqual(['sarus', 'run', `--mount=type=bind,source=${run},destination=${run}`, 'hpcinv:0.1', 'hpcinv']);
    expect(taskCommandFor(site({ runtime: 'pyxis', image: 'registry#hpcinv:0.1' }), run, [])).toEqual(['srun', '--ntasks=1', '--container-image=registry#hpcinv:0.1', `--container-mounts=${run}:${run}`, 'hpcinv']);
  });

  test('a rendered apptainer script loads the modules and quotes the bind path once', () => {
    const profile = loadSite('example-apptainer').profile;
    const script = renderJobScript({
      site: profile,
      siteName: 'example-apptainer',
      jobName: 'hpcinv.run-abc.s1.0',
      part: splitArrays(3000, profile.slurm.maxArraySize, profile.slurm.maxConcurrent)[2]!,
      runDir: run,
      mapFile: 'backend/slurm/s1.map',
      taskCommand: taskCommandFor(profile, run, []),
    });
    expect(script).toContain('#SBATCH --array=0-997%200\n');
    expect(script).toContain('#SBATCH --account=proj42\n#SBATCH --partition=batch\n#SBATCH --qos=normal\n#SBATCH --requeue\n#SBATCH --constraint=mc\n');
    expect(script).toContain('module load apptainer\n');
    expect(script).toContain("OFFSET=2002\n");
    expect(script).toContain("TASK=(apptainer exec --bind '/scratch/me/run 1' /p/project/proj42/images/hpcinv.sif hpcinv )");
    execFileSync('bash', ['-n'], { input: script });
  });
});
