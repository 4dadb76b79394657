// Which backups retention keeps and which it deletes, and why (pure: dates in, decisions out).
// Rules, each optional and off at 0: `days` (younger than N days), `count` (the N newest),
// `keepDaily` / `keepWeekly` / `keepMonthly` (grandfather-father-son: the newest backup of each
// of the N most recent UTC days / ISO weeks / months that have a backup). A backup is kept when
// ANY rule keeps it (the union).
// Invariants: retention is applied per series (environment + database), so one environment's
// backups never push another's out; it never deletes the newest backup nor the newest verified
// backup of a series; without any rule on, nothing is deleted; backups tagged `pre-restore`
// (the undo of a restore) are kept at least `preRestoreDays` whatever the rules say — every other
// tag (scheduled, manual, pre-migration) counts alike; on protected environments nothing younger
// than `protectedRecentDays` is deleted (seed 002: "delete backups less than 7 days old" is
// blocked), so a scheduled prune never needs a typed confirmation.
// Periods with backups, not calendar periods: keep-daily 7 after a two-week outage still keeps
// the 7 last days that have backups, so a broken schedule never makes retention delete more.

import type { BackupTag, RetentionDecisionInfo, RetentionPolicyInfo } from '../../protocol/index';

export interface RetentionCandidate {
  id: string;
  environment: string;
  database: string;
  /** ISO time the backup was taken. */
  createdAt: string;
  tags: BackupTag[];
  /** The last verify passed. */
  verified?: boolean;
  /** The environment is protected (production). */
  protectedEnvironment?: boolean;
}

export interface RetentionRules {
  days?: number;
  count?: number;
  keepDaily?: number;
  keepWeekly?: number;
  keepMonthly?: number;
}

export const DEFAULT_PRE_RESTORE_DAYS = 7;
export const DEFAULT_PROTECTED_RECENT_DAYS = 7;
const DAY_MS = 86_400_000;

/** The full policy from [backup] retention, with the fixed safety windows. */
export function retentionPolicy(rules: RetentionRules, windows: Partial<Pick<RetentionPolicyInfo, 'preRestoreDays' | 'protectedRecentDays'>> = {}): RetentionPolicyInfo {
  const on = (n: number | undefined) => (n !== undefined && n > 0 ? n : undefined);
  const p: RetentionPolicyInfo = {
    preRestoreDays: windows.preRestoreDays ?? DEFAULT_PRE_RESTORE_DAYS,
    protectedRecentDays: windows.protectedRecentDays ?? DEFAULT_PROTECTED_RECENT_DAYS,
  };
  for (const k of ['days', 'count', 'keepDaily', 'keepWeekly', 'keepMonthly'] as const) {
    const v = on(rules[k]);
    if (v !== undefined) p[k] = v;
  }
  return p;
}

/** True when at least one rule is on (otherwise retention deletes nothing). */
export function isPolicyActive(p: RetentionRules): boolean {
  return [p.days, p.count, p.keepDaily, p.keepWeekly, p.keepMonthly].some((v) => v !== undefined && v > 0);
}

/**
 * Keep/delete decisions for every candidate, newest first within each series, with reasons.
 * @example planRetention(backups, retentionPolicy({ days: 30, count: 10 }), new Date())
 *   .filter((d) => d.action === 'delete').map((d) => d.summary)
 *   // ['deleted: older than 30 days and beyond the 10 newest', …]
 */
export function planRetention(candidates: readonly RetentionCandidate[], policy: RetentionPolicyInfo, now: Date): RetentionDecisionInfo[] {
  const series = new Map<string, RetentionCandidate[]>();
  for (const c of candidates) {
    const key = `${c.environment}\u0000${c.database}`;
    (series.get(key) ?? series.set(key, []).get(key)!).push(c);
  }
  const out: RetentionDecisionInfo[] = [];
  for (const key of [...series.keys()].sort()) out.push(...planSeries(series.get(key)!, policy, now));
  return out;
}

