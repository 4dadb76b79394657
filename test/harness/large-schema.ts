// A large generated schema (the scale: 1,000 tables, 5,000 columns, foreign keys, indexes,
// comments, grants), shared by the introspection test and bench/schema.
// Invariant: deterministic for the same arguments; `variant` changes a known set of objects so
// two databases differ in a predictable way.

/** SQL creating `tables` tables of 5 columns each (id + 4), every third referencing an earlier one. */
export function largeSchemaSql(tables = 1000, variant = 0): string {
  const out: string[] = ['CREATE SCHEMA IF NOT EXISTS app;'];
  for (let i = 1; i <= tables; i++) {
    const t = `app.t${String(i).padStart(4, '0')}`;
    const ref = i > 1 && i % 3 === 0 ? `, parent_id bigint REFERENCES app.t${String(i - 1).padStart(4, '0')} (id)` : ', parent_id bigint';
    const changed = variant && i % 10 === 0;
    out.push(`CREATE TABLE ${t} (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, name text NOT NULL, n ${changed ? 'bigint' : 'integer'} NOT NULL DEFAULT 0, created_at timestamptz NOT NULL DEFAULT now()${ref});`);
    if (i % 2 === 0) out.push(`CREATE INDEX ON ${t} (name${changed ? ', n' : ''});`);
    if (i % 5 === 0) out.push(`COMMENT ON TABLE ${t} IS 'table ${i}${changed ? ' (changed)' : ''}';`);
  }
  return out.join('\n');
}
