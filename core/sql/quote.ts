// Quoting for the rare places where SQL text must contain an identifier or a literal
// (DDL cannot take parameters). Invariant: every identifier that reaches SQL text goes
// through quoteIdent; values go through query parameters, not quoteLiteral, wherever possible.

/** @example quoteIdent('my "table"') === '"my ""table"""' */
export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** Schema-qualified name, e.g. quoteQualified('public', 'users') === '"public"."users"'. */
export function quoteQualified(schema: string | undefined, name: string): string {
  return schema ? `${quoteIdent(schema)}.${quoteIdent(name)}` : quoteIdent(name);
}

/** A string literal for DDL that cannot take parameters (e.g. COMMENT ON … IS '…'). */
export function quoteLiteral(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}
