// Schedules without touching the machine: cron parsing, next runs, the systemd OnCalendar form,
// the crontab line and how pglc edits only its own line, and the unit files' text.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nextRuns, parseCron, PRESETS, toOnCalendar } from '../../core/backup/schedule-spec';
import { cronLine, findCronLine, replaceCronLine } from '../../core/backup/schedule-cron';
import { renderUnits } from '../../core/backup/schedule-systemd';
import { scheduleJob, shellQuote } from '../../core/backup/schedule-job';
import { isPglcError } from '../../core/errors';
import { testProject } from '../harness/project';

test('cron expressions → systemd OnCalendar (cron day-of-month OR day-of-week kept as two lines)', () => {
  const cases: [string, string[]][] = [
    [PRESETS.hourly, ['*-*-* *:00:00']],
    [PRESETS.daily, ['*-*-* 02:00:00']],
    [PRESETS.weekly, ['Sun *-*-* 02:00:00']],
    ['*/15 * * * *', ['*-*-* *:00,15,30,45:00']],
    ['0 */6 * * *', ['*-*-* 00,06,12,18:00:00']],
    ['30 2 * * 1-5', ['Mon..Fri *-*-* 02:30:00']],
    ['0 3 * * sat,sun', ['Sat,Sun *-*-* 03:00:00']],
    ['0 3 * * 5-7', ['Fri..Sun *-*-* 03:00:00']],
    ['0 0 1 * *', ['*-*-01 00:00:00']],
    ['@monthly', ['*-*-01 00:00:00']],
    ['0 4 1,15 jan,jul *', ['*-01,07-01,15 04:00:00']],
    ['0 4 1 * mon', ['*-*-01 04:00:00', 'Mon *-*-* 04:00:00']],
    ['5 1-3/2 * * *', ['*-*-* 01,03:05:00']],
  ];
  assert.deepEqual(cases.map(([c]) => [c, toOnCalendar(c)]), cases);
});

