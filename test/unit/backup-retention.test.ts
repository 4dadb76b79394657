// Retention decisions, data-driven: backup dates + policy → keep/delete with the reasons shown to
// users. Expected summaries are written out in full so a changed word is a failing test.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isoWeek, planRetention, retentionPolicy, type RetentionCandidate, type RetentionRules } from '../../core/backup/retention';
import type { BackupTag } from '../../protocol/index';

interface Case {
  name: string;
  now: string;
  policy: RetentionRules;
  /** [ISO time, options] — the id is derived from environment and time. */
  backups: [string, { tags?: BackupTag[]; verified?: boolean; env?: string; protected?: boolean }?][];
  /** id suffix (the time) → expected summary, newest first within each series. */
  expected: [string, string][];
}

const id = (env: string, at: string) => `${env}-app-${at.replace(/[-:]/g, '').replace(/\.\d+/, '')}`;

const cases: Case[] = [
  {
    name: 'no rule on: nothing is deleted',
    now: '2026-11-16T12:00:00Z',
    policy: {},
    backups: [['2026-11-16T02:00:00Z'], ['2026-01-01T02:00:00Z'], ['2020-05-05T02:00:00Z']],
    expected: [
      ['2026-11-16T02:00:00Z', 'kept: newest backup and no retention rule is on'],
      ['2026-01-01T02:00:00Z', 'kept: no retention rule is on'],
      ['2020-05-05T02:00:00Z', 'kept: no retention rule is on'],
    ],
  },
  {
    name: 'rules at 0 are off',
    now: '2026-11-16T12:00:00Z',
    policy: { days: 0, count: 0 },
    backups: [['2026-11-16T02:00:00Z'], ['2020-05-05T02:00:00Z']],
    expected: [
      ['2026-11-16T02:00:00Z', 'kept: newest backup and no retention rule is on'],
      ['2020-05-05T02:00:00Z', 'kept: no retention rule is on'],
    ],
  },
  {
    name: 'days and count: the union of what each keeps',
    now: '2026-11-16T12:00:00Z',
    policy: { days: 30, count: 3 },
    backups: [
      ['2026-11-15T12:00:00Z'], ['2026-11-14T12:00:00Z'], ['2026-11-06T12:00:00Z'], ['2026-11-01T12:00:00Z'],
      ['2026-10-07T12:00:00Z'], ['2026-09-27T12:00:00Z'],
    ],
    expected: [
      ['2026-11-15T12:00:00Z', 'kept: newest backup, within 30 days and one of the 3 newest'],
      ['2026-11-14T12:00:00Z', 'kept: within 30 days and one of the 3 newest'],
      ['2026-11-06T12:00:00Z', 'kept: within 30 days and one of the 3 newest'],
      ['2026-11-01T12:00:00Z', 'kept: within 30 days'],
      ['2026-10-07T12:00:00Z', 'deleted: older than 30 days and beyond the 3 newest'],
      ['2026-09-27T12:00:00Z', 'deleted: older than 30 days and beyond the 3 newest'],
    ],
  },
  {
    name: 'count keeps old backups when there are few',
    now: '2026-11-16T12:00:00Z',
    policy: { days: 7, count: 3 },
    backups: [['2026-06-01T00:00:00Z'], ['2026-05-01T00:00:00Z'], ['2026-04-01T00:00:00Z'], ['2026-03-01T00:00:00Z']],
    expected: [
      ['2026-06-01T00:00:00Z', 'kept: newest backup and one of the 3 newest'],
      ['2026-05-01T00:00:00Z', 'kept: one of the 3 newest'],
      ['2026-04-01T00:00:00Z', 'kept: one of the 3 newest'],
      ['2026-03-01T00:00:00Z', 'deleted: older than 7 days and beyond the 3 newest'],
    ],
  },
  {
    name: 'grandfather-father-son: newest of each of the last N days, ISO weeks, months that have backups',
    now: '2026-11-16T12:00:00Z',
    policy: { keepDaily: 2, keepWeekly: 2, keepMonthly: 2 },
    backups: [
      ['2026-11-16T02:00:00Z'], ['2026-11-15T14:00:00Z'], ['2026-11-15T02:00:00Z'], ['2026-11-14T02:00:00Z'],
      ['2026-11-08T02:00:00Z'], ['2026-10-31T02:00:00Z'], ['2026-09-30T02:00:00Z'],
    ],
    expected: [
      ['2026-11-16T02:00:00Z', 'kept: newest backup, newest of day 2026-11-16, newest of week 2026-W47 and newest of month 2026-11'],
      ['2026-11-15T14:00:00Z', 'kept: newest of day 2026-11-15 and newest of week 2026-W46'],
      ['2026-11-15T02:00:00Z', 'deleted: not the newest of day 2026-11-15, not the newest of week 2026-W46 and not the newest of month 2026-11'],
      ['2026-11-14T02:00:00Z', 'deleted: day 2026-11-14 is beyond the 2 most recent days kept, not the newest of week 2026-W46 and not the newest of month 2026-11'],
      ['2026-11-08T02:00:00Z', 'deleted: day 2026-11-08 is beyond the 2 most recent days kept, week 2026-W45 is beyond the 2 most recent weeks kept and not the newest of month 2026-11'],
      ['2026-10-31T02:00:00Z', 'kept: newest of month 2026-10'],
      ['2026-09-30T02:00:00Z', 'deleted: day 2026-09-30 is beyond the 2 most recent days kept, week 2026-W40 is beyond the 2 most recent weeks kept and month 2026-09 is beyond the 2 most recent months kept'],
    ],
  },
  {
    name: 'periods with backups, not calendar periods: a long gap does not widen deletion',
    now: '2026-11-16T12:00:00Z',
    policy: { keepDaily: 2 },
    backups: [['2026-10-02T02:00:00Z'], ['2026-10-01T02:00:00Z'], ['2026-09-30T02:00:00Z']],
    expected: [
      ['2026-10-02T02:00:00Z', 'kept: newest backup and newest of day 2026-10-02'],
      ['2026-10-01T02:00:00Z', 'kept: newest of day 2026-10-01'],
      ['2026-09-30T02:00:00Z', 'deleted: day 2026-09-30 is beyond the 2 most recent days kept'],
    ],
  },
  {
    name: 'the newest verified backup is never deleted',
    now: '2026-11-16T12:00:00Z',
    policy: { count: 2 },
    backups: [
      ['2026-11-16T02:00:00Z'], ['2026-11-15T02:00:00Z'], ['2026-11-14T02:00:00Z', { verified: true }], ['2026-11-13T02:00:00Z', { verified: true }],
    ],
    expected: [
      ['2026-11-16T02:00:00Z', 'kept: newest backup and one of the 2 newest'],
      ['2026-11-15T02:00:00Z', 'kept: one of the 2 newest'],
      ['2026-11-14T02:00:00Z', 'kept: newest verified backup'],
      ['2026-11-13T02:00:00Z', 'deleted: beyond the 2 newest'],
    ],
  },
  {
    name: 'the newest backup is kept even when every rule would drop it',
    now: '2026-11-16T12:00:00Z',
    policy: { days: 1 },
    backups: [['2025-01-01T00:00:00Z', { verified: true }], ['2024-01-01T00:00:00Z']],
    expected: [
      ['2025-01-01T00:00:00Z', 'kept: newest backup (verified)'],
      ['2024-01-01T00:00:00Z', 'deleted: older than 1 day'],
    ],
  },
  {
    name: 'pre-restore backups are kept within their own 7-day window; other tags count alike',
    now: '2026-11-16T12:00:00Z',
    policy: { count: 1 },
    backups: [
      ['2026-11-16T00:00:00Z', { tags: ['scheduled'] }],
      ['2026-11-14T00:00:00Z', { tags: ['pre-restore'] }],
      ['2026-11-13T00:00:00Z', { tags: ['manual'] }],
      ['2026-11-12T00:00:00Z', { tags: ['pre-migration'] }],
      ['2026-11-01T00:00:00Z', { tags: ['pre-restore'] }],
    ],
    expected: [
      ['2026-11-16T00:00:00Z', 'kept: newest backup and one of the 1 newest'],
      ['2026-11-14T00:00:00Z', 'kept: pre-restore backup younger than 7 days'],
      ['2026-11-13T00:00:00Z', 'deleted: beyond the 1 newest'],
      ['2026-11-12T00:00:00Z', 'deleted: beyond the 1 newest'],
      ['2026-11-01T00:00:00Z', 'deleted: beyond the 1 newest'],
    ],
  },
  {
    name: 'protected environment: nothing younger than 7 days is deleted',
    now: '2026-11-16T12:00:00Z',
    policy: { count: 1 },
    backups: [
      ['2026-11-16T00:00:00Z', { env: 'prod', protected: true }],
      ['2026-11-13T00:00:00Z', { env: 'prod', protected: true }],
      ['2026-11-08T00:00:00Z', { env: 'prod', protected: true }],
    ],
    expected: [
      ['2026-11-16T00:00:00Z', 'kept: newest backup, younger than 7 days on protected environment "prod" and one of the 1 newest'],
      ['2026-11-13T00:00:00Z', 'kept: younger than 7 days on protected environment "prod"'],
      ['2026-11-08T00:00:00Z', 'deleted: beyond the 1 newest'],
    ],
  },
  {
    name: 'each environment is its own series',
    now: '2026-11-16T12:00:00Z',
    policy: { count: 1 },
    backups: [
      ['2026-11-16T00:00:00Z', { env: 'local' }],
      ['2026-11-15T00:00:00Z', { env: 'local' }],
      ['2026-11-10T00:00:00Z', { env: 'staging' }],
      ['2026-11-09T00:00:00Z', { env: 'staging' }],
    ],
    expected: [
      ['2026-11-16T00:00:00Z', 'kept: newest backup and one of the 1 newest'],
      ['2026-11-15T00:00:00Z', 'deleted: beyond the 1 newest'],
      ['2026-11-10T00:00:00Z', 'kept: newest backup and one of the 1 newest'],
      ['2026-11-09T00:00:00Z', 'deleted: beyond the 1 newest'],
    ],
  },
];

