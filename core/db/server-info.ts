// Facts about a connected server that other modules decide on (tool compatibility, syntax).
// Invariant: the major version comes from server_version_num, never from parsing the
// free-form server_version text (distributions append "(Debian 15.18-1…)").

import type { DbClient } from './connect';

export interface ServerVersion {
  /** server_version_num, e.g. 150018. */
  num: number;
  /** 15 for 15.x; 9 for 9.6 (pre-10 majors are reported by their first number). */
  major: number;
  /** Short version text, e.g. "15.18". */
  text: string;
}

/**
 * The server's version.
 * @example const v = await serverVersion(client); if (v.major < 13) …
 */
export async function serverVersion(client: Pick<DbClient, 'query'>): Promise<ServerVersion> {
  const r = await client.query<{ num: string; text: string }>(
    "SELECT current_setting('server_version_num') AS num, current_setting('server_version') AS text",
  );
  const row = r.rows[0];
  const num = Number(row?.num);
  return { num, major: Math.floor(num / 10_000), text: versionText(num, row?.text ?? '') };
}

function versionText(num: number, text: string): string {
  const first = /^\d+(?:\.\d+)*(?:[a-z]+\d*)?/i.exec(text.trim())?.[0];
  if (first) return first;
  const major = Math.floor(num / 10_000);
  return major >= 10 ? `${major}.${num % 10_000}` : `${major}.${Math.floor(num / 100) % 100}.${num % 100}`;
}
