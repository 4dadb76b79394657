// When scheduled backups run: presets, standard 5-field cron expressions (what cron itself
// understands), their next run times (croner), and the same schedule as systemd OnCalendar= lines.
// Invariant: only expressions that both cron and systemd can run are accepted — 5 fields of
// numbers, names, `*`, ranges, lists and steps, or @hourly/@daily/@weekly/@monthly/@yearly;
// croner's extensions (seconds, L, W, #, ?) are refused with a clear error rather than written
// into a crontab that would reject or misread them. Cron's rule that a restricted day-of-month and
// a restricted day-of-week match with OR is kept in the systemd form (two OnCalendar= lines).

import { Cron } from 'croner';
import { PglcError } from '../errors';

export type SchedulePreset = 'hourly' | 'daily' | 'weekly';

/** Presets (seed 000): hourly on the hour, daily at 02:00, weekly on Sunday at 02:00 (local time). */
export const PRESETS: Record<SchedulePreset, string> = {
  hourly: '0 * * * *',
  daily: '0 2 * * *',
  weekly: '0 2 * * 0',
};

const NICKNAMES: Record<string, string> = {
  '@hourly': '0 * * * *',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@weekly': '0 0 * * 0',
  '@monthly': '0 0 1 * *',
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
};

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];
const SYSTEMD_DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

interface FieldSpec {
  name: string;
  min: number;
  max: number;
  names?: string[];
  /** Index of names[0]. */
  namesFrom?: number;
}

const FIELDS: FieldSpec[] = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, names: MONTHS, namesFrom: 1 },
  { name: 'day of week', min: 0, max: 7, names: DAYS, namesFrom: 0 },
];

export interface ParsedCron {
  /** The 5-field form (nicknames expanded). */
  expression: string;
  minutes: number[];
  hours: number[];
  days: number[];
  months: number[];
  /** 0 = Sunday … 6 = Saturday (7 folded into 0). */
  weekdays: number[];
  /** Field was `*` (or `*` with step 1). */
  anyDay: boolean;
  anyWeekday: boolean;
  anyMonth: boolean;
  anyHour: boolean;
}

/**
 * Parses a 5-field cron expression or nickname; `usage` error naming the bad field otherwise.
 * @example parseCron('*\/15 2-4 * * mon-fri').weekdays // [1, 2, 3, 4, 5]
 */
export function parseCron(input: string): ParsedCron {
  const trimmed = input.trim().replace(/\s+/g, ' ');
  const expression = NICKNAMES[trimmed.toLowerCase()] ?? trimmed;
  const parts = expression.split(' ');
  if (parts.length !== 5) {
    throw bad(input, `it has ${parts.length} field${parts.length === 1 ? '' : 's'}; cron expressions have 5: minute hour day-of-month month day-of-week${parts.length === 6 ? ' (seconds are not supported by cron)' : ''}`);
  }
  const values = parts.map((p, i) => parseField(input, p, FIELDS[i]!));
  const weekdays = [...new Set(values[4]!.map((d) => d % 7))].sort((a, b) => a - b);
  const star = (i: number) => /^\*(\/1)?$/.test(parts[i]!);
  return {
    expression,
    minutes: values[0]!,
    hours: values[1]!,
    days: values[2]!,
    months: values[3]!,
    weekdays,
    anyHour: star(1),
    anyDay: star(2),
    anyMonth: star(3),
    anyWeekday: star(4) || weekdays.length === 7,
  };
}

