// Maps what @supabase/storage-js hands back (StorageApiError with an HTTP status and the
// body's statusCode, StorageUnknownError wrapping a fetch failure, or a raw fetch/abort
// error) to the few outcomes the engine acts on. Duck-typed so it stays a pure function.
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

export function classifyStorageError(err: unknown, bucket: string, op: StorageOp): BackupTargetError {
  if (err instanceof BackupTargetError) return err;
  const message = String(field(err, 'message') ?? err);
  const status = field(err, 'status');
  const bodyCode = Number(field(err, 'statusCode'));
  // Storage sometimes answers HTTP 400 with the real code in the body's statusCode.
  const codes = [typeof status === 'number' ? status : NaN, bodyCode].filter((n) => Number.isFinite(n));
  if (codes.length > 0) {
    const opts = { cause: err };
    if (codes.some((c) => c === 401 || c === 403)) {
      return new BackupTargetError('access', `the Supabase key has no access to bucket "${bucket}" (${op}: ${message})`, opts);
    }
    if (codes.some((c) => RETRYABLE_STATUS.has(c))) {
      return new BackupTargetError('retryable', `Supabase Storage is having trouble (${op}: HTTP ${codes.join('/')} ${message}); will retry`, opts);
    }
    if (/bucket not found/i.test(message)) {
      return new BackupTargetError('access', `the Supabase bucket "${bucket}" does not exist, or the key cannot see it`, opts);
    }
    if (codes.includes(409) || /already exists|duplicate/i.test(message)) {
      return new BackupTargetError('conflict', `that backup already exists in bucket "${bucket}"; generations are never overwritten`, opts);
    }
    if (codes.includes(404)) return new BackupTargetError('not-found', `not found in bucket "${bucket}" (${op}: ${message})`, opts);
    return new BackupTargetError('failed', `Supabase Storage refused the ${op} (HTTP ${codes.join('/')}: ${message})`, opts);
  }
  const net = networkReason(field(err, 'originalError') ?? err);
  if (net) return new BackupTargetError('retryable', `could not reach Supabase Storage for ${op} (${net}); will retry`, { cause: err });
  return new BackupTargetError('failed', `Supabase Storage ${op} failed: ${message}`, { cause: err });
}
