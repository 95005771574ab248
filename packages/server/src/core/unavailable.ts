/**
 * Failures of what Steward stands on rather than of the request: the database unreachable, the disk
 * full or read-only. They answer `503 service_unavailable` with a stable `details.reason` (clients and
 * load balancers retry; nothing half-written stays behind: the failed statement's transaction rolled back).
 */
export type UnavailableReason = 'database_unreachable' | 'storage_full' | 'storage_read_only' | 'storage_error';

export const UNAVAILABLE_MESSAGES: Readonly<Record<UnavailableReason, string>> = Object.freeze({
  database_unreachable: 'The database is unreachable; try again shortly.',
  storage_full: 'The server’s storage is full; writes are refused until space is freed.',
  storage_read_only: 'The server’s storage is read-only; writes are refused.',
  storage_error: 'The server cannot read or write its storage.',
});

const PG_CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENOTFOUND',
  '57P01',
  '57P02',
  '57P03',
  '08000',
  '08001',
  '08003',
  '08004',
  '08006',
]);
const PG_CONNECTION_MESSAGES =
  /Connection terminated|connection error and is not queryable|timeout exceeded when trying to connect|Client was closed|Connection ended/i;

/** Why this error means a dependency is unavailable, or undefined for any other error. */
export function unavailableReason(error: unknown): UnavailableReason | undefined {
  if (!(error instanceof Error)) return undefined;
  const code = String((error as { code?: unknown }).code ?? '');
  if (code === 'SQLITE_FULL' || code === 'ENOSPC' || code === '53100') return 'storage_full';
  if (code.startsWith('SQLITE_READONLY') || code === 'EROFS') return 'storage_read_only';
  if (code.startsWith('SQLITE_IOERR') || code === 'SQLITE_CANTOPEN' || code === 'EIO') return 'storage_error';
  if (PG_CONNECTION_CODES.has(code) || PG_CONNECTION_MESSAGES.test(error.message)) return 'database_unreachable';
  return undefined;
}
