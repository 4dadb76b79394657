// The architecture's boundaries (DESIGN.md), checked on every `npm test`:
// core imports no editor API, writes nothing to the console and never exits the process;
// server never imports vscode; client never imports core at run time (types only);
// webviews import only protocol.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync, existsSync } from 'node:fs';
import { join, relative, resolve, dirname } from 'node:path';
import ts from 'typescript';

const root = resolve(__dirname, '../..');

interface ImportRef { file: string; spec: string; typeOnly: boolean; line: number }

function sources(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const e of readdirSync(dir)) {
    const p = join(dir, e);
    if (e === 'node_modules') continue;
    if (statSync(p).isDirectory()) out.push(...sources(p));
    else if (/\.(ts|tsx|mts|cts)$/.test(e) && !e.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

/** Every import/export/require/import() in a file, with whether it is erased at run time. */
export function importsOf(file: string, text = readFileSync(file, 'utf8')): ImportRef[] {
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const refs: ImportRef[] = [];
  const add = (node: ts.Node, spec: string, typeOnly: boolean) =>
    refs.push({ file, spec, typeOnly, line: sf.getLineAndCharacterOfPosition(node.getStart()).line + 1 });
  const visit = (node: ts.Node) => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      const clause = node.importClause;
      const allTypes = Boolean(clause?.isTypeOnly) ||
        Boolean(clause && !clause.name && clause.namedBindings && ts.isNamedImports(clause.namedBindings) &&
          clause.namedBindings.elements.length > 0 && clause.namedBindings.elements.every((e) => e.isTypeOnly));
      add(node, node.moduleSpecifier.text, allTypes);
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      add(node, node.moduleSpecifier.text, node.isTypeOnly);
    } else if (ts.isCallExpression(node) && node.arguments.length === 1 && ts.isStringLiteral(node.arguments[0]!) &&
      (node.expression.kind === ts.SyntaxKind.ImportKeyword || (ts.isIdentifier(node.expression) && node.expression.text === 'require'))) {
      add(node, (node.arguments[0] as ts.StringLiteral).text, false);
    } else if (ts.isImportTypeNode(node)) {
      return;
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return refs;
}

const isEditorApi = (spec: string) => /^vscode($|-languageserver|-languageclient|-jsonrpc)/.test(spec);
const topFolderOf = (ref: ImportRef) =>
  ref.spec.startsWith('.') ? relative(root, resolve(dirname(ref.file), ref.spec)).split(/[\\/]/)[0] : undefined;
const where = (r: ImportRef) => `${relative(root, r.file)}:${r.line} imports '${r.spec}'`;

function violations(folder: string, bad: (r: ImportRef) => boolean): string[] {
  return sources(join(root, folder)).flatMap((f) => importsOf(f).filter(bad).map(where));
}

test('core imports neither vscode nor the language server/client packages', () => {
  assert.deepEqual(violations('core', (r) => isEditorApi(r.spec)), []);
});

test('core never writes to the console or exits the process', () => {
  const found = sources(join(root, 'core')).flatMap((f) =>
    readFileSync(f, 'utf8').split('\n').flatMap((line, i) =>
      /\bconsole\.(log|error|warn|info|debug)\(|\bprocess\.exit\(/.test(line) && !line.trim().startsWith('//') ? [`${relative(root, f)}:${i + 1}`] : []));
  assert.deepEqual(found, []);
});

test('core does not import from cli, client, server or webviews', () => {
  assert.deepEqual(violations('core', (r) => ['cli', 'client', 'server', 'webviews'].includes(topFolderOf(r) ?? '')), []);
});

test('server never imports vscode', () => {
  assert.deepEqual(violations('server', (r) => r.spec === 'vscode'), []);
});

test('client imports core only for types (it runs operations through `pglc … --json`)', () => {
  assert.deepEqual(violations('client', (r) => topFolderOf(r) === 'core' && !r.typeOnly), []);
});

test('webviews import only protocol (and their own files)', () => {
  assert.deepEqual(violations('webviews', (r) => {
    const top = topFolderOf(r);
    return top === undefined ? !r.spec.startsWith('@vscode-elements/') && !r.spec.startsWith('elkjs') : !['protocol', 'webviews'].includes(top);
  }), []);
});

test('the boundary checker itself sees runtime vs type-only imports', () => {
  const refs = importsOf('/x/client/a.ts', "import type { A } from '../core/a';\nimport { b } from '../core/b';\nimport { type C } from '../core/c';\nconst d = require('vscode');");
  assert.deepEqual(refs.map((r) => [r.spec, r.typeOnly]), [['../core/a', true], ['../core/b', false], ['../core/c', true], ['vscode', false]]);
});
