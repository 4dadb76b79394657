// `pglc data anonymize` on a real database: deterministic (the same seed and key give the same
// output in two databases), join-preserving (foreign keys and repeated values still match),
// unique constraints hold, no original value of a ruled column survives (checked by query
// against a copy of the originals), --preview and --suggest change nothing, a typo in the rules
// is an error naming the closest column, and a protected environment is never anonymized in place.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTestDatabase } from '../harness/database';
import { runPglc, tempProject } from '../harness/cli';
import { q } from '../harness/restore-helpers';
import { fingerprint } from '../fixtures/backup/fingerprint';

const peopleSql = readFileSync(join(__dirname, '../fixtures/anonymize/people.sql'), 'utf8');
const rules = readFileSync(join(__dirname, '../fixtures/anonymize/people.yaml'), 'utf8');
const toml = ['[project]', 'name = "anon"', '', '[environments.a]', 'url = "${A_URL}"', '', '[environments.b]', 'url = "${B_URL}"', '',
  '[environments.prod]', 'url = "${PROD_URL}"', 'protected = true', ''].join('\n');

describe('pglc data anonymize', () => {
  it('deterministic across databases, joins and uniques hold, no original survives', async (t) => {
    const a = await createTestDatabase('anona');
    const b = await createTestDatabase('anonb');
    const p = tempProject({ 'pglc.toml': toml, 'pglc/anonymize.yaml': rules });
    t.after(async () => {
      p.cleanup();
      await a.drop();
      await b.drop();
    });
    await a.query(peopleSql);
    await b.query(peopleSql);
    const env = { A_URL: a.url, B_URL: b.url, PROD_URL: a.url.replace(a.name, 'prod_db'), PGLC_ANONYMIZE_KEY: 'k-123' };
    const joinsBefore = (await a.query("SELECT count(*)::int AS n FROM orders o JOIN users u ON u.email = o.user_email")).rows[0].n;
    const sharedBefore = (await a.query('SELECT count(*)::int AS n FROM newsletter n JOIN users u ON u.email = n.email')).rows[0].n;

    const ra = await runPglc(['data', 'anonymize', '--env', 'a', '--json'], { cwd: p.dir, env });
    assert.equal(ra.code, 0, ra.stdout + ra.stderr);
    const s = ra.result!.result.summary;
    assert.equal(s.rows, 400 + 1200 + 600);
    assert.ok(s.rowsPerSecond > 0);
    const rb = await runPglc(['data', 'anonymize', '--env', 'b', '--json'], { cwd: p.dir, env });
    assert.equal(rb.code, 0, rb.stdout + rb.stderr);
    assert.deepEqual(await fingerprint((x) => q(a.name, x)), await fingerprint((x) => q(b.name, x)), 'same seed and key → identical output');

    // Joins: the FK and the repeated e-mails in newsletter still match.
    assert.equal((await a.query('SELECT count(*)::int AS n FROM orders o JOIN users u ON u.email = o.user_email')).rows[0].n, joinsBefore);
    assert.equal((await a.query('SELECT count(*)::int AS n FROM newsletter n JOIN users u ON u.email = n.email')).rows[0].n, sharedBefore);
    const fk = await a.query("SELECT convalidated FROM pg_constraint WHERE conname = 'orders_user_email_fkey'");
    assert.deepEqual(fk.rows, [{ convalidated: true }], 'the foreign key is back and validated');
    // Uniques.
    const u = (await a.query('SELECT count(DISTINCT email)::int AS e, count(DISTINCT ssn)::int AS s, count(*)::int AS n FROM users')).rows[0];
    assert.deepEqual(u, { e: 400, s: 400, n: 400 });
    // No survivors: identifying values never equal any original; common ones never their own.
    const survivors = (await a.query(`
      SELECT (SELECT count(*) FROM users WHERE email IN (SELECT email FROM keep.originals))::int AS email,
             (SELECT count(*) FROM newsletter WHERE email IN (SELECT email FROM keep.originals))::int AS newsletter,
             (SELECT count(*) FROM users WHERE phone IN (SELECT phone FROM keep.originals))::int AS phone,
             (SELECT count(*) FROM users WHERE ssn IN (SELECT ssn FROM keep.originals))::int AS ssn,
             (SELECT count(*) FROM users WHERE last_ip IN (SELECT last_ip FROM keep.originals))::int AS ip,
             (SELECT count(*) FROM users x JOIN keep.originals o USING (id) WHERE x.first_name = o.first_name OR x.birth_date = o.birth_date OR x.last_name = o.last_name)::int AS own,
             (SELECT count(*) FROM users WHERE notes IS NOT NULL)::int AS notes`)).rows[0];
    assert.deepEqual(survivors, { email: 0, newsletter: 0, phone: 0, ssn: 0, ip: 0, own: 0, notes: 0 });
    // NULLs stay NULL; masks keep the shape.
    assert.equal((await a.query('SELECT count(*)::int AS n FROM users WHERE last_name IS NULL')).rows[0].n, 57);
    const phone = (await a.query('SELECT phone FROM users WHERE id = 1')).rows[0].phone as string;
    assert.match(phone, /^\+\d \(\d{3}\) \d{4}$/);
    // A different key gives different values (the seed alone does not decide them).
    const c = await createTestDatabase('anonc');
    t.after(() => c.drop());
    await c.query(peopleSql);
    const rc = await runPglc(['data', 'anonymize', '--env', 'b', '--json'], { cwd: p.dir, env: { ...env, B_URL: c.url, PGLC_ANONYMIZE_KEY: 'other' } });
    assert.equal(rc.code, 0, rc.stdout);
    const e1 = (await a.query('SELECT email FROM users WHERE id = 1')).rows[0].email;
    const e2 = (await c.query('SELECT email FROM users WHERE id = 1')).rows[0].email;
    assert.notEqual(e1, e2);
  });

  it('--preview and --suggest change nothing; a typo names the closest column; never in place on protected', async (t) => {
    const a = await createTestDatabase('anonp');
    const p = tempProject({ 'pglc.toml': toml, 'pglc/anonymize.yaml': rules, 'typo.yaml': 'tables:\n  users:\n    emial: fake\n' });
    t.after(async () => {
      p.cleanup();
      await a.drop();
    });
    await a.query(peopleSql);
    const env = { A_URL: a.url, B_URL: a.url.replace(a.name, 'other_db'), PROD_URL: a.url.replace(a.name, 'prod_db') };
    const before = await fingerprint((x) => q(a.name, x));
    const preview = await runPglc(['data', 'anonymize', '--env', 'a', '--preview', '--json'], { cwd: p.dir, env });
    assert.equal(preview.code, 0, preview.stdout + preview.stderr);
    const users = preview.result!.result.preview.find((x: { table: string }) => x.table === 'users');
    assert.equal(users.rows.length, 10);
    assert.ok(users.rows.every((r: { before: unknown[]; after: unknown[] }) => r.before[0] !== r.after[0]));
    assert.ok(preview.events.some((e) => /PGLC_ANONYMIZE_KEY is not set/.test(e.message ?? '')), 'warns that replacements are not keyed');
    const suggest = await runPglc(['data', 'anonymize', '--env', 'a', '--suggest', '--json'], { cwd: p.dir, env });
    assert.equal(suggest.code, 0, suggest.stdout);
    const cols = suggest.result!.result.suggestions.map((x: { table: string; column: string }) => `${x.table}.${x.column}`);
    for (const c of ['users.email', 'users.first_name', 'users.phone', 'users.birth_date', 'users.last_ip', 'orders.user_email', 'newsletter.email']) assert.ok(cols.includes(c), `${c} suggested: ${cols.join(', ')}`);
    assert.deepEqual(await fingerprint((x) => q(a.name, x)), before);

    const typo = await runPglc(['data', 'anonymize', '--env', 'a', '--rules', 'typo.yaml', '--json'], { cwd: p.dir, env });
    assert.equal(typo.result!.error!.code, 'anonymize-rules-invalid', typo.stdout);
    assert.match(typo.result!.error!.what + typo.result!.error!.fix, /email/);
    const prod = await runPglc(['data', 'anonymize', '--env', 'prod', '--json'], { cwd: p.dir, env });
    assert.equal(prod.result!.error!.code, 'guard-blocked', prod.stdout);
    assert.deepEqual(await fingerprint((x) => q(a.name, x)), before);
  });
});
