// Turns what the AWS SDK throws into PglcErrors a user can act on: bucket missing, access
// denied, endpoint unreachable, server errors after retries. Invariant: messages name the bucket,
// prefix and endpoint host, never a key or secret (SDK error text is reduced to its code and a
// short sentence, which S3 services do not fill with credentials).

import { PglcError, isPglcError } from '../errors';
import { describeEndpoint, describeS3, type S3Settings } from './s3-settings';

interface SdkErrorLike {
  name?: string;
  Code?: string;
  code?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number; attempts?: number };
  $fault?: 'client' | 'server';
  cause?: unknown;
}

const NETWORK_CODES = new Set([
  'ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH',
  'EPIPE', 'ECONNABORTED', 'ERR_STREAM_PREMATURE_CLOSE', 'UND_ERR_SOCKET',
]);
const DENIED = new Set(['AccessDenied', 'InvalidAccessKeyId', 'SignatureDoesNotMatch', 'InvalidToken', 'ExpiredToken', 'Forbidden', 'AllAccessDisabled', 'AccountProblem']);

function asSdk(e: unknown): SdkErrorLike {
  return (typeof e === 'object' && e !== null ? e : { message: String(e) }) as SdkErrorLike;
}

function codeOf(e: SdkErrorLike): string | undefined {
  const c = e.code ?? asSdk(e.cause).code;
  return typeof c === 'string' ? c : undefined;
}

/** True for errors that another attempt may cure: 5xx, throttling, timeouts, dropped connections. */
export function isTransientS3Error(e: unknown): boolean {
  if (isPglcError(e)) return e.code === 'storage-unreachable' || (e.code === 'storage-failed' && e.details?.transient === true);
  const err = asSdk(e);
  if (err.name === 'AbortError') return false;
  const status = err.$metadata?.httpStatusCode;
  if (status !== undefined && (status >= 500 || status === 429)) return true;
  if (err.name === 'TimeoutError' || err.name === 'RequestTimeout' || err.name === 'SlowDown') return true;
  const code = codeOf(err);
  if (code && NETWORK_CODES.has(code)) return true;
  return /socket hang up|ECONNRESET|aborted|premature close/i.test(err.message ?? '');
}

/**
 * A PglcError for a failed S3 operation (`what` says which, e.g. 'Listing backups').
 * @example throw s3Failure(e, 'Uploading prod-shop-20261114T020000Z/dump.pgcustom.zst', settings)
 */
export function s3Failure(e: unknown, what: string, s: S3Settings, signal?: AbortSignal): PglcError {
  if (isPglcError(e)) return e;
  const err = asSdk(e);
  const where = describeS3(s);
  const endpoint = describeEndpoint(s);
  if (signal?.aborted || err.name === 'AbortError') {
    return new PglcError('cancelled', {
      what: `${what} was cancelled`,
      why: 'a cancellation was requested',
      fix: 'Run it again when ready; nothing incomplete is left visible in the storage.',
    });
  }
  const status = err.$metadata?.httpStatusCode;
  const attempts = err.$metadata?.attempts;
  const name = err.name ?? err.Code ?? 'Error';
  const afterAttempts = attempts && attempts > 1 ? ` after ${attempts} attempts` : '';
  const details = { bucket: s.bucket, prefix: s.prefix, endpoint, ...(status ? { status } : {}), sdkError: name };

  if (name === 'NoSuchBucket' || (name === 'NotFound' && /bucket/i.test(what))) {
    return new PglcError('storage-bucket-missing', {
      what: `${what} failed: the bucket "${s.bucket}" does not exist at ${endpoint}`,
      why: 'the storage answered NoSuchBucket',
      fix: `Create the bucket "${s.bucket}" (in the provider's console, or \`mc mb\` for MinIO), or fix the bucket name with \`pglc backup storage set s3 --bucket NAME\` / BACKUP_S3_BUCKET.`,
      details,
    });
  }
  if (DENIED.has(name) || status === 403) {
    return new PglcError('storage-access-denied', {
      what: `${what} failed: access to ${where} at ${endpoint} was denied`,
      why: `the storage refused the request (${name === 'Error' || name === 'Forbidden' ? `HTTP ${status ?? 403}` : name})`,
      fix: 'Check BACKUP_S3_ACCESS_KEY / BACKUP_S3_SECRET_KEY (or AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY) and that this key may list, read, write and delete objects in the bucket.',
      details,
    });
  }
  const code = codeOf(err);
  const network = (code && NETWORK_CODES.has(code)) || err.name === 'TimeoutError' || /socket hang up|ECONNREFUSED|ENOTFOUND/i.test(err.message ?? '');
  if (network) {
    return new PglcError('storage-unreachable', {
      what: `${what} failed: cannot reach the backup storage at ${endpoint}`,
      why: `${code ?? err.name ?? 'connection error'}${afterAttempts}${code === 'ENOTFOUND' || code === 'EAI_AGAIN' ? ' (the host name does not resolve)' : code === 'ECONNREFUSED' ? ' (nothing accepts connections there)' : ''}`,
      fix: 'Check [backup.s3] endpoint (host and port, e.g. "minio.example.com:9000") and the network; run the command again — the local copy is kept.',
      details: { ...details, ...(code ? { errno: code } : {}) },
    });
  }
  if (name === 'PermanentRedirect' || name === 'AuthorizationHeaderMalformed' || name === 'IllegalLocationConstraintException') {
    return new PglcError('storage-failed', {
      what: `${what} failed: ${where} is in another region than "${s.region}"`,
      why: `the storage answered ${name}`,
      fix: 'Set the bucket\'s region with `pglc backup storage set s3 --region REGION` (or BACKUP_S3_REGION).',
      details,
    });
  }
  const transient = isTransientS3Error(e);
  const sentence = (err.message ?? '').split('\n')[0]!.slice(0, 200);
  return new PglcError('storage-failed', {
    what: `${what} failed at ${where} (${endpoint})`,
    why: `${name}${status ? ` (HTTP ${status})` : ''}${sentence && sentence !== name ? `: ${sentence}` : ''}${afterAttempts}`,
    fix: transient
      ? 'The storage had a temporary problem and retries did not get through; run the command again later — the local copy is kept.'
      : 'Check the storage settings (`pglc backup status`) and the provider\'s status; run the command again.',
    details: { ...details, transient },
  });
}
