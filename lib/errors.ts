/** Errors that every layer may raise and only main.ts turns into output and exit codes. */

/** A mistake in what the user gave us (flag, env var, config file): one line, exit code 2, no stack. */
export class UsageError extends Error {
  override readonly name = "UsageError";
  readonly exitCode = 2;
}

/**
 * A failure the user can act on (bad API key, unreachable server, missing conversation): one line,
 * exit code 1, no stack. Anything else that escapes is a bug and is reported with its stack.
 */
export class UserFacingError extends Error {
  override readonly name = "UserFacingError";
  constructor(message: string, readonly exitCode = 1, options?: ErrorOptions) {
    super(message, options);
  }
}

/** The exit code a thrown error stands for: its own for usage and user-facing errors, else 1. */
export function exitCodeOf(error: unknown): number {
  if (error instanceof UsageError || error instanceof UserFacingError) return error.exitCode;
  return 1;
}
