// Where and as whom pglc talks to S3-compatible storage: [backup.s3] (after the BACKUP_S3_*
// overrides the config loader applied) plus credentials from the variables.
// Invariant: credentials come only from the variables (BACKUP_S3_ACCESS_KEY / BACKUP_S3_SECRET_KEY,
// else AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN — the editor passes its
// SecretStorage values in the same names), never from pglc.toml, and never appear in a message
// or in describe(): only the names of the variables do.

import type { BackupConfig } from '../config/project-config';
import { PglcError } from '../errors';

export interface S3Settings {
  /** Full URL (`https://…`), or undefined for AWS S3 itself (the SDK derives it from the region). */
  endpoint?: string;
  region: string;
  bucket: string;
  /** Without leading or trailing slashes; '' for the bucket's root. */
  prefix: string;
  forcePathStyle: boolean;
}

export interface S3Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  /** Which variables they came from, for messages. */
  source: 'BACKUP_S3_ACCESS_KEY' | 'AWS_ACCESS_KEY_ID';
}

type Vars = Readonly<Record<string, string | undefined>>;

const AWS_GLOBAL_ENDPOINTS = new Set(['s3.amazonaws.com', 'https://s3.amazonaws.com', 'http://s3.amazonaws.com']);

/**
 * The S3 settings of a project, or `storage-not-configured` when no bucket is set.
 * An endpoint without a scheme gets `https://`; `s3.amazonaws.com` means AWS itself (no override);
 * path-style addressing defaults to on for custom endpoints (MinIO needs it; B2, R2 and GCS accept it).
 * @example s3SettingsOf({ storage: 's3', path: 'backups', encrypt: false, retention: {},
 *   s3: { endpoint: 'minio.lan:9000', bucket: 'db' } }).endpoint === 'https://minio.lan:9000'
 */
export function s3SettingsOf(backup: BackupConfig): S3Settings {
  const s3 = backup.s3 ?? {};
  const bucket = s3.bucket?.trim();
  if (!bucket) {
    throw new PglcError('storage-not-configured', {
      what: 'No S3 bucket is configured for backups',
      why: backup.storage === 's3' ? '[backup] storage = "s3" but [backup.s3] has no bucket' : '[backup.s3] has no bucket',
      fix: 'Run `pglc backup storage set s3 --bucket NAME [--endpoint HOST] [--region REGION]`, or set BACKUP_S3_BUCKET.',
    });
  }
  const rawEndpoint = s3.endpoint?.trim();
  let endpoint: string | undefined;
  if (rawEndpoint && !AWS_GLOBAL_ENDPOINTS.has(rawEndpoint.replace(/\/+$/, ''))) {
    endpoint = /^[a-z][a-z0-9+.-]*:\/\//i.test(rawEndpoint) ? rawEndpoint : `https://${rawEndpoint}`;
    let url: URL;
    try {
      url = new URL(endpoint);
    } catch {
      throw new PglcError('config-invalid', {
        what: 'The S3 endpoint in [backup.s3] is not a valid URL or host',
        why: 'it could not be parsed as https://host[:port]',
        fix: 'Set endpoint to a host such as "s3.eu-central-003.backblazeb2.com" or a URL such as "http://127.0.0.1:9000".',
      });
    }
    if (url.username || url.password) {
      throw new PglcError('config-invalid', {
        what: 'The S3 endpoint in [backup.s3] contains credentials',
        why: 'pglc never takes storage credentials from pglc.toml (it is committed to git)',
        fix: 'Remove the user:password part from the endpoint and set BACKUP_S3_ACCESS_KEY / BACKUP_S3_SECRET_KEY instead.',
      });
    }
    endpoint = endpoint.replace(/\/+$/, '');
  }
  return {
    endpoint,
    region: s3.region?.trim() || 'us-east-1',
    bucket,
    prefix: (s3.prefix ?? '').replace(/^\/+|\/+$/g, ''),
    forcePathStyle: s3.forcePathStyle ?? endpoint !== undefined,
  };
}

/**
 * Credentials from the variables, or `storage-credentials-missing` naming what to set.
 * @example s3CredentialsOf({ BACKUP_S3_ACCESS_KEY: 'k', BACKUP_S3_SECRET_KEY: 's' }).source === 'BACKUP_S3_ACCESS_KEY'
 */
export function s3CredentialsOf(vars: Vars, where = 'the backup storage'): S3Credentials {
  const get = (k: string) => {
    const v = vars[k];
    return v === undefined || v.trim() === '' ? undefined : v.trim();
  };
  const pglcKey = get('BACKUP_S3_ACCESS_KEY');
  const pglcSecret = get('BACKUP_S3_SECRET_KEY');
  if (pglcKey && pglcSecret) return { accessKeyId: pglcKey, secretAccessKey: pglcSecret, source: 'BACKUP_S3_ACCESS_KEY' };
  const awsKey = get('AWS_ACCESS_KEY_ID');
  const awsSecret = get('AWS_SECRET_ACCESS_KEY');
  if (!pglcKey && !pglcSecret && awsKey && awsSecret) {
    const sessionToken = get('AWS_SESSION_TOKEN');
    return { accessKeyId: awsKey, secretAccessKey: awsSecret, ...(sessionToken ? { sessionToken } : {}), source: 'AWS_ACCESS_KEY_ID' };
  }
  const half = pglcKey ? 'BACKUP_S3_SECRET_KEY is not set (BACKUP_S3_ACCESS_KEY is)' : pglcSecret ? 'BACKUP_S3_ACCESS_KEY is not set (BACKUP_S3_SECRET_KEY is)' : undefined;
  throw new PglcError('storage-credentials-missing', {
    what: `No credentials for ${where}`,
    why: half ?? 'neither BACKUP_S3_ACCESS_KEY / BACKUP_S3_SECRET_KEY nor AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY is set',
    fix: 'Set BACKUP_S3_ACCESS_KEY and BACKUP_S3_SECRET_KEY in your shell or in .env (git-ignored) — or in the editor with "Set storage credentials". pglc never reads them from pglc.toml.',
  });
}

/** `s3://bucket/prefix` — what messages show (never credentials). */
export function describeS3(s: S3Settings): string {
  return `s3://${s.bucket}${s.prefix ? `/${s.prefix}` : ''}`;
}

/** The endpoint as messages show it: host[:port], or "AWS S3 (region)". */
export function describeEndpoint(s: S3Settings): string {
  if (!s.endpoint) return `AWS S3 (${s.region})`;
  try {
    return new URL(s.endpoint).host;
  } catch {
    return s.endpoint;
  }
}
