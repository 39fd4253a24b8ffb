import { AppException } from '../../../shared/errors/app.exception';
import { DatasourceErrorCode } from '../datasource-error-code';

/**
 * The caller-safe error for a failed query. Server messages can reveal schema details, so
 * callers get the SQLSTATE only; the agent log keeps the full error.
 */
export function sqlFailure(error: unknown): AppException {
  if (error instanceof AppException) return error;
  const sqlState = (error as { code?: string })?.code ?? '';
  const details = /^[0-9A-Z]{5}$/.test(sqlState) ? { sqlState } : undefined;
  if (sqlState === '57014') {
    return new AppException(
      DatasourceErrorCode.UpstreamTimeout,
      'The query ran longer than its timeout',
      504,
      details,
    );
  }
  if (sqlState === '25006') {
    return new AppException(
      DatasourceErrorCode.ReadOnlyViolation,
      'The query tried to write in a read-only transaction',
      403,
      details,
    );
  }
  if (/^2[23]/.test(sqlState)) {
    return new AppException(
      DatasourceErrorCode.QueryFailed,
      `The query refused its input (SQLSTATE ${sqlState})`,
      400,
      details,
    );
  }
  if (!details || /^(08|28|53|57P|3D)/.test(sqlState) || isConnectionFailure(error)) {
    return new AppException(
      DatasourceErrorCode.UpstreamUnreachable,
      'The database could not be reached',
      502,
      details ?? { reason: sqlState || (error as Error)?.message?.slice(0, 100) },
    );
  }
  return new AppException(
    DatasourceErrorCode.UpstreamError,
    `The query failed (SQLSTATE ${sqlState})`,
    502,
    details,
  );
}

function isConnectionFailure(error: unknown): boolean {
  const message = (error as Error)?.message ?? '';
  return /Connection terminated|timeout exceeded when trying to connect|ECONNREFUSED/.test(message);
}
