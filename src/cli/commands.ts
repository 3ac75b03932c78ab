import type { CommandModule } from 'yargs';
import { bundleCommand } from './bundle.js';
import { initCommand } from './init.js';
import { sampleCommand } from './sample.js';
import { submitCommand } from './submit.js';
import { statusCommand } from './status.js';
import { gatherCommand } from './gather.js';
import { retryCommand } from './retry.js';
import { cancelCommand } from './cancel.js';
import { logsCommand } from './logs.js';
import { taskCommand } from './task.js';
import { simulateCommand } from './simulate.js';
import { trainCommand } from './train.js';
import { inferCommand } from './infer.js';
import { unicoreServerCommand } from './unicore-server.js';
import { validateCommand } from './validate.js';
import { reportCommand } from './report.js';
import { runCommand } from './run.js';
import { planCommand } from './plan.js';
import { renderCommand } from './render.js';
import { lintTemplateCommand } from './lint-template.js';

/**
 * Every `hpcinv` sub-command, one file each under src/cli/. Add a command by adding its module here.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const commands: CommandModule<any, any>[] = [bundleCommand, initCommand, sampleCommand, submitCommand, statusCommand, gatherCommand, retryCommand, cancelCommand, logsCommand, taskCommand, simulateCommand, trainCommand, inferCommand, unicoreServerCommand, renderCommand, lintTemplateCommand, validateCommand, reportCommand, runCommand, planCommand];
