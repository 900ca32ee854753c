// Maps what @supabase/storage-js hands back (StorageApiError with an HTTP status, the body's
// statusCode and Storage's error code, StorageUnknownError wrapping a fetch failure, or a raw
// fetch/abort error) to the few outcomes the engine acts on. Duck-typed so it stays a pure
// function. The real Storage server answers nearly every refusal with HTTP 400 and puts the
// meaning in the body (`{"statusCode":"409","code":"KeyAlreadyExists",…}`), so the body's code
// decides first, then its statusCode, then the HTTP status.
import { BackupTargetError } from './errors.js';

const RETRYABLE_STATUS = new Set([408, 425, 429, 500, 502, 503, 504, 520, 521, 522, 523, 524, 544]);

function field(err: unknown, name: string): unknown {
  return typeof err === 'object' && err !== null ? (err as Record<string, unknown>)[name] : undefined;
}

function networkReason(err: unknown): string | null {
  const name = field(err, 'name');
  if (name === 'TimeoutError' || name === 'AbortError') return 'timed out';
  // undici: TypeError('fetch failed', { cause: { code: 'ECONNRESET' | 'UND_ERR_SOCKET' | … } })
  if (err instanceof TypeError) {
    const cause = field(err, 'cause');
    const code = field(cause, 'code');
    const inner = networkReason(cause);
    if (inner) return inner;
    return typeof code === 'string' ? code : err.message;
  }
  return null;
}

export type StorageOp = 'upload' | 'download' | 'list' | 'remove';

/** Storage's own error codes (supabase/storage src/internal/errors/codes.ts) that mean one thing for us. */
const CODE_KIND: Readonly<Record<string, 'no-bucket' | 'access' | 'conflict' | 'not-found' | 'retryable'>> = {
  NoSuchBucket: 'no-bucket',
  NoSuchKey: 'not-found',
  KeyAlreadyExists: 'conflict',
  ResourceAlreadyExists: 'conflict',
  AccessDenied: 'access',
  InvalidJWT: 'access',
  ExpiredToken: 'access',
  InvalidSignature: 'access',
  SignatureDoesNotMatch: 'access',
  DatabaseTimeout: 'retryable',
  DatabaseConnectionLimit: 'retryable',
  DatabaseReadOnly: 'retryable',
  LockTimeout: 'retryable',
  SlowDown: 'retryable',
  InternalError: 'retryable',
};

export function classifyStorageError(err: unknown, bucket: string, op: StorageOp): BackupTargetError {
  if (err instanceof BackupTargetError) return err;
  // our own refusal (a size cap) thrown inside fetch comes back wrapped by storage-js
  const original = field(err, 'originalError');
  if (original instanceof BackupTargetError) return original;
  const message = String(field(err, 'message') ?? err);
  const status = field(err, 'status');
  const bodyCode = Number(field(err, 'statusCode'));
  const codes = [typeof status === 'number' ? status : NaN, bodyCode].filter((n) => Number.isFinite(n));
  const storageCode = field(err, 'code');
  const byCode = typeof storageCode === 'string' ? CODE_KIND[storageCode] : undefined;
  if (codes.length > 0 || byCode !== undefined) {
    const opts = { cause: err };
    const http = `HTTP ${codes.join('/')}${typeof storageCode === 'string' ? ` ${storageCode}` : ''}`;
    if (byCode === 'no-bucket' || (byCode === undefined && /bucket not found/i.test(message))) {
      return new BackupTargetError('access', `the Supabase bucket "${bucket}" does not exist, or the key cannot see it`, opts);
    }
    if (byCode === 'conflict') return new BackupTargetError('conflict', `that backup already exists in bucket "${bucket}"; generations are never overwritten`, opts);
    if (byCode === 'not-found') return new BackupTargetError('not-found', `not found in bucket "${bucket}" (${op}: ${message})`, opts);
    if (byCode === 'retryable') return new BackupTargetError('retryable', `Supabase Storage is having trouble (${op}: ${http} ${message}); will retry`, opts);
    if (byCode === 'access' || codes.some((c) => c === 401 || c === 403)) {
      return new BackupTargetError('access', `the Supabase key has no access to bucket "${bucket}" (${op}: ${message})`, opts);
    }
    if (codes.some((c) => RETRYABLE_STATUS.has(c))) {
      return new BackupTargetError('retryable', `Supabase Storage is having trouble (${op}: ${http} ${message}); will retry`, opts);
    }
    if (codes.includes(409) || /already exists|duplicate/i.test(message)) {
      return new BackupTargetError('conflict', `that backup already exists in bucket "${bucket}"; generations are never overwritten`, opts);
    }
    if (codes.includes(404)) return new BackupTargetError('not-found', `not found in bucket "${bucket}" (${op}: ${message})`, opts);
    return new BackupTargetError('failed', `Supabase Storage refused the ${op} (${http}: ${message})`, opts);
  }
  const net = networkReason(field(err, 'originalError') ?? err);
  if (net) return new BackupTargetError('retryable', `could not reach Supabase Storage for ${op} (${net}); will retry`, { cause: err });
  return new BackupTargetError('failed', `Supabase Storage ${op} failed: ${message}`, { cause: err });
}

/**
 * Which kind of Supabase API key this is, from its own text: new-style keys say so in their
 * prefix, legacy ones are JWTs whose payload names the role. Nothing is verified (no secret).
 */
export function supabaseKeyKind(key: string): 'service-role' | 'anon' | 'user' | 'unknown' {
  if (key.startsWith('sb_secret_')) return 'service-role';
  if (key.startsWith('sb_publishable_')) return 'anon';
  const payload = key.split('.')[1];
  if (key.split('.').length !== 3 || payload === undefined) return 'unknown';
  try {
    const role = (JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { role?: unknown }).role;
    return role === 'service_role' ? 'service-role' : role === 'anon' ? 'anon' : role === 'authenticated' ? 'user' : 'unknown';
  } catch {
    return 'unknown';
  }
}

/**
 * What a refused Supabase request says about the settings, read from the Storage error kept as
 * the cause: the bucket is missing (or hidden), the key is not the project's, or a row-level
 * security policy is missing. null for anything else.
 */
export function storageRefusal(err: unknown): 'no-bucket' | 'bad-key' | 'denied' | null {
  const cause = err instanceof BackupTargetError ? err.cause : err;
  const code = field(cause, 'code');
  const status = field(cause, 'status');
  const bodyStatus = field(cause, 'statusCode');
  const message = String(field(cause, 'message') ?? '');
  if (code === 'NoSuchBucket' || /bucket not found/i.test(message)) return 'no-bucket';
  if (status === 401 || code === 'InvalidJWT' || code === 'ExpiredToken' || code === 'InvalidSignature') return 'bad-key';
  if (code === 'AccessDenied' || status === 403 || bodyStatus === '403') return 'denied';
  return null;
}
