// kill -9 of `pglc restore` at random points (after a random progress step, or a random time):
// the target database is there and usable every time, holding either what it held before or the
// whole backup — never a mix, never missing; the next restore drops what killed runs left
// (unfinished copies, scratch databases, work folders) and succeeds.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { createTestDatabase, type TestDatabase } from '../harness/database';
import { pglcPath, runPglc, tempProject } from '../harness/cli';
import { databasesLike, dropWithRestoreLeftovers, q } from '../harness/restore-helpers';
import { prng } from '../harness/prng';
import { fingerprint } from '../fixtures/backup/fingerprint';
import type { CliEvent } from '../../protocol/index';

const TRIALS = 24;
/** Progress steps each kind of restore passes through (with --no-backup). */
const STEPS = {
  full: ['restore.verify', 'restore.load', 'restore.check', 'restore.analyze', 'restore.swap'],
  tables: ['restore.verify', 'restore.load', 'restore.check', 'restore.move'],
};

describe('kill -9 during restore', () => {
  let db: TestDatabase;
  let project: ReturnType<typeof tempProject>;
  let env: Record<string, string>;
  const seed = Number(process.env.RESTORE_KILL_SEED ?? Date.now() % 1_000_000);
  const rand = prng(seed);

  before(async () => {
    db = await createTestDatabase('rskill');
    await db.query(`CREATE TABLE parent (id int PRIMARY KEY, h text);
                    INSERT INTO parent SELECT g, md5(g::text) FROM generate_series(1, 200000) g;
                    CREATE TABLE child (id bigserial PRIMARY KEY, parent_id int NOT NULL REFERENCES parent (id), v text);
                    INSERT INTO child (parent_id, v) SELECT 1 + g % 200000, repeat('x', 20) FROM generate_series(1, 200000) g;
                    CREATE INDEX ON child (parent_id);`);
    await db.close();
    project = tempProject({ 'pglc.toml': ['[project]', 'name = "rskill"', '', '[environments.test]', 'url = "${TEST_DATABASE_URL}"', ''].join('\n') });
    env = { TEST_DATABASE_URL: db.url };
  });
  after(async () => {
    project.cleanup();
    await dropWithRestoreLeftovers(db.name);
  });

  function runAndKill(args: string[], trigger: { step: string; delayMs: number } | { ms: number }): Promise<{ killed: boolean; code: number | null; lastStep: string; stdout: string }> {
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [pglcPath, ...args, '--json'], { cwd: project.dir, env: { ...process.env, ...env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
      let killed = false;
      let lastStep = '';
      const kill = (): void => {
        if (!killed && child.exitCode === null) {
          killed = true;
          child.kill('SIGKILL');
        }
      };
      const timer = 'ms' in trigger ? setTimeout(kill, trigger.ms) : undefined;
      createInterface({ input: child.stderr! }).on('line', (line) => {
        let e: CliEvent;
        try {
          e = JSON.parse(line) as CliEvent;
        } catch {
          return;
        }
        if (e.type !== 'progress' || !e.step) return;
        lastStep = e.step;
        if ('step' in trigger && e.step === trigger.step) {
          if (trigger.delayMs === 0) kill();
          else setTimeout(kill, trigger.delayMs);
        }
      });
      let stdout = '';
      child.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d));
      child.on('error', reject);
      child.on('close', (code) => {
        if (timer) clearTimeout(timer);
        resolve({ killed, code, lastStep, stdout });
      });
    });
  }

  it(`${TRIALS} trials: the target is whole and usable every time (seed ${seed})`, async () => {
    const b = await runPglc(['backup', 'create', '--env', 'test', '--json'], { cwd: project.dir, env });
    assert.equal(b.code, 0, b.stdout + b.stderr);
    const id = b.result!.result.manifest.id as string;
    const backupState = await fingerprint((s) => q(db.name, s));
    // The live database drifts from the backup, so "before" and "restored" can be told apart.
    await q(db.name, "DELETE FROM child WHERE id % 3 = 0; UPDATE parent SET h = 'changed' WHERE id <= 1000");
    let liveState = await fingerprint((s) => q(db.name, s));
    assert.notDeepEqual(liveState, backupState);

    const outcomes: string[] = [];
    for (let i = 0; i < TRIALS; i++) {
      const partial = i % 4 === 3;
      const args = ['restore', id, '--env', 'test', '--no-backup', ...(partial ? ['--table', 'public.parent', '--table', 'public.child'] : []), ...(i % 2 ? ['--jobs', '2'] : [])];
      const steps = STEPS[partial ? 'tables' : 'full'];
      const step = steps[Math.floor(rand() * steps.length)]!;
      // The swap and the move are short: kill soon after they start.
      const trigger = i % 5 === 4
        ? { ms: Math.floor(rand() * 1500) }
        : { step, delayMs: Math.floor(rand() * (step === 'restore.swap' || step === 'restore.move' ? 60 : 250)) };
      const r = await runAndKill(args, trigger);
      const now = await fingerprint((s) => q(db.name, s));
      const whole = JSON.stringify(now) === JSON.stringify(liveState) ? 'before' : JSON.stringify(now) === JSON.stringify(backupState) ? 'restored' : 'MIXED';
      outcomes.push(`${i}: ${partial ? 'tables' : 'full'} ${JSON.stringify(trigger)} → ${r.killed ? `killed after ${r.lastStep || 'start'}` : `finished (${r.code}${r.code ? ` ${r.stdout.slice(0, 400)}` : ''})`}: ${whole}`);
      assert.notEqual(whole, 'MIXED', `trial ${i} left a mix:\n${outcomes.join('\n')}`);
      // Usable: a write goes through.
      await q(db.name, "INSERT INTO parent VALUES (-1, 'probe') ON CONFLICT (id) DO NOTHING; DELETE FROM parent WHERE id = -1");
      // Drift again so the next trial can tell again.
      if (whole === 'restored') {
        await q(db.name, "DELETE FROM child WHERE id % 3 = 0; UPDATE parent SET h = 'changed' WHERE id <= 1000");
        liveState = await fingerprint((s) => q(db.name, s));
      }
    }
    const report = `seed ${seed}\n${outcomes.join('\n')}`;
    assert.ok(outcomes.filter((o) => o.includes('killed')).length >= TRIALS / 2, `most trials must really be interrupted:\n${report}`);

    // The next restore cleans up after the killed ones and succeeds.
    const final = await runPglc(['restore', id, '--env', 'test', '--no-backup', '--json'], { cwd: project.dir, env });
    assert.equal(final.code, 0, final.stdout + final.stderr + report);
    assert.deepEqual(await fingerprint((s) => q(db.name, s)), backupState);
    const left = (await databasesLike(`${db.name}__pglc_`)).filter((d) => !/__pglc_old_/.test(d));
    const comments = await q('postgres', "SELECT datname, shobj_description(oid, 'pg_database') AS c FROM pg_database WHERE datname = ANY($1)", [left]);
    assert.deepEqual(left, [], `unfinished copies and scratch databases are dropped:\n${report}\n${JSON.stringify(comments.rows)}\nfinal: ${final.stderr}`);
    const work = join(project.dir, '.pglc', 'tmp');
    assert.deepEqual(existsSync(work) ? readdirSync(work) : [], [], 'work folders of killed runs are removed');
    const old = await runPglc(['restore', 'drop-old', '--all', '--env', 'test', '--json'], { cwd: project.dir, env });
    assert.equal(old.code, 0, old.stdout);
  });
});
