// The outline from fixture files: Up / Down sections as namespaces holding their statements,
// labelled from the parse tree; plain files list their statements. Checks the LSP rule that
// children and selection ranges lie inside their parent's range.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SymbolKind, type DocumentSymbol, type Range } from 'vscode-languageserver';
import { computeDocumentSymbols } from '../../server/document-symbols';
import { casesWith, expectFixture, loadCases, rangeText } from '../fixtures/server/harness';

const KIND_NAME = Object.fromEntries(Object.entries(SymbolKind).map(([name, value]) => [value, name])) as Record<number, string>;

interface SymbolView {
  name: string;
  detail?: string;
  kind: string;
  range: string;
  selection: string;
  children?: SymbolView[];
}

function view(s: DocumentSymbol): SymbolView {
  const v: SymbolView = { name: s.name, kind: KIND_NAME[s.kind] ?? String(s.kind), range: rangeText(s.range), selection: rangeText(s.selectionRange) };
  if (s.detail !== undefined) v.detail = s.detail;
  if (s.children) v.children = s.children.map(view);
  return v;
}

const before = (a: Range['start'], b: Range['start']) => a.line < b.line || (a.line === b.line && a.character <= b.character);
const inside = (inner: Range, outer: Range) => before(outer.start, inner.start) && before(inner.end, outer.end);

function checkNesting(s: DocumentSymbol): void {
  assert.ok(inside(s.selectionRange, s.range), `${s.name}: selectionRange outside range`);
  for (const child of s.children ?? []) {
    assert.ok(inside(child.range, s.range), `${child.name} outside ${s.name}`);
    checkNesting(child);
  }
}

test('document symbols of the fixture cases', async (t) => {
  for (const c of casesWith(await loadCases(), 'symbols')) {
    await t.test(c.name, () => {
      const symbols = computeDocumentSymbols(c.model, c.document);
      symbols.forEach(checkNesting);
      expectFixture(c, 'symbols', symbols.map(view));
    });
  }
});
