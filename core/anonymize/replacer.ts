// The replacement of one value under one rule — a pure, deterministic function of the value, the
// rule and the anonymization key. `fake` draws from @faker-js/faker with a random stream seeded
// from HMAC-SHA-256(key, rule, value); `mask` keeps the shape (digits stay digits, letters
// letters, punctuation as is); `hash` is HMAC-SHA-256 (or plain SHA-256) in hex.
// Invariants: the same value under the same rule and key gives the same replacement on every
// run and machine (so joins and repeated values still match); `attempt` > 0 gives another
// replacement for the rare value whose first one collides (see anonymize-database.ts).

import { createHash, createHmac } from 'node:crypto';
import type { Faker } from '@faker-js/faker';
import { PglcError } from '../errors';

export interface ReplacementRule {
  strategy: 'fake' | 'mask' | 'hash';
  generator?: string;
  keepLast?: number;
  maskChar?: string;
  keyed?: boolean;
}

/** The key every replacement is derived from: PGLC_ANONYMIZE_KEY mixed with the rules' seed, else the seed alone. */
export function anonymizeKey(vars: Readonly<Record<string, string | undefined>>, seed: string): { key: Buffer; secret: boolean } {
  const secret = vars.PGLC_ANONYMIZE_KEY;
  if (secret) return { key: createHmac('sha256', secret).update(`pglc-anonymize\0${seed}`).digest(), secret: true };
  return { key: createHash('sha256').update(`pglc-anonymize\0${seed}`).digest(), secret: false };
}

// A small, fast generator (sfc32) fed to faker instead of its Mersenne Twister: re-seeding it for
// every value costs nothing, and its output depends only on the four seed words.
let state = new Uint32Array(4);
function next(): number {
  let [a, b, c, d] = state as unknown as [number, number, number, number];
  const t = (((a + b) | 0) + d) | 0;
  d = (d + 1) | 0;
  a = b ^ (b >>> 9);
  b = (c + (c << 3)) | 0;
  c = (c << 21) | (c >>> 11);
  c = (c + t) | 0;
  state[0] = a;
  state[1] = b;
  state[2] = c;
  state[3] = d;
  return (t >>> 0) / 4294967296;
}
function seedFrom(digest: Buffer): void {
  state = new Uint32Array([digest.readUInt32LE(0), digest.readUInt32LE(4), digest.readUInt32LE(8), digest.readUInt32LE(12) | 1]);
  for (let i = 0; i < 12; i++) next();
}

let made: Faker | undefined;

/** The faker instance, made on first use (faker.ts: its own file next to the CLI bundle). */
function fakerInstance(): Faker {
  if (made) return made;
  const { Faker: FakerClass, base, en } = require('./faker') as typeof import('./faker');
  made = new FakerClass({ locale: [en, base], randomizer: { next, seed: () => undefined } });
  // Dates are drawn relative to a fixed day, not today: the same input gives the same date next year.
  made.setDefaultRefDate(new Date('2025-01-01T00:00:00Z'));
  return made;
}

/** Whether `path` (`module.method`) is a faker method we can call without arguments. */
export function isFakerMethod(path: string): boolean {
  const [mod, method] = path.split('.');
  const m = (fakerInstance() as unknown as Record<string, Record<string, unknown>>)[mod ?? ''];
  return Boolean(m && typeof m === 'object' && typeof m[method ?? ''] === 'function');
}

/**
 * A function value → replacement for `rule` under `key`.
 * @example const r = makeReplacer({ strategy: 'fake', generator: 'internet.exampleEmail' }, key); r('ann@shop.com', 0)
 */
export function makeReplacer(rule: ReplacementRule, key: Buffer): (value: string, attempt: number) => string {
  if (rule.strategy === 'hash') {
    return rule.keyed === false
      ? (v) => createHash('sha256').update(v).digest('hex')
      : (v, attempt) => createHmac('sha256', key).update(attempt ? `${attempt}\0${v}` : v).digest('hex');
  }
  if (rule.strategy === 'mask') {
    return (v, attempt) => {
      seedFrom(createHmac('sha256', key).update(`mask\0${attempt}\0${v}`).digest());
      return maskValue(v, rule.keepLast ?? 0, rule.maskChar);
    };
  }
  const generator = rule.generator ?? 'lorem.word';
  if (!isFakerMethod(generator)) {
    throw new PglcError('anonymize-rules-invalid', {
      what: `"${generator}" is not a faker method`,
      why: 'fake takes a method of @faker-js/faker such as internet.email, person.lastName or location.city',
      fix: 'Pick one from https://fakerjs.dev/api/ (a method that needs no arguments).',
    });
  }
  const [mod, method] = generator.split('.') as [string, string];
  const faker = fakerInstance();
  const fn = (faker as unknown as Record<string, Record<string, () => unknown>>)[mod]![method]!.bind((faker as unknown as Record<string, object>)[mod]);
  return (v, attempt) => {
    seedFrom(createHmac('sha256', key).update(`${generator}\0${attempt}\0${v}`).digest());
    const out = asText(fn());
    // Past a few collisions, a short keyed suffix makes the value unique for good.
    if (attempt < 3) return out;
    const tag = createHmac('sha256', key).update(`suffix\0${attempt}\0${v}`).digest('hex').slice(0, 8);
    const at = out.indexOf('@');
    return at > 0 ? `${out.slice(0, at)}+${tag}${out.slice(at)}` : `${out}-${tag}`;
  };
}

function maskValue(v: string, keepLast: number, fixed?: string): string {
  const chars = [...v];
  const cut = Math.max(0, chars.length - keepLast);
  let out = '';
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i]!;
    if (i >= cut) out += ch;
    else if (/[0-9]/.test(ch)) out += fixed ?? String(Math.floor(next() * 10));
    else if (/[a-z]/.test(ch)) out += fixed ?? String.fromCharCode(97 + Math.floor(next() * 26));
    else if (/[A-Z]/.test(ch)) out += fixed ?? String.fromCharCode(65 + Math.floor(next() * 26));
    else if (/\p{L}/u.test(ch)) out += fixed ?? String.fromCharCode(97 + Math.floor(next() * 26));
    else out += ch;
  }
  return out;
}

function asText(x: unknown): string {
  if (x instanceof Date) return x.toISOString();
  if (typeof x === 'string') return x;
  if (typeof x === 'number' || typeof x === 'bigint' || typeof x === 'boolean') return String(x);
  return JSON.stringify(x);
}