test('invalid cron expressions are refused with the reason', () => {
  const bad: [string, RegExp][] = [
    ['0 2 * *', /has 4 fields/],
    ['0 0 2 * * *', /seconds are not supported/],
    ['61 * * * *', /"61" is not a valid minute/],
    ['0 25 * * *', /"25" is not a valid hour/],
    ['0 2 L * *', /L, W, # and \? are not cron syntax/],
    ['0 2 * * 1#2', /L, W, # and \? are not cron syntax/],
    ['5/15 * * * *', /a step needs a range or \*/],
    ['0 5-1 * * *', /runs backwards/],
    ['0 2 * foo *', /"foo" is not a valid month/],
  ];
  for (const [expr, why] of bad) {
    assert.throws(() => parseCron(expr), (e: unknown) => isPglcError(e) && e.code === 'usage' && why.test(e.why) && e.what.includes(expr), expr);
  }
});

test('next runs of the presets (croner, UTC)', () => {
  const from = new Date('2026-11-14T12:00:00Z'); // a Saturday
  assert.deepEqual(nextRuns('daily' in PRESETS ? PRESETS.daily : '', 3, from, 'UTC'), ['2026-11-15T02:00:00.000Z', '2026-11-16T02:00:00.000Z', '2026-11-17T02:00:00.000Z']);
  assert.deepEqual(nextRuns(PRESETS.hourly, 2, from, 'UTC'), ['2026-11-14T13:00:00.000Z', '2026-11-14T14:00:00.000Z']);
  assert.deepEqual(nextRuns(PRESETS.weekly, 2, from, 'UTC'), ['2026-11-15T02:00:00.000Z', '2026-11-22T02:00:00.000Z']);
  // Day-of-month OR day-of-week, like cron: the 1st, and Mondays.
  assert.deepEqual(nextRuns('0 4 1 * mon', 3, from, 'UTC'), ['2026-11-16T04:00:00.000Z', '2026-11-23T04:00:00.000Z', '2026-11-30T04:00:00.000Z']);
  assert.deepEqual(nextRuns('0 4 1 * mon', 4, from, 'UTC').slice(3), ['2026-12-01T04:00:00.000Z']);
});

test('the crontab line: absolute paths, quoted, % escaped, marked; only pglc\'s own line is replaced', () => {
  const project = testProject('/srv/my shop', { name: 'my shop' });
  const job = scheduleJob(project, 'prod', { node: '/usr/bin/node', pglc: '/opt/pglc 100%/dist/pglc.js' }, '/home/ada');
  assert.match(job.key, /^pglc-backup-my_shop-[0-9a-f]{8}-prod$/);
  const line = cronLine(job, '0 2 * * *');
  assert.equal(
    line,
    `0 2 * * * cd '/srv/my shop' && /usr/bin/node '/opt/pglc 100\\%/dist/pglc.js' backup schedule:run --env prod --vars-file /home/ada/.config/pglc/my_shop-${job.key.split('-')[3]}.env >> '/srv/my shop/.pglc/logs/backup-prod.log' 2>&1 # ${job.key}`,
  );
  const existing = ['# my own jobs', 'MAILTO=ops@example.com', '', '*/5 * * * * /usr/local/bin/health-check', `# 0 3 * * * old thing # ${job.key}`, ''].join('\n');
  const installed = replaceCronLine(existing, job.key, line);
  assert.equal(installed, `${existing}${line}\n`);
  assert.equal(findCronLine(installed, job.key)?.expression, '0 2 * * *');
  const other = scheduleJob(project, 'staging', { node: '/usr/bin/node', pglc: '/x/pglc.js' }, '/home/ada');
  const both = replaceCronLine(installed, other.key, cronLine(other, '@daily'));
  const changed = replaceCronLine(both, job.key, cronLine(job, '0 */6 * * *'));
  assert.equal(changed.split('\n').filter((l) => l.endsWith(`# ${job.key}`)).length, 1 + 1 /* the commented-out one stays */);
  assert.equal(findCronLine(changed, job.key)?.expression, '0 */6 * * *');
  assert.equal(findCronLine(changed, other.key)?.expression, '@daily');
  const removed = replaceCronLine(changed, job.key, undefined);
  assert.equal(findCronLine(removed, job.key), undefined);
  assert.ok(removed.startsWith(existing), 'the user\'s lines are kept byte for byte');
  assert.equal(replaceCronLine(replaceCronLine('', job.key, line), job.key, undefined), '');
});

test('shell quoting', () => {
  assert.equal(shellQuote('/usr/bin/node'), '/usr/bin/node');
  assert.equal(shellQuote("it's here"), `'it'\\''s here'`);
  assert.equal(shellQuote('$HOME'), `'$HOME'`);
});

test('systemd units: oneshot service with EnvironmentFile, timer with OnCalendar and the cron mark', () => {
  const project = testProject('/srv/shop', { name: 'shop' });
  const job = scheduleJob(project, 'prod', { node: '/usr/bin/node', pglc: '/opt/pglc/dist/pglc.js' }, '/home/ada');
  const { service, timer } = renderUnits(job, '30 2 * * 1-5');
  assert.match(service, /^Type=oneshot$/m);
  assert.match(service, /^WorkingDirectory=\/srv\/shop$/m);
  assert.match(service, new RegExp(`^EnvironmentFile=-${job.envFile.replace(/\./g, '\\.')}$`, 'm'));
  assert.match(service, /^ExecStart=\/usr\/bin\/node \/opt\/pglc\/dist\/pglc\.js backup schedule:run --env prod --vars-file \S+$/m);
  assert.match(service, /^StandardOutput=append:\/srv\/shop\/\.pglc\/logs\/backup-prod\.log$/m);
  assert.match(timer, /^# pglc-cron: 30 2 \* \* 1-5$/m);
  assert.match(timer, /^OnCalendar=Mon\.\.Fri \*-\*-\* 02:30:00$/m);
  assert.match(timer, /^Persistent=true$/m);
  assert.match(timer, new RegExp(`^Unit=${job.key}\\.service$`, 'm'));
  const odd = scheduleJob(testProject('/srv/50% "off"', { name: 'odd' }), 'prod', { node: '/usr/bin/node', pglc: '/opt/$x/pglc.js' }, '/home/ada');
  const u = renderUnits(odd, '0 2 * * *');
  assert.match(u.service, /^WorkingDirectory=\/srv\/50%% "off"$/m);
  assert.match(u.service, /ExecStart=\/usr\/bin\/node \/opt\/\$\$x\/pglc\.js /);
});
