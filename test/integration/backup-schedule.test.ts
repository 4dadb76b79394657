// Scheduling for real: the `crontab` command of a throwaway OS user (created here with useradd,
// so the machine user's own crontab is never touched), systemd unit files under a temp HOME
// checked against `systemd-analyze calendar`, the CLI run as that user, and the scheduled job
// itself run the way cron runs it (sh -c, minimal PATH) — status file, exit code, notification.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { appendFileSync, chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { scheduleBackups } from '../../core/backup/schedule';
import { nextRuns, toOnCalendar } from '../../core/backup/schedule-spec';
import { runScheduledBackup } from '../../core/backup/schedule-run';
import { readStatusFile } from '../../core/backup/status';
import { loadProject } from '../../core/config/load-config';
import { PglcError } from '../../core/errors';
import { openStores } from '../../core/storage/open-stores';
import { writeFakeBackup } from '../harness/s3-fixtures';
import { pglcPath } from '../harness/cli';
import { recordingContext, tempProject } from '../harness/project';
import { createTestDatabase } from '../harness/database';
import type { BackupRunStatus } from '../../protocol/index';

const has = (cmd: string) => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
const runtime = { node: process.execPath, pglc: pglcPath };
let user = '';
let userHome = '';
let userRoot = '';

