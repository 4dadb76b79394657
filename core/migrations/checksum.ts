// Checksums that tell whether an applied migration's file was edited afterwards.
// Invariant: only meaningful edits change a checksum — line endings (CRLF from a Windows
// checkout), trailing whitespace and blank lines around the section do not.

import { createHash } from 'node:crypto';

/**
 * The text that is hashed: LF line endings, no trailing whitespace on any line, no blank lines
 * at the start or end.
 * @example normalizeForChecksum('\r\nselect 1;  \r\n\r\n') === 'select 1;'
 */
export function normalizeForChecksum(sql: string): string {
  const lines = sql
    .replace(/^\uFEFF/, '')
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map((l) => l.replace(/[ \t\f\v]+$/, ''));
  let from = 0;
  let to = lines.length;
  while (from < to && lines[from] === '') from++;
  while (to > from && lines[to - 1] === '') to--;
  return lines.slice(from, to).join('\n');
}

/** SHA-256 (hex) of the normalized section. @example sectionChecksum('select 1;\r\n') === sectionChecksum('select 1;') */
export function sectionChecksum(sql: string): string {
  return createHash('sha256').update(normalizeForChecksum(sql), 'utf8').digest('hex');
}
