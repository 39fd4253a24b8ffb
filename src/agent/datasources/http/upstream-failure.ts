import { AppException } from '../../../shared/errors/app.exception';
import { DatasourceErrorCode } from '../datasource-error-code';

const TLS_FAILURE = /^(ERR_TLS_|ERR_SSL_|CERT_|UNABLE_TO_|DEPTH_ZERO_|SELF_SIGNED_|HOSTNAME_)/;

/** The caller-safe error for a failed upstream exchange (details stay in the agent log). */
export function upstreamFailure(error: unknown): AppException {
  if (error instanceof AppException) return error;
  const code = (error as { code?: string })?.code ?? 'UNKNOWN';
  const reason = TLS_FAILURE.test(code) ? `TLS: ${code}` : code;
  return new AppException(
    DatasourceErrorCode.UpstreamUnreachable,
    'The upstream service could not be reached',
    502,
    { reason },
  );
}

export function upstreamTimeout(timeoutMs: number): AppException {
  return new AppException(
    DatasourceErrorCode.UpstreamTimeout,
    `The upstream service did not answer within ${timeoutMs} ms`,
    504,
  );
}
