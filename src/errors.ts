/**
 * An error meant for the user: the message names the problem and the fix. The CLI prints it without a
 * stack trace and exits with `exitCode` (2 bad input/usage, 1 failed work, 3 backend or scheduler error).
 */
export class HpcinvError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = 2,
  ) {
    super(message);
    this.name = 'HpcinvError';
  }
}

/** Bad input from the user: a file, a field, a flag. */
export class InputError extends HpcinvError {
  constructor(message: string) {
    super(message, 2);
    this.name = 'InputError';
  }
}

/** A scheduler, remote host or service refused or failed. */
export class BackendError extends HpcinvError {
  constructor(message: string) {
    super(message, 3);
    this.name = 'BackendError';
  }
}
