import { parseExperiment } from '../../src/experiment/load.js';
import { InputError } from '../../src/errors.js';

/** The message an experiment text is refused with (as `exp.yaml`); fails the test if it is accepted. */
export function problems(text: string): string {
  try {
    parseExperiment(text, 'exp.yaml');
  } catch (err) {
    expect(err).toBeInstanceOf(InputError);
    return (err as Error).message;
  }
  throw new Error('expected the experiment to be refused');
}
