import { AppException } from '../errors/app.exception';
import { ErrorCode } from '../errors/error-code';

/** How long a caller is told to wait when the database cannot be reached. */
export const DATABASE_RETRY_AFTER_SECONDS = 5;

/** The socket calls a connection error comes from (not, say, opening a file). */
const SOCKET_CALLS: unknown[] = ['connect', 'read', 'write', 'getaddrinfo'];

/** Socket errors from the pool's connection to the server (refused, reset, unreachable...). */
const CONNECTION_ERRNOS = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
  // A Unix socket (the embedded database) that is not there.
  'ENOENT',
]);

/**
 * SQLSTATEs that say the server cannot serve this session at all, whatever the query:
 * class 08 (connection exception), admin shutdown, crash shutdown, cannot connect now, too
 * many connections.
 */
const UNAVAILABLE_SQLSTATES = new Set(['57P01', '57P02', '57P03', '53300']);

/** The `pg` driver's and pool's own wording for a lost or never-made connection. */
const CONNECTION_MESSAGES = [
  /^Connection terminated/, // unexpectedly / due to connection timeout / by the pool
  /^timeout exceeded when trying to connect$/,
  /^Client has encountered a connection error and is not queryable$/,
  /^Cannot use a pool after calling end on the pool$/,
];

interface ErrorFields {
  code?: unknown;
  syscall?: unknown;
  message?: unknown;
  driverError?: unknown;
  cause?: unknown;
  errors?: unknown;
}

/**
 * Whether an error means the database could not be reached (a dependency is down: answer
 * 503 and let the caller retry), as opposed to a bug or a bad query (500). Looks through
 * TypeORM's wrapper (`driverError`), `cause` chains and AggregateError (one per address).
 */
export function isDatabaseUnavailable(error: unknown, depth = 0): boolean {
  if (!error || typeof error !== 'object' || depth > 4) return false;
  const fields = error as ErrorFields;
  const code = typeof fields.code === 'string' ? fields.code : undefined;
  if (code && /^08[0-9A-Z]{3}$/.test(code)) return true;
  if (code && UNAVAILABLE_SQLSTATES.has(code)) return true;
  if (code && CONNECTION_ERRNOS.has(code) && isSocketCall(fields.syscall)) return true;
  const message = typeof fields.message === 'string' ? fields.message : '';
  if (CONNECTION_MESSAGES.some((pattern) => pattern.test(message))) return true;
  const nested = [
    fields.driverError,
    fields.cause,
    ...(Array.isArray(fields.errors) ? (fields.errors as unknown[]) : []),
  ];
  return nested.some((inner) => inner !== error && isDatabaseUnavailable(inner, depth + 1));
}

/** An AggregateError (several addresses tried) carries the code but no syscall of its own. */
function isSocketCall(syscall: unknown): boolean {
  return syscall === undefined || SOCKET_CALLS.includes(syscall);
}

/** 503 DATABASE_UNAVAILABLE with Retry-After: fail closed, never a guess at the answer. */
export function databaseUnavailable(): AppException {
  return new AppException(
    ErrorCode.DatabaseUnavailable,
    'The database is unavailable; try again shortly',
    503,
    { retryAfterSeconds: DATABASE_RETRY_AFTER_SECONDS },
    { 'Retry-After': String(DATABASE_RETRY_AFTER_SECONDS) },
  );
}

/** The error a transport should answer with: DATABASE_UNAVAILABLE in place of a lost database. */
export function withDatabaseOutage(error: unknown): unknown {
  return error instanceof AppException || !isDatabaseUnavailable(error)
    ? error
    : databaseUnavailable();
}
