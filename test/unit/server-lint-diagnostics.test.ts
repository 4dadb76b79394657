// Schema lint in the language server, by calling its handlers directly: findings of a migration
// as diagnostics (rule as code, documentation link, exact range, where the table was created),
// on the schema the project's earlier migrations leave — and the same findings as `pglc db
// lint` gives for that file.

import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { before, test } from 'node:test';
import { DiagnosticSeverity } from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { loadProject } from '../../core/config/load-config';
import { lintProject } from '../../core/lint/lint-project';
import { loadSqlParser } from '../../core/sql/parse';
import { buildDocumentModel } from '../../server/document-model';
import { createLintContexts, loadSchemaFromDisk } from '../../server/lint-context';
import { computeCodeActions } from '../../server/code-actions';
import { computeLintDiagnostics } from '../../server/lint-diagnostics';
import { ruleDocHref } from '../../server/rule-docs';
import { ALL_RULES } from '../../core/lint/rules/index';
import { fileURLToPath } from 'node:url';
import { computeSchemaDefinition, computeSchemaHover } from '../../server/schema-navigation';
import { classifyMigrationDocument } from '../../server/migration-document';

before(loadSqlParser);

function project(files: Record<string, string>): { dir: string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'pglc-lint-server-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

const FIRST = '-- Up\ncreate table orders (\n  id bigint primary key,\n  note text\n);\n-- Down\ndrop table orders;\n';
const SECOND = '-- Up\ncreate table payments (id bigint primary key, order_id bigint);\ncreate index payments_order_idx on payments (order_id);\ncreate index orders_note_idx on orders (note);\nalter table orders add column paid boolean not null;\n-- Down\nalter table orders drop column paid;\ndrop index orders_note_idx;\ndrop table payments;\n';

test('a migration being edited: lint diagnostics on the schema of the earlier migrations', async (t) => {
  const p = project({ 'pglc.toml': '[project]\nname = "x"\n', 'pglc/migrations/0001_orders.sql': FIRST, 'pglc/migrations/0002_payments.sql': SECOND });
  t.after(() => p.cleanup());
  const path = join(p.dir, 'pglc/migrations/0002_payments.sql');
  const first = join(p.dir, 'pglc/migrations/0001_orders.sql');
  // the user has typed a line the file on disk does not have yet
  const text = SECOND.replace('-- Down', 'alter table orders rename column note to remark;\n-- Down');
  const document = TextDocument.create(pathToFileURL(path).href, 'sql', 3, text);
  const info = classifyMigrationDocument(path, text, [join(p.dir, 'pglc/migrations')]);
  assert.ok(info);
  const model = buildDocumentModel(text, 3, info);
  const inputs = await createLintContexts(loadSchemaFromDisk({})).inputsFor(path, info);
  assert.ok(inputs, 'the project is readable');

  const diagnostics = computeLintDiagnostics(model, document, path, inputs);
  assert.deepEqual(
    diagnostics.map((d) => [d.code, d.severity, document.getText(d.range), d.codeDescription?.href]),
    [
      // payments is created two lines above: no CREATE INDEX warning for it
      ['require-concurrent-index', DiagnosticSeverity.Warning, 'create index orders_note_idx on orders', ruleDocHref('require-concurrent-index')],
      // a document rule (once per section), in the editor too
      ['require-lock-timeout', DiagnosticSeverity.Warning, 'create index orders_note_idx on orders (note)', ruleDocHref('require-lock-timeout')],
      ['require-statement-timeout', DiagnosticSeverity.Warning, 'create index orders_note_idx on orders (note)', ruleDocHref('require-statement-timeout')],
      ['add-required-column', DiagnosticSeverity.Error, 'add column paid boolean not null', ruleDocHref('add-required-column')],
      ['rename-column', DiagnosticSeverity.Warning, 'alter table orders rename column note to remark', ruleDocHref('rename-column')],
      // the typed rename is not undone by the Down (a document rule, on the unsaved text)
      ['down-does-not-reverse', DiagnosticSeverity.Warning, '-- Down', ruleDocHref('down-does-not-reverse')],
      ['down-does-not-reverse', DiagnosticSeverity.Warning, '-- Down', ruleDocHref('down-does-not-reverse')],
      ['require-lock-timeout', DiagnosticSeverity.Warning, 'alter table orders drop column paid', ruleDocHref('require-lock-timeout')],
    ],
  );
  const related = diagnostics[0]?.relatedInformation?.[0];
  assert.equal(related?.location.uri, pathToFileURL(first).href, 'related information points at the migration that created orders');
  assert.equal(related?.location.range.start.line, 1);
  assert.equal(diagnostics[0]?.data, undefined, 'fixes are resolved by code actions, not sent with every diagnostic');
  for (const d of diagnostics) assert.ok(document.offsetAt(d.range.end) <= text.length && d.range.start.line >= 0, 'inside the document');
});

test('the editor and pglc db lint report the same findings for a saved migration', async (t) => {
  const p = project({ 'pglc.toml': '[project]\nname = "x"\n[lint.rules]\nrequire-concurrent-index = "error"\n', 'pglc/migrations/0001_orders.sql': FIRST, 'pglc/migrations/0002_payments.sql': SECOND });
  t.after(() => p.cleanup());
  const path = join(p.dir, 'pglc/migrations/0002_payments.sql');
  const document = TextDocument.create(pathToFileURL(path).href, 'sql', 1, SECOND);
  const info = classifyMigrationDocument(path, SECOND, [join(p.dir, 'pglc/migrations')]);
  assert.ok(info);
  const inputs = await createLintContexts(loadSchemaFromDisk({})).inputsFor(path, info);
  assert.ok(inputs);
  const editor = computeLintDiagnostics(buildDocumentModel(SECOND, 1, info), document, path, inputs).map((d) => [d.code, d.severity === DiagnosticSeverity.Error ? 'error' : 'other', d.range.start.line, d.range.start.character, d.message]);
  const cli = await lintProject(await loadProject({ env: {}, cwd: p.dir }), { paths: [path] }, { env: {}, cwd: p.dir });
  assert.ok(editor.length >= 2);
  assert.deepEqual(editor, cli.findings.map((f) => [f.rule, f.severity === 'error' ? 'error' : 'other', f.range.start.line, f.range.start.character, f.message]));
  assert.deepEqual(editor[0]?.slice(0, 2), ['require-concurrent-index', 'error'], 'both read [lint.rules] from pglc.toml');
});

test('no lint inputs outside a project, and a broken project gives none instead of wrong findings', async (t) => {
  const lint = createLintContexts(loadSchemaFromDisk({}));
  assert.equal(await lint.inputsFor(join(tmpdir(), 'nowhere', '0001_x.sql'), { format: 'pglc', version: '0001', role: 'sections' }), undefined);
  const p = project({ 'pglc.toml': '[project]\nname = "x"\n', 'pglc/migrations/0001_a.sql': FIRST, 'pglc/migrations/1_b.sql': FIRST });
  t.after(() => p.cleanup());
  assert.equal(await lint.inputsFor(join(p.dir, 'pglc/migrations/0001_a.sql'), { format: 'pglc', version: '0001', role: 'sections' }), undefined);
});

test('quick fixes: applying the preferred fix removes the finding and adds no other', async (t) => {
  const p = project({ 'pglc.toml': '[project]\nname = "x"\n', 'pglc/migrations/0001_orders.sql': FIRST, 'pglc/migrations/0002_index.sql': '-- Up\ncreate index orders_note_idx on orders (note);\n-- Down\ndrop index concurrently orders_note_idx;\n' });
  t.after(() => p.cleanup());
  const path = join(p.dir, 'pglc/migrations/0002_index.sql');
  const text = '-- Up\ncreate index orders_note_idx on orders (note);\n-- Down\ndrop index concurrently orders_note_idx;\n';
  const info = classifyMigrationDocument(path, text, [join(p.dir, 'pglc/migrations')]);
  assert.ok(info);
  const inputs = await createLintContexts(loadSchemaFromDisk({})).inputsFor(path, info);
  assert.ok(inputs);
  const document = TextDocument.create(pathToFileURL(path).href, 'sql', 1, text);
  const model = buildDocumentModel(text, 1, info);
  const codes = (m: typeof model, d: TextDocument) => computeLintDiagnostics(m, d, path, inputs).map((x) => x.code);
  assert.deepEqual(codes(model, document), ['require-concurrent-index', 'require-lock-timeout', 'require-statement-timeout', 'concurrently-in-transaction']);

  const cursor = { line: 1, character: 3 };
  const actions = computeCodeActions(model, document, path, inputs, { start: cursor, end: cursor });
  assert.deepEqual(actions.map((a) => [a.title, a.isPreferred === true]), [
    ['Add CONCURRENTLY (and run this migration outside a transaction)', true],
    ['Disable require-concurrent-index for this statement', false],
    ["Add SET lock_timeout = '5s' before it", true],
    ['Disable require-lock-timeout for this statement', false],
    ["Add SET statement_timeout = '5min' before it", true],
    ['Disable require-statement-timeout for this statement', false],
  ]);
  const edits = actions[0]?.edit?.changes?.[document.uri];
  assert.ok(edits);
  const fixed = TextDocument.applyEdits(document, edits);
  assert.equal(fixed, '-- pglc:no-transaction\n-- Up\ncreate index CONCURRENTLY orders_note_idx on orders (note);\n-- Down\ndrop index concurrently orders_note_idx;\n');
  const after = TextDocument.create(document.uri, 'sql', 2, fixed);
  // the no-transaction directive fixes the Down's CONCURRENTLY too; a concurrent build needs no
  // lock_timeout or statement_timeout. Outside a transaction a failed run keeps what it did, so
  // non-idempotent-ddl now asks for a migration that can run again — and its fixes leave nothing.
  const afterModel = buildDocumentModel(fixed, 2, info);
  assert.deepEqual(codes(afterModel, after), ['non-idempotent-ddl', 'non-idempotent-ddl']);
  let robust = after;
  for (let v = 3; v < 6; v++) {
    const m = buildDocumentModel(robust.getText(), v, info);
    const d = computeLintDiagnostics(m, robust, path, inputs)[0];
    if (!d) break;
    const fix = computeCodeActions(m, robust, path, inputs, d.range).find((a) => a.isPreferred);
    robust = TextDocument.create(document.uri, 'sql', v, TextDocument.applyEdits(robust, fix?.edit?.changes?.[document.uri] ?? []));
  }
  assert.equal(robust.getText(), '-- pglc:no-transaction\n-- Up\ndrop index concurrently if exists orders_note_idx;\ncreate index CONCURRENTLY orders_note_idx on orders (note);\n-- Down\ndrop index concurrently if exists orders_note_idx;\n');
  assert.deepEqual(codes(buildDocumentModel(robust.getText(), 9, info), robust), []);

  const disable = TextDocument.applyEdits(document, actions[1]?.edit?.changes?.[document.uri] ?? []);
  assert.deepEqual(codes(buildDocumentModel(disable, 3, info), TextDocument.create(document.uri, 'sql', 3, disable)), ['require-lock-timeout', 'require-statement-timeout', 'concurrently-in-transaction']);
});

test('hover on a table shows its columns and where it was created; go to definition jumps there', async (t) => {
  const p = project({ 'pglc.toml': '[project]\nname = "x"\n', 'pglc/migrations/0001_orders.sql': FIRST, 'pglc/migrations/0002_payments.sql': SECOND });
  t.after(() => p.cleanup());
  const path = join(p.dir, 'pglc/migrations/0002_payments.sql');
  const info = classifyMigrationDocument(path, SECOND, [join(p.dir, 'pglc/migrations')]);
  assert.ok(info);
  const inputs = await createLintContexts(loadSchemaFromDisk({})).inputsFor(path, info);
  assert.ok(inputs);
  const document = TextDocument.create(pathToFileURL(path).href, 'sql', 1, SECOND);
  const model = buildDocumentModel(SECOND, 1, info);
  const on = (needle: string, nth = 0) => {
    let at = -1;
    for (let k = 0; k <= nth; k++) at = SECOND.indexOf(needle, at + 1);
    return document.positionAt(at + 1);
  };

  // `orders` in "create index orders_note_idx on orders (note)": created by 0001
  const hover = computeSchemaHover(model, document, path, inputs, on(' orders (', 0));
  const value = hover && typeof hover.contents === 'object' && 'value' in hover.contents ? hover.contents.value : '';
  assert.match(value, /^\*\*orders\*\* · table, created by 0001\\_orders/);
  assert.match(value, /\| id \| `bigint` \| not null \|/);
  assert.match(value, /\| note \| `text` \|/);
  assert.equal(document.getText(hover!.range!), 'orders');
  const def = computeSchemaDefinition(model, document, path, inputs, on(' orders (', 0));
  assert.equal(def?.uri, pathToFileURL(join(p.dir, 'pglc/migrations/0001_orders.sql')).href);
  assert.deepEqual(def?.range.start, { line: 1, character: 13 });

  // `payments` is created in this file: the definition is two lines up in the same document
  const local = computeSchemaDefinition(model, document, path, inputs, on('payments (order_id)'));
  assert.equal(local?.uri, document.uri);
  assert.equal(local?.range.start.line, 1);
  // a keyword or a column name is not a table
  assert.equal(computeSchemaHover(model, document, path, inputs, on('create index')), null);
  assert.equal(computeSchemaDefinition(model, document, path, inputs, on('order_id)')), null);
});

test('a split layout in the editor: the Down file is judged against its Up file, the Up file against its Down file', async (t) => {
  const p = project({
    'pglc.toml': '[project]\nname = "x"\nmigrations = "db/migrations"\n',
    'db/migrations/0001_orders.up.sql': 'create table orders (id bigint primary key, note text);\n',
    'db/migrations/0001_orders.down.sql': 'drop table orders;\n',
    'db/migrations/0002_tags.up.sql': 'create table tags (id bigint primary key);\nalter table orders add column tag_id bigint;\n',
    'db/migrations/0002_tags.down.sql': 'drop table tags;\n',
    'db/migrations/0003_notes.up.sql': 'alter table orders add column remark text;\n',
  });
  t.after(() => p.cleanup());
  const dirs = [join(p.dir, 'db/migrations')];
  const lint = createLintContexts(loadSchemaFromDisk({}));
  const diagnosticsOf = async (name: string) => {
    const path = join(p.dir, 'db/migrations', name);
    const text = readFileSync(path, 'utf8');
    const info = classifyMigrationDocument(path, text, dirs);
    assert.ok(info, `${name} is a migration`);
    const inputs = await lint.inputsFor(path, info);
    assert.ok(inputs);
    const document = TextDocument.create(pathToFileURL(path).href, 'sql', 1, text);
    return computeLintDiagnostics(buildDocumentModel(text, 1, info), document, path, inputs);
  };
  const down = (await diagnosticsOf('0002_tags.down.sql')).filter((d) => d.code === 'down-does-not-reverse');
  assert.deepEqual(down.map((d) => d.message), ['The Down file does not drop column orders.tag_id, which the Up creates — after a rollback it is still there, and migrating again fails on it.']);
  assert.ok(down[0]?.relatedInformation?.[0]?.location.uri.endsWith('0002_tags.up.sql'), 'related information points at the Up file');
  assert.equal(down[0]?.relatedInformation?.[0]?.location.range.start.line, 1);
  assert.deepEqual((await diagnosticsOf('0003_notes.up.sql')).filter((d) => d.code === 'up-without-down').map((d) => d.range.start.line), [0], 'no 0003 Down file: the Up file says so');
  assert.deepEqual((await diagnosticsOf('0002_tags.up.sql')).filter((d) => d.code === 'up-without-down'), [], 'its Down file exists');
});

test('every rule\'s diagnostic links to its heading in the docs shipped with the extension', () => {
  const seen = new Set<string>();
  for (const rule of ALL_RULES) {
    const href = ruleDocHref(rule.name);
    assert.ok(href, `${rule.name} has a documentation link`);
    const [file, line] = href.split('#L');
    const lines = readFileSync(fileURLToPath(file ?? ''), 'utf8').split('\n');
    assert.equal(lines[Number(line) - 1], `### ${rule.name}`, `${rule.name}: the link opens docs/lint.md at its heading`);
    assert.ok(!seen.has(href), 'one heading per rule');
    seen.add(href);
  }
  assert.equal(ruleDocHref('no-such-rule'), undefined, 'no link rather than a wrong one');
});