function parseField(input: string, text: string, f: FieldSpec): number[] {
  const out = new Set<number>();
  for (const item of text.split(',')) {
    if (/[#?]/.test(item) || /^(\d*L|\d+W|LW)$/i.test(item)) {
      throw bad(input, `the ${f.name} field "${text}" uses croner/Quartz syntax (L, W, # and ? are not cron syntax)`);
    }
    const m = /^(\*|[a-z0-9]+(?:-[a-z0-9]+)?)(?:\/(\d+))?$/i.exec(item);
    if (!m) throw bad(input, `the ${f.name} field "${text}" is not a number, name, range, list or step (L, W, # and ? are not cron syntax)`);
    const step = m[2] === undefined ? 1 : Number(m[2]);
    if (!Number.isInteger(step) || step < 1) throw bad(input, `the step in the ${f.name} field "${item}" must be 1 or more`);
    let lo: number;
    let hi: number;
    if (m[1] === '*') {
      lo = f.min;
      hi = f.name === 'day of week' ? 6 : f.max;
    } else {
      const [a, b] = m[1]!.split('-');
      if (b === undefined && m[2] !== undefined) throw bad(input, `a step needs a range or *: write "${a}-${f.max}/${m[2]}" or "*/${m[2]}" in the ${f.name} field`);
      lo = value(input, a!, f);
      hi = b === undefined ? lo : value(input, b, f);
      if (hi < lo) throw bad(input, `the range "${m[1]}" in the ${f.name} field runs backwards`);
    }
    for (let v = lo; v <= hi; v += step) out.add(v);
  }
  return [...out].sort((a, b) => a - b);
}

function value(input: string, text: string, f: FieldSpec): number {
  const lower = text.toLowerCase();
  const named = f.names?.indexOf(lower.slice(0, 3)) ?? -1;
  const v = /^\d+$/.test(text) ? Number(text) : named >= 0 && lower.length === 3 ? named + (f.namesFrom ?? 0) : NaN;
  if (!Number.isInteger(v) || v < f.min || v > f.max) {
    throw bad(input, `"${text}" is not a valid ${f.name} (${f.min}–${f.max}${f.names ? ` or ${f.names[0]}…${f.names[f.names.length - 1]}` : ''})`);
  }
  return v;
}

function bad(input: string, why: string): PglcError {
  return new PglcError('usage', {
    what: `"${input}" is not a cron expression pglc can schedule`,
    why,
    fix: 'Use 5 fields "minute hour day-of-month month day-of-week", e.g. "0 */6 * * *" (every 6 hours) or "30 2 * * 1-5" (02:30 on weekdays), or --preset hourly|daily|weekly.',
  });
}

/**
 * The next `n` times the schedule fires after `from`, in the machine's local time zone (as cron
 * and systemd run them), as ISO strings.
 * @example nextRuns('0 2 * * *', 2, new Date('2026-11-14T12:00:00Z')) // ['2026-11-15T02:00:00.000Z', '2026-11-16T02:00:00.000Z'] on a UTC machine
 */
export function nextRuns(expression: string, n: number, from: Date, timezone?: string): string[] {
  const parsed = parseCron(expression);
  // Vixie cron's rule: restricted day-of-month and day-of-week match with OR (croner's default).
  const job = new Cron(parsed.expression, { mode: '5-part', paused: true, domAndDow: false, ...(timezone ? { timezone } : {}) });
  try {
    return job.nextRuns(n, from).map((d) => d.toISOString());
  } finally {
    job.stop();
  }
}

/**
 * systemd OnCalendar= values for a cron expression (one, or two when cron's day OR rule applies).
 * @example toOnCalendar('30 2 * * 1-5') // ['Mon..Fri *-*-* 02:30:00']
 */
export function toOnCalendar(expression: string): string[] {
  const c = parseCron(expression);
  const pad = (v: number) => String(v).padStart(2, '0');
  const list = (vs: number[]) => vs.map(pad).join(',');
  const time = `${c.anyHour ? '*' : list(c.hours)}:${c.minutes.length === 60 ? '*' : list(c.minutes)}:00`;
  const month = c.anyMonth ? '*' : list(c.months);
  const dayList = c.anyDay ? '*' : list(c.days);
  const dow = weekdayRanges(c.weekdays);
  if (!c.anyDay && !c.anyWeekday) {
    // cron: day-of-month OR day-of-week; systemd ANDs within one line, ORs across lines.
    return [`*-${month}-${dayList} ${time}`, `${dow} *-${month}-* ${time}`];
  }
  return [`${c.anyWeekday ? '' : `${dow} `}*-${month}-${dayList} ${time}`];
}

/** `Mon..Fri`, `Sat,Sun`, `Mon,Wed..Fri`. */
function weekdayRanges(days: number[]): string {
  // Monday-first order reads naturally and lets Sat..Sun be written as a range-free list.
  const order = [1, 2, 3, 4, 5, 6, 0].filter((d) => days.includes(d));
  const runs: number[][] = [];
  for (const d of order) {
    const last = runs[runs.length - 1];
    const prev = last?.[last.length - 1];
    if (last && prev !== undefined && (prev + 1) % 7 === d && d !== 1) last.push(d);
    else runs.push([d]);
  }
  return runs.map((r) => (r.length >= 3 ? `${SYSTEMD_DAYS[r[0]!]}..${SYSTEMD_DAYS[r[r.length - 1]!]}` : r.map((d) => SYSTEMD_DAYS[d]).join(','))).join(',');
}
