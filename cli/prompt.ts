// Interactive questions on the terminal. Invariant: only asked when stdin and stderr are TTYs
// and --json is off; otherwise the caller gets undefined and must fail with a clear error
// (a cron job must never hang on a prompt).

import { createInterface } from 'node:readline/promises';

export function canPrompt(json: boolean): boolean {
  return !json && Boolean(process.stdin.isTTY) && Boolean(process.stderr.isTTY);
}

/** Asks for a line of text on stderr; undefined when not interactive. */
export async function ask(question: string, json: boolean): Promise<string | undefined> {
  if (!canPrompt(json)) return undefined;
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return (await rl.question(question)).trim();
  } finally {
    rl.close();
  }
}
