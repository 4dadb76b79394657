// Where a connection goes. Invariant: the password lives only in `password` and is never
// part of describeTarget(), errors, logs or child-process argv (it reaches tools via PGPASSWORD).

export interface ConnectionTarget {
  /** Hostname, IP, or an absolute unix-socket directory. */
  host: string;
  port: number;
  database: string;
  user: string;
  password?: string;
  /** libpq sslmode; `disable` for sockets and the embedded cluster. */
  sslmode?: 'disable' | 'allow' | 'prefer' | 'require' | 'verify-ca' | 'verify-full';
}

/** `host:port/database` (or `socket dir:port/database`), safe to show to anyone. */
export function describeTarget(t: ConnectionTarget): string {
  return `${t.host}:${t.port}/${t.database}`;
}
