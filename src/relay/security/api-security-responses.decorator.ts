import { ApiErrorResponses } from '../../shared/http/api-error-responses.decorator';

/**
 * Documents what security control can answer on any route it guards: 403 IP_DENIED next to
 * the role check's FORBIDDEN, and 429 RATE_LIMITED with Retry-After.
 */
export function ApiSecurityResponses(): MethodDecorator & ClassDecorator {
  return ApiErrorResponses(
    [403, 'FORBIDDEN: the caller lacks the role; or IP_DENIED: IP rules refuse the address'],
    [429, 'RATE_LIMITED: per-address or per-principal limit reached; see Retry-After'],
  );
}