for (const c of cases) {
  test(`retention: ${c.name}`, () => {
    const candidates: RetentionCandidate[] = c.backups.map(([at, o = {}]) => ({
      id: id(o.env ?? 'local', at),
      environment: o.env ?? 'local',
      database: 'app',
      createdAt: at,
      tags: o.tags ?? ['scheduled'],
      ...(o.verified ? { verified: true } : {}),
      ...(o.protected ? { protectedEnvironment: true } : {}),
    }));
    // Input order must not matter.
    const shuffled = [...candidates].reverse();
    const decisions = planRetention(shuffled, retentionPolicy(c.policy), new Date(c.now));
    const envOf = new Map(c.backups.map(([at, o = {}]) => [at, o.env ?? 'local']));
    assert.deepEqual(
      decisions.map((d) => [d.id, d.summary]),
      c.expected.map(([at, summary]) => [id(envOf.get(at)!, at), summary]),
    );
    for (const d of decisions) {
      assert.equal(d.action, d.summary.startsWith('kept') ? 'keep' : 'delete');
      assert.ok(d.reasons.length > 0);
    }
  });
}

test('ISO weeks at year boundaries', () => {
  const expected: [string, string][] = [
    ['2026-11-14T02:00:00Z', '2026-W46'],
    ['2026-11-16T00:00:00Z', '2026-W47'],
    ['2027-01-01T00:00:00Z', '2026-W53'],
    ['2021-01-03T23:59:59Z', '2020-W53'],
    ['2024-12-30T00:00:00Z', '2025-W01'],
    ['2026-01-01T00:00:00Z', '2026-W01'],
  ];
  assert.deepEqual(expected.map(([d]) => [d, isoWeek(new Date(d))]), expected);
});

test('retentionPolicy drops rules at 0 and keeps the safety windows', () => {
  assert.deepEqual(retentionPolicy({ days: 30, count: 0, keepWeekly: 4 }), { days: 30, keepWeekly: 4, preRestoreDays: 7, protectedRecentDays: 7 });
});