function sh(cmd: string, args: string[], input?: string) {
  const r = spawnSync(cmd, args, { input, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}
const crontabOf = (u: string) => sh('crontab', ['-u', u, '-l']).stdout;

before(() => {
  assert.ok(has('crontab'), 'The `crontab` command is missing: install Debian\'s cron package (apt-get install cron) — .ci/run must install it.');
  assert.equal(process.getuid?.(), 0, 'These tests create a throwaway OS user with useradd and edit its crontab with `crontab -u`: run them as root (CI does).');
  userRoot = mkdtempSync(join(tmpdir(), 'pglc-cron-user-'));
  chmodSync(userRoot, 0o755);
  userHome = join(userRoot, 'home');
  user = `pglc_cron_${randomBytes(3).toString('hex')}`;
  const r = sh('useradd', ['--create-home', '--home-dir', userHome, '--shell', '/bin/sh', user]);
  assert.equal(r.code, 0, `useradd failed: ${r.stderr}`);
});

after(() => {
  if (user) {
    sh('crontab', ['-u', user, '-r']);
    sh('userdel', [user]);
  }
  if (userRoot) rmSync(userRoot, { recursive: true, force: true });
});

test('cron: pglc writes, replaces and removes only its own line in the user\'s crontab', async (t) => {
  const own = 'MAILTO=""\n# nightly report (mine)\n17 3 * * * /bin/true\n';
  assert.equal(sh('crontab', ['-u', user, '-'], own).code, 0);
  const shop = tempProject({}, { name: 'shop' });
  const blog = tempProject({}, { name: 'blog' });
  t.after(() => (shop.cleanup(), blog.cleanup()));
  const home = mkdtempSync(join(tmpdir(), 'pglc-home-'));
  t.after(() => rmSync(home, { recursive: true, force: true }));
  const now = new Date('2026-11-14T12:00:00');
  const ctx = recordingContext({ env: { PATH: process.env.PATH }, now: () => now });
  const req = { environment: 'local', runtime, home, crontabUser: user } as const;

  const set = await scheduleBackups(shop.project, { ...req, action: 'set', preset: 'daily', via: 'cron' }, ctx);
  assert.equal(set.via, 'cron');
  assert.equal(set.cron, '0 2 * * *');
  const local = (d: number) => new Date(2026, 10, 14 + d, 2, 0, 0).toISOString();
  assert.deepEqual(set.nextRuns, [1, 2, 3, 4, 5].map(local));
  let tab = crontabOf(user);
  assert.ok(tab.startsWith(own), 'the user\'s own lines come first, unchanged');
  assert.equal(tab.split('\n').filter((l) => l.includes('pglc-backup-shop-')).length, 1);
  assert.match(tab, new RegExp(`^0 2 \\* \\* \\* cd ${shop.root} && ${process.execPath} ${pglcPath} backup schedule:run --env local --vars-file \\S+ >> ${shop.root}/\\.pglc/logs/backup-local\\.log 2>&1 # pglc-backup-shop-[0-9a-f]{8}-local$`, 'm'));
  assert.ok(existsSync(join(shop.root, '.pglc', 'logs')));
  assert.equal(statSync(set.envFile!).mode & 0o777, 0o600, 'the env file is private');
  assert.doesNotMatch(readFileSync(set.envFile!, 'utf8'), /^BACKUP_ENCRYPTION_KEY=/m, 'only a template: no secret written');

  const changed = await scheduleBackups(shop.project, { ...req, action: 'set', cron: '0 */6 * * *', via: 'cron' }, ctx);
  assert.deepEqual(changed.nextRuns.slice(0, 2), [new Date(2026, 10, 14, 18, 0, 0).toISOString(), new Date(2026, 10, 15, 0, 0, 0).toISOString()]);
  await scheduleBackups(blog.project, { ...req, action: 'set', preset: 'weekly', via: 'cron' }, ctx);
  tab = crontabOf(user);
  assert.equal(tab.split('\n').filter((l) => l.includes('pglc-backup-shop-')).length, 1, 'replaced, not added');
  assert.match(tab, /^0 \*\/6 \* \* \* .*pglc-backup-shop-/m);
  assert.match(tab, /^0 2 \* \* 0 .*pglc-backup-blog-/m);

  const shown = await scheduleBackups(shop.project, { ...req, action: 'show' }, ctx);
  assert.equal(shown.enabled, true);
  assert.equal(shown.via, 'cron');
  assert.equal(shown.cron, '0 */6 * * *');
  assert.equal(shown.nextRuns.length, 5);
  assert.match(shown.entry!, /# pglc-backup-shop-/);

  const off = await scheduleBackups(shop.project, { ...req, action: 'disable' }, ctx);
  assert.equal(off.enabled, false);
  tab = crontabOf(user);
  assert.ok(tab.startsWith(own));
  assert.doesNotMatch(tab, /pglc-backup-shop-/);
  assert.match(tab, /pglc-backup-blog-/, 'another project\'s schedule is left alone');
  const none = await scheduleBackups(shop.project, { ...req, action: 'show' }, ctx);
  assert.equal(none.enabled, false);
  const again = await scheduleBackups(shop.project, { ...req, action: 'disable' }, ctx);
  assert.match(again.notes.join('\n'), /nothing to remove/);
  await assert.rejects(scheduleBackups(shop.project, { ...req, action: 'set', environment: 'nope', preset: 'daily' }, ctx), /no environment "nope"/);
});

test('systemd: service + timer under ~/.config/systemd/user, OnCalendar agreeing with systemd-analyze, show and disable', async (t) => {
  const home = mkdtempSync(join(tmpdir(), 'pglc-home-'));
  const p = tempProject({}, { name: 'shop' });
  t.after(() => (p.cleanup(), rmSync(home, { recursive: true, force: true })));
  const ctx = recordingContext({ env: { PATH: process.env.PATH, HOME: home } });
  const req = { environment: 'local', runtime, home, crontabUser: user } as const;
  const set = await scheduleBackups(p.project, { ...req, action: 'set', cron: '30 2 * * 1-5', via: 'systemd' }, ctx);
  assert.equal(set.via, 'systemd');
  const [service, timer] = set.files!;
  assert.ok(service!.startsWith(join(home, '.config/systemd/user/')), service);
  assert.match(service!, /\/pglc-backup-shop-[0-9a-f]{8}-local\.service$/);
  const serviceText = readFileSync(service!, 'utf8');
  const timerText = readFileSync(timer!, 'utf8');
  assert.match(serviceText, new RegExp(`^ExecStart=${process.execPath} ${pglcPath} backup schedule:run --env local --vars-file ${set.envFile}$`, 'm'));
  assert.match(serviceText, new RegExp(`^EnvironmentFile=-${set.envFile}$`, 'm'));
  assert.match(serviceText, new RegExp(`^WorkingDirectory=${p.root}$`, 'm'));
  const onCalendar = timerText.split('\n').filter((l) => l.startsWith('OnCalendar=')).map((l) => l.slice('OnCalendar='.length));
  assert.deepEqual(onCalendar, ['Mon..Fri *-*-* 02:30:00']);
  assert.ok(set.notes.some((n) => /systemctl --user/.test(n)), 'says how to enable the timer when no user manager answers');
  assert.equal(crontabOf(user).includes('pglc-backup-shop-'), false, 'no crontab entry for a systemd schedule');

  if (has('systemd-analyze')) {
    for (const expr of ['30 2 * * 1-5', '0 */6 * * *', '15 4 1,15 * *', '0 4 1 * mon', '0 3 * * 5-7']) {
      // systemd's and croner's next five runs must be the same times (cron's OR of day fields included).
      const lines = toOnCalendar(expr);
      const fromSystemd = lines
        .flatMap((l) => {
          const r = sh('systemd-analyze', ['calendar', '--iterations=5', l]);
          assert.equal(r.code, 0, `${l}: ${r.stderr}`);
          return [...r.stdout.matchAll(/(?:Next elapse|Iter\. #\d+): \w+ (\d{4}-\d\d-\d\d \d\d:\d\d:\d\d)/g)].map((m) => m[1]!);
        })
        .sort()
        .slice(0, 5);
      const fromCroner = nextRuns(expr, 5, new Date()).map((iso) => {
        const d = new Date(iso);
        const pad = (n: number) => String(n).padStart(2, '0');
        return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:00`;
      });
      assert.deepEqual(fromSystemd, fromCroner, expr);
    }
  }

  const shown = await scheduleBackups(p.project, { ...req, action: 'show' }, ctx);
  assert.equal(shown.via, 'systemd');
  assert.equal(shown.cron, '30 2 * * 1-5');
  assert.equal(shown.nextRuns.length, 5);
  // Switching to cron replaces the units.
  const toCron = await scheduleBackups(p.project, { ...req, action: 'set', preset: 'hourly', via: 'cron' }, ctx);
  assert.equal(toCron.via, 'cron');
  assert.equal(existsSync(timer!), false);
  const off = await scheduleBackups(p.project, { ...req, action: 'disable' }, ctx);
  assert.equal(off.enabled, false);
  assert.doesNotMatch(crontabOf(user), /pglc-backup-shop-/);
});

test('the CLI, run as the test user: schedule --preset, --show with five next runs, --disable', async (t) => {
  const project = join(userRoot, `proj-${randomBytes(3).toString('hex')}`);
  mkdirSync(project);
  writeFileSync(join(project, 'pglc.toml'), '[project]\nname = "cliproj"\n');
  assert.equal(sh('chown', ['-R', `${user}:`, project]).code, 0);
  t.after(() => rmSync(project, { recursive: true, force: true }));
  const pglc = (...args: string[]) => {
    const r = spawnSync('runuser', ['-u', user, '--', 'env', `HOME=${userHome}`, `PATH=${process.env.PATH}`, 'NO_COLOR=1', process.execPath, pglcPath, ...args], { cwd: project, encoding: 'utf8' });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr, json: args.includes('--json') ? JSON.parse(r.stdout) : undefined };
  };
  const set = pglc('backup', 'schedule', '--preset', 'hourly', '--via', 'cron', '--json');
  assert.equal(set.code, 0, set.stdout + set.stderr);
  assert.equal(set.json.result.via, 'cron');
  assert.match(crontabOf(user), /^0 \* \* \* \* .*# pglc-backup-cliproj-[0-9a-f]{8}-local$/m);
  assert.equal(statSync(set.json.result.envFile).uid, Number(sh('id', ['-u', user]).stdout.trim()), 'the env file belongs to the user');

  const show = pglc('backup', 'schedule', '--show');
  assert.equal(show.code, 0, show.stderr);
  assert.match(show.stdout, /Scheduled backups of local via cron: 0 \* \* \* \* \(|Scheduled backups of local via cron: 0 \* \* \* \*/);
  assert.equal((show.stdout.match(/^ {2}\w{3} \w{3} \d\d \d{4} \d\d:00:00/gm) ?? []).length, 5, show.stdout);

  const bad = pglc('backup', 'schedule', '--cron', '0 0 2 * * *', '--json');
  assert.equal(bad.code, 2);
  assert.match(bad.json.error.why, /seconds are not supported/);

  const off = pglc('backup', 'schedule', '--disable', '--json');
  assert.equal(off.code, 0, off.stderr);
  assert.doesNotMatch(crontabOf(user), /pglc-backup-cliproj-/);
});

test('the scheduled job, run as cron runs it: backup created, status file ok; a failing run exits non-zero, records why and notifies', async (t) => {
  const db = await createTestDatabase('sched');
  t.after(() => db.drop());
  await db.query('create table t (id int primary key, v text); insert into t select g, md5(g::text) from generate_series(1, 500) g');
  const home = mkdtempSync(join(tmpdir(), 'pglc-home-'));
  const p = tempProject({
    'pglc.toml': [
      '[environments.test]',
      'url = "${TEST_DATABASE_URL}"',
      '',
      '[backup]',
      'retention = { count = 5 }',
      '',
      '[backup.notify]',
      'command = ["sh", "-c", "cat > notified.json"]',
      '',
    ].join('\n'),
    '.gitignore': 'backups/\n.pglc/\n',
  });
  t.after(() => (p.cleanup(), rmSync(home, { recursive: true, force: true })));
  const ctx = recordingContext({ env: { PATH: process.env.PATH, HOME: home } });
  const project = await loadProject({ env: {}, cwd: p.root });
  const set = await scheduleBackups(project, { action: 'set', environment: 'test', preset: 'daily', via: 'cron', runtime, home, crontabUser: user }, ctx);
  appendFileSync(set.envFile!, `TEST_DATABASE_URL=${db.url}\n`);
  const line = crontabOf(user).split('\n').find((l) => l.includes(`--env test`) && l.includes(p.root))!;
  assert.ok(line, 'the crontab line is there');
  // What cron does: the command after the five time fields, `\%` unescaped, through /bin/sh with a minimal environment.
  const command = line.split(' ').slice(5).join(' ').replace(/\\%/g, '%');
  const runJob = () => spawnSync('sh', ['-c', command], { env: { PATH: '/usr/bin:/bin', HOME: home, SHELL: '/bin/sh' }, encoding: 'utf8' });

  const ok = runJob();
  const log = readFileSync(join(p.root, '.pglc/logs/backup-test.log'), 'utf8');
  assert.equal(ok.status, 0, log);
  const status = await readStatusFile(p.root);
  assert.equal(status?.result, 'ok', JSON.stringify(status));
  assert.equal(status?.environment, 'test');
  assert.match(status!.backupId!, /^test-/);
  assert.deepEqual(status?.steps, { create: 'ok', upload: 'skipped', prune: 'ok', notify: 'ok' });
  const manifest = JSON.parse(readFileSync(join(p.root, 'backups', status!.backupId!, 'manifest.json'), 'utf8'));
  assert.deepEqual(manifest.tags, ['scheduled']);
  const notified = JSON.parse(readFileSync(join(p.root, 'notified.json'), 'utf8'));
  assert.equal(notified.event, 'backup.scheduled.ok');
  assert.equal(notified.backupId, status!.backupId);

  // The database goes away: the next run fails, exits non-zero, says why in the status file and the notification.
  writeFileSync(set.envFile!, `TEST_DATABASE_URL=${db.url.replace(/@127\.0\.0\.1:\d+\//, '@127.0.0.1:1/')}\n`, { mode: 0o600 });
  const failed = runJob();
  assert.notEqual(failed.status, 0);
  const st2 = await readStatusFile(p.root);
  assert.equal(st2?.result, 'failed');
  assert.equal(st2?.steps.create, 'failed');
  assert.equal(st2?.steps.prune, 'skipped', 'no prune after a failed backup');
  assert.match(st2!.message, /backup failed: /);
  assert.equal(st2?.environments.test?.result, 'failed');
  assert.equal(JSON.parse(readFileSync(join(p.root, 'notified.json'), 'utf8')).event, 'backup.scheduled.failed');
  assert.match(readFileSync(join(p.root, '.pglc/logs/backup-test.log'), 'utf8'), /The scheduled backup of test failed/);
  assert.ok(!readFileSync(join(p.root, '.pglc/backup-status.json'), 'utf8').includes(db.url.split('@')[0]!.split(':').pop()!), 'no password in the status file');

  // The env file is gone: still a run — it fails, says why, and leaves the status file.
  rmSync(set.envFile!);
  const noFile = runJob();
  assert.notEqual(noFile.status, 0);
  const st3 = await readStatusFile(p.root);
  assert.equal(st3?.result, 'failed');
  assert.match(st3!.message, /variables file .* cannot be read — it does not exist/);
  sh('crontab', ['-u', user, '-r']);
});

test('notifications: the webhook gets the JSON summary; a failing webhook or command is logged, never fatal', async (t) => {
  const bodies: { url: string; body: any }[] = [];
  const server = createServer((req: IncomingMessage, res) => {
    let text = '';
    req.setEncoding('utf8').on('data', (d: string) => (text += d)).on('end', () => {
      bodies.push({ url: req.url ?? '', body: JSON.parse(text) });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.after(() => new Promise<void>((r) => server.close(() => r())));
  const port = (server.address() as AddressInfo).port;
  const p = tempProject();
  t.after(() => p.cleanup());
  const project = { ...p.project, backup: { ...p.project.backup, retention: { count: 3 }, notify: { webhook: `http://127.0.0.1:${port}/hook/\${HOOK_TOKEN}`, command: ['no-such-notifier-binary'] } } };
  const stores = openStores(project, {});
  t.after(() => stores.close());
  const ctx = recordingContext();
  let n = 0;
  const create = async () => writeFakeBackup(stores.local, { id: `local-app-2026111${n}T000000Z`, createdAt: `2026-11-1${n++}T00:00:00Z`, tags: ['scheduled'] });
  const status: BackupRunStatus = await runScheduledBackup({ project, vars: { HOOK_TOKEN: 's3cr3t-token' }, environment: 'local', stores, create }, ctx);
  assert.equal(status.result, 'ok');
  assert.equal(status.steps.notify, 'failed', 'the command could not run');
  assert.equal(bodies.length, 1);
  assert.equal(bodies[0]!.url, '/hook/s3cr3t-token');
  assert.equal(bodies[0]!.body.event, 'backup.scheduled.ok');
  assert.equal(bodies[0]!.body.backupId, 'local-app-20261110T000000Z');
  assert.ok(ctx.messages().some((m) => /Notification command no-such-notifier-binary could not run: not found/.test(m)));

  // A webhook that cannot be reached: warned about (host only — the token stays out of messages).
  const down = { ...project, backup: { ...project.backup, notify: { webhook: 'http://127.0.0.1:1/hook/${HOOK_TOKEN}' } } };
  const ctx2 = recordingContext();
  const s2 = await runScheduledBackup({ project: down, vars: { HOOK_TOKEN: 's3cr3t-token' }, environment: 'local', stores, create }, ctx2);
  assert.equal(s2.result, 'ok');
  assert.equal(s2.steps.notify, 'failed');
  assert.ok(ctx2.messages().some((m) => /Webhook at 127\.0\.0\.1:1 failed/.test(m)));
  assert.ok(ctx2.messages().every((m) => !m.includes('s3cr3t-token')));

  // A failing create: status failed, prune skipped, webhook told.
  const s3 = await runScheduledBackup({ project, vars: { HOOK_TOKEN: 't' }, environment: 'local', stores, create: async () => { throw new PglcError('server-unreachable', { what: 'Cannot connect', why: 'refused', fix: 'start it' }); } }, recordingContext());
  assert.equal(s3.result, 'failed');
  assert.deepEqual([s3.steps.create, s3.steps.prune], ['failed', 'skipped']);
  assert.equal(bodies[1]!.body.event, 'backup.scheduled.failed');
  assert.match(bodies[1]!.body.message, /backup failed: Cannot connect — refused/);
  const file = await readStatusFile(p.root);
  assert.equal(file?.result, 'failed');
  assert.equal(file?.environments.local?.result, 'failed');
});