function planSeries(list: RetentionCandidate[], policy: RetentionPolicyInfo, now: Date): RetentionDecisionInfo[] {
  const sorted = [...list].sort((a, b) => time(b) - time(a) || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0));
  const keep = new Map<string, string[]>(sorted.map((c) => [c.id, []]));
  const lose = new Map<string, string[]>(sorted.map((c) => [c.id, []]));
  const add = (m: Map<string, string[]>, id: string, why: string) => m.get(id)!.push(why);
  const active = isPolicyActive(policy);

  // Safety first, so these reasons lead.
  const newest = sorted[0];
  if (newest) add(keep, newest.id, 'newest backup');
  const newestVerified = sorted.find((c) => c.verified);
  if (newestVerified && newestVerified !== newest) add(keep, newestVerified.id, 'newest verified backup');
  else if (newestVerified) keep.get(newestVerified.id)![0] = 'newest backup (verified)';
  for (const c of sorted) {
    const ageDays = (now.getTime() - time(c)) / DAY_MS;
    if (c.tags.includes('pre-restore') && ageDays < policy.preRestoreDays) add(keep, c.id, `pre-restore backup younger than ${policy.preRestoreDays} days`);
    if (c.protectedEnvironment && ageDays < policy.protectedRecentDays) {
      add(keep, c.id, `younger than ${policy.protectedRecentDays} days on protected environment "${c.environment}"`);
    }
  }

  if (!active) {
    for (const c of sorted) add(keep, c.id, 'no retention rule is on');
  } else {
    if (policy.days) {
      const limit = now.getTime() - policy.days * DAY_MS;
      const span = policy.days === 1 ? '1 day' : `${policy.days} days`;
      for (const c of sorted) {
        if (time(c) > limit) add(keep, c.id, `within ${span}`);
        else add(lose, c.id, `older than ${span}`);
      }
    }
    if (policy.count) {
      sorted.forEach((c, i) => (i < policy.count! ? add(keep, c.id, `one of the ${policy.count} newest`) : add(lose, c.id, `beyond the ${policy.count} newest`)));
    }
    const periodic: [number | undefined, string, string, (d: Date) => string][] = [
      [policy.keepDaily, 'day', 'days', utcDay],
      [policy.keepWeekly, 'week', 'weeks', isoWeek],
      [policy.keepMonthly, 'month', 'months', utcMonth],
    ];
    for (const [n, unit, units, periodOf] of periodic) {
      if (!n) continue;
      const seen = new Set<string>();
      for (const c of sorted) {
        const period = periodOf(new Date(time(c)));
        if (seen.has(period)) {
          add(lose, c.id, `not the newest of ${unit} ${period}`);
        } else {
          seen.add(period);
          if (seen.size <= n) add(keep, c.id, `newest of ${unit} ${period}`);
          else add(lose, c.id, `${unit} ${period} is beyond the ${n} most recent ${units} kept`);
        }
      }
    }
  }

  return sorted.map((c) => {
    const kept = keep.get(c.id)!;
    const action = kept.length ? 'keep' : 'delete';
    const reasons = action === 'keep' ? kept : lose.get(c.id)!;
    return {
      id: c.id,
      environment: c.environment,
      database: c.database,
      createdAt: c.createdAt,
      tags: c.tags,
      action,
      reasons,
      summary: `${action === 'keep' ? 'kept' : 'deleted'}: ${joinAnd(reasons)}`,
    };
  });
}

function time(c: RetentionCandidate): number {
  const t = Date.parse(c.createdAt);
  return Number.isNaN(t) ? 0 : t;
}

/** `2026-11-14` (UTC). */
export function utcDay(d: Date): string {
  return d.toISOString().slice(0, 10);
}

/** `2026-11` (UTC). */
export function utcMonth(d: Date): string {
  return d.toISOString().slice(0, 7);
}

/**
 * ISO 8601 week of a UTC date: weeks start on Monday, week 1 holds the year's first Thursday.
 * @example isoWeek(new Date('2026-11-14T02:00:00Z')) === '2026-W46'; isoWeek(new Date('2027-01-01T00:00:00Z')) === '2026-W53'
 */
export function isoWeek(d: Date): string {
  const day = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()));
  const dow = day.getUTCDay() || 7; // Monday 1 … Sunday 7
  day.setUTCDate(day.getUTCDate() + 4 - dow); // the Thursday of this week decides the year
  const year = day.getUTCFullYear();
  const week = Math.ceil(((day.getTime() - Date.UTC(year, 0, 1)) / DAY_MS + 1) / 7);
  return `${year}-W${String(week).padStart(2, '0')}`;
}

function joinAnd(parts: string[]): string {
  if (parts.length <= 1) return parts[0] ?? '';
  return `${parts.slice(0, -1).join(', ')} and ${parts[parts.length - 1]}`;
}
