// A lint finding as the engine hands it out: absolute offsets in the linted text, the level the
// settings gave it, related places (where the table was created) and ready-to-apply fixes.
// Invariant: offsets are string indices into the text that was linted; a related location or a
// fix edit in another file carries that file's path.

import type { Severity } from './rule';
import type { SourceLocation } from './schema-state/model';

export type ResolvedEdit =
  | { start: number; end: number; text: string }
  /** Creates `path` with `text` (the Down file of a split layout). */
  | { createFile: string; text: string };

export interface ResolvedFix {
  title: string;
  preferred?: boolean;
  edits: ResolvedEdit[];
  /** A fix every finding has (disable / allow the rule here), listed after the rule's own. */
  generic?: true;
}

export interface LintFinding {
  rule: string;
  severity: Severity;
  message: string;
  start: number;
  end: number;
  related: { message: string; location: SourceLocation }[];
  /** Resolved when first read (engine/lint-file.ts): most findings' fixes are never asked for. */
  fixes: ResolvedFix[];
  impact?: 'low' | 'high';
}
