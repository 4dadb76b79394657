// kill -9 of `pglc backup create` at random points (driven by its --json progress events: after
// a random number of stored bytes, or a random time after it started): a backup is listed as
// complete only if it is whole — every listed backup verifies — and everything else is listed
// as a leftover, never as a backup. ≥ 20 trials, custom and directory formats, seeded PRNG
// (the seed is printed so a failure can be replayed with BACKUP_KILL_SEED).

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createTestDatabase, type TestDatabase } from '../harness/database';
import { pglcPath, tempProject, tomlFor } from '../harness/cli';
import { generateKey } from '../../core/crypto/backup-key';
import type { CliEvent } from '../../protocol/index';
import { prng } from '../harness/prng';

const TRIALS = 24;

interface Trial { args: string[]; trigger: { bytes: number } | { ms: number } }

/** Runs pglc to the end; the result from stdout, and stderr kept whole for failure messages. */
function runPglc(args: string[], opts: { cwd: string; env: Record<string, string> }): Promise<{ code: number | null; stdout: string; stderr: string; result?: any }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [pglcPath, ...args], { cwd: opts.cwd, env: { ...process.env, ...opts.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => {
      let result: any;
      try {
        result = JSON.parse(stdout);
      } catch {
        // left undefined: the assertion shows stdout and stderr
      }
      resolve({ code, stdout, stderr, result });
    });
  });
}

describe('kill -9 during backup create', () => {
  let db: TestDatabase;
  let project: ReturnType<typeof tempProject>;
  let env: Record<string, string>;
  let fullSize = 0;
  const seed = Number(process.env.BACKUP_KILL_SEED ?? Date.now() % 1_000_000);
  const rand = prng(seed);
  const key = generateKey();

  before(async () => {
    db = await createTestDatabase('bkkill');
    // ~50 MB of COPY text that compresses only about 2:1, so the dump takes a while and stored
    // bytes grow steadily.
    await db.query(`CREATE TABLE a (id int PRIMARY KEY, h text, n numeric);
                    INSERT INTO a SELECT g, md5(g::text) || md5((g * 7)::text), g * 1.5 FROM generate_series(1, 500000) g;
                    CREATE TABLE b (id int PRIMARY KEY, payload jsonb);
                    INSERT INTO b SELECT g, jsonb_build_object('k', md5(g::text), 'g', g) FROM generate_series(1, 150000) g;`);
    project = tempProject({ 'pglc.toml': tomlFor() });
    env = { TEST_DATABASE_URL: db.url, BACKUP_ENCRYPTION_KEY: key.key };
  });
  after(async () => {
    project.cleanup();
    await db.drop();
  });

  async function settled(): Promise<void> {
    // Orphaned pg_dump processes die on their next write to a dead pipe; wait until none is
    // connected, so the next trial and the final listing see a quiet folder.
    const deadline = Date.now() + 30_000;
    for (;;) {
      const r = await db.query<{ n: number }>("SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'pglc backup'");
      if (r.rows[0]!.n === 0) return;
      if (Date.now() > deadline) throw new Error('pg_dump processes of killed backups are still connected after 30 s');
      await new Promise((res) => setTimeout(res, 50)); // polling a condition, with a deadline
    }
  }

  function runAndKill(t: Trial): Promise<{ killed: boolean; code: number | null; lastBytes: number }> {
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [pglcPath, 'backup', 'create', '--env', 'test', '--json', ...t.args], {
        cwd: project.dir,
        env: { ...process.env, ...env, NO_COLOR: '1' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let killed = false;
      let lastBytes = 0;
      const kill = (): void => {
        if (!killed && child.exitCode === null) {
          killed = true;
          child.kill('SIGKILL');
        }
      };
      const timer = 'ms' in t.trigger ? setTimeout(kill, t.trigger.ms) : undefined;
      createInterface({ input: child.stderr! }).on('line', (line) => {
        let e: CliEvent;
        try {
          e = JSON.parse(line) as CliEvent;
        } catch {
          return;
        }
        if (e.type === 'progress' && e.unit === 'bytes' && e.step === 'backup.bytes') {
          lastBytes = e.current ?? 0;
          if ('bytes' in t.trigger && lastBytes >= t.trigger.bytes) kill();
        }
      });
      child.stdout!.resume();
      child.on('error', reject);
      child.on('close', (code) => {
        if (timer) clearTimeout(timer);
        resolve({ killed, code, lastBytes });
      });
    });
  }

  it(`${TRIALS} trials never leave an incomplete backup listed as complete (seed ${seed})`, async () => {
    const first = await runPglc(['backup', 'create', '--env', 'test', '--encrypt', '--json'], { cwd: project.dir, env });
    assert.equal(first.code, 0, first.stdout + first.stderr);
    assert.ok(first.result?.ok, first.stdout + first.stderr);
    fullSize = first.result!.result.manifest.totalSize;
    assert.ok(fullSize > 10 * 1024 * 1024, `the dump is big enough to be interrupted (${fullSize} bytes)`);

    const outcomes: string[] = [];
    for (let i = 0; i < TRIALS; i++) {
      const directory = i % 4 === 3;
      const args = directory ? ['--format', 'directory', '--jobs', '2', '--encrypt'] : i % 4 === 1 ? ['--no-encrypt', '--compress', 'gzip:1'] : ['--encrypt'];
      // Mostly "after N stored bytes"; every fifth trial a random time, which also lands before
      // the dump starts (connecting, reading tables) and around the manifest write.
      const trigger = i % 5 === 4 ? { ms: Math.floor(rand() * 2500) } : { bytes: Math.floor(rand() * fullSize * (args.includes('gzip:1') ? 1.6 : 1.05)) };
      const r = await runAndKill({ args, trigger });
      outcomes.push(`${i}: ${args.join(' ')} ${JSON.stringify(trigger)} → ${r.killed ? `killed at ~${r.lastBytes} bytes` : `finished (${r.code})`}`);
      await settled();
    }

    const list = await runPglc(['backup', 'list', '--json'], { cwd: project.dir, env });
    assert.equal(list.code, 0, list.stdout + list.stderr);
    const { backups, leftovers } = list.result!.result as { backups: { id: string; complete: boolean }[]; leftovers: { id: string }[] };
    const report = `seed ${seed}\n${outcomes.join('\n')}\nbackups: ${backups.map((b) => b.id).join(', ')}\nleftovers: ${leftovers.map((l) => l.id).join(', ')}`;
    const killed = outcomes.filter((o) => o.includes('killed')).length;
    assert.ok(killed >= TRIALS / 2, `most trials must really be interrupted:\n${report}`);
    assert.ok(backups.length >= 1 && backups.length <= TRIALS + 1, report);
    for (const l of leftovers) assert.ok(!backups.some((b) => b.id === l.id), `${l.id} is both a backup and a leftover`);
    for (const b of backups) {
      assert.equal(b.complete, true);
      assert.ok(existsSync(join(project.dir, 'backups', b.id, 'manifest.json')));
      const v = await runPglc(['backup', 'verify', b.id, '--json'], { cwd: project.dir, env });
      assert.equal(v.code, 0, `listed backup ${b.id} does not verify: ${v.stdout}\n${v.stderr}\n${report}`);
    }
    for (const l of leftovers) {
      const v = await runPglc(['backup', 'verify', l.id, '--json'], { cwd: project.dir, env });
      assert.notEqual(v.code, 0, `leftover ${l.id} must not verify as a backup\n${report}`);
      assert.match(String(v.result?.error?.code), /^backup-(not-found|corrupt)$/, `${v.stdout}\n${v.stderr}\n${report}`);
    }
  });
});
