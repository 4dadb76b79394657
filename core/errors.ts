// Expected failures of the engine. Invariant: every failure a user can cause or meet
// (bad config, server down, wrong password, a broken migration) is a PglcError with
// what / why / fix and never includes a secret; anything else is a bug and is reported
// as `internal` by the CLI.

import type { ErrorCode, ErrorPayload } from '../protocol/index';

export class PglcError extends Error {
  readonly code: ErrorCode;
  readonly what: string;
  readonly why: string;
  readonly fix: string;
  readonly details?: Record<string, unknown>;

  constructor(code: ErrorCode, parts: { what: string; why: string; fix: string; details?: Record<string, unknown> }) {
    super(`${parts.what} — ${parts.why}`);
    this.name = 'PglcError';
    this.code = code;
    this.what = parts.what;
    this.why = parts.why;
    this.fix = parts.fix;
    this.details = parts.details;
  }

  toPayload(): ErrorPayload {
    return { code: this.code, what: this.what, why: this.why, fix: this.fix, details: this.details };
  }
}

export function isPglcError(e: unknown): e is PglcError {
  return e instanceof PglcError;
}

/** Throws `cancelled` when the signal has fired; call between steps of long operations. */
export function throwIfAborted(signal: AbortSignal | undefined, what = 'The operation'): void {
  if (signal?.aborted) {
    throw new PglcError('cancelled', {
      what: `${what} was cancelled`,
      why: 'a cancellation was requested',
      fix: 'Run it again when ready; the previous state was kept.',
    });
  }
}
