// The private folder a restore unpacks a backup into: PGLC_RESTORE_TMPDIR, else the project's
// .pglc/tmp (git-ignored, on the project's disk rather than a small tmpfs). Each run's folder
// holds the pid of its pglc; folders whose process is gone (a killed restore) are removed by the
// next run. Invariant: a folder of a running restore is never removed.

import { mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export function restoreWorkRoot(projectRoot: string, vars: Readonly<Record<string, string | undefined>>): string {
  return vars.PGLC_RESTORE_TMPDIR || join(projectRoot, '.pglc', 'tmp');
}

/** Marks `dir` as used by this process. */
export async function claimWorkDir(dir: string): Promise<void> {
  await writeFile(join(dir, 'pid'), String(process.pid), { mode: 0o600 });
}

/**
 * Removes work folders of restores whose process is gone; returns how many.
 * @example await removeStaleWorkDirs(restoreWorkRoot(root, vars));
 */
export async function removeStaleWorkDirs(root: string): Promise<number> {
  await mkdir(root, { recursive: true, mode: 0o700 });
  let removed = 0;
  for (const name of await readdir(root)) {
    if (!name.startsWith('restore-')) continue;
    const dir = join(root, name);
    const pid = Number(await readFile(join(dir, 'pid'), 'utf8').catch(() => '0'));
    if (pid && alive(pid)) continue;
    // Just made by a run that has not written its pid yet.
    if (!pid && Date.now() - ((await stat(dir).catch(() => undefined))?.mtimeMs ?? 0) < 60_000) continue;
    await rm(dir, { recursive: true, force: true });
    removed++;
  }
  return removed;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
