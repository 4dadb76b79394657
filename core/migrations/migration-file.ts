// The in-memory shape of one migration: its version, where its file is, its Up and Down
// sections with their positions in the file (so server errors map back to file:line:column),
// and the checksums the tracking table records.
// Invariant: a MigrationFile is built only by parseMigrationFile (discover.ts) and is never
// mutated; `sql` is the file's text exactly (offsets stay valid), checksums are of normalized text.

import type { MigrationFormat } from '../../protocol/index';

export type { MigrationFormat };

export interface MigrationSection {
  /** The section's SQL, verbatim from the file (marker lines excluded). */
  sql: string;
  /** String index of sql[0] in the file text. */
  offset: number;
  /** 1-based line of sql[0] in the file. */
  line: number;
  /** Declared to run outside a transaction (`-- pglc:no-transaction`, dbmate's `transaction:false`). */
  noTransaction: boolean;
}

export interface MigrationFile {
  version: string;
  /** The part of the file name after the version, e.g. `create_users`. */
  name: string;
  format: MigrationFormat;
  /** Absolute path of the file holding the Up section. */
  path: string;
  /** `path` relative to the project root, with forward slashes. */
  relPath: string;
  up: MigrationSection;
  down?: MigrationSection;
  /** Absolute path of the file holding the Down section, when it is a separate file. */
  downPath?: string;
  /** `downPath` (or `path` when Down is in the same file) relative to the project root. */
  downRelPath?: string;
  /** The Up section is declared to run outside a transaction. */
  noTransaction: boolean;
  /** SHA-256 (hex) of the normalized Up section. */
  checksum: string;
  downChecksum?: string;
}

/** `0003_add_posts`: how a migration is named in messages. */
export function migrationLabel(m: { version: string; name: string }): string {
  return m.name ? `${m.version}_${m.name}` : m.version;
}
