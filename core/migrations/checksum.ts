// Checksums that tell whether an applied migration's file was edited afterwards.
// Invariant: only meaningful edits change a checksum — line endings (CRLF from a Windows
// checkout), trailing whitespace and blank lines around the section do not.

import { hash } from 'node:crypto';

/**
 * The text that is hashed: LF line endings, no trailing whitespace on any line, no blank lines
 * at the start or end.
 * @example normalizeForChecksum('\r\nselect 1;  \r\n\r\n') === 'select 1;'
 */
export function normalizeForChecksum(sql: string): string {
  // without splitting into lines: every command reads every migration's checksum
  return sql
    .replace(/^\uFEFF/, '')
    .replace(/\r\n?/g, '\n')
    .replace(/[ \t\f\v]+(?=\n|$)/g, '')
    .replace(/^\n+/, '')
    .replace(/\n+$/, '');
}

/** SHA-256 (hex) of the normalized section. @example sectionChecksum('select 1;\r\n') === sectionChecksum('select 1;') */
export function sectionChecksum(sql: string): string {
  return hash('sha256', normalizeForChecksum(sql), 'hex');
}
