/**
 * Stable codes of the data plane (answers to calls that reach a datasource) and of datasource
 * management. Callers branch on them; never rename or reuse one.
 */
export enum DatasourceErrorCode {
  DatasourceNotFound = 'DATASOURCE_NOT_FOUND',
  DatasourceExists = 'DATASOURCE_EXISTS',
  MethodNotAllowed = 'METHOD_NOT_ALLOWED',
  PathNotAllowed = 'PATH_NOT_ALLOWED',
  InvalidPath = 'INVALID_PATH',
  InvalidHeaders = 'INVALID_HEADERS',
  NotFound = 'NOT_FOUND',
  InvalidParameters = 'INVALID_PARAMETERS',
  MalformedJson = 'MALFORMED_JSON',
  UnsupportedMediaType = 'UNSUPPORTED_MEDIA_TYPE',
  QueryNotFound = 'QUERY_NOT_FOUND',
  QueryFailed = 'QUERY_FAILED',
  ReadOnlyViolation = 'READ_ONLY_VIOLATION',
  PayloadTooLarge = 'PAYLOAD_TOO_LARGE',
  RangeNotSatisfiable = 'RANGE_NOT_SATISFIABLE',
  UpstreamUnreachable = 'UPSTREAM_UNREACHABLE',
  UpstreamTimeout = 'UPSTREAM_TIMEOUT',
  UpstreamError = 'UPSTREAM_ERROR',
  RedirectRefused = 'UPSTREAM_REDIRECT_REFUSED',
  /** The caller went away (the tunnel aborted the call's signal). */
  Cancelled = 'CANCELLED',
  /** The call's deadline passed. */
  DeadlineExceeded = 'DEADLINE_EXCEEDED',
  /** The reply started but its body failed part-way. */
  StreamFailed = 'STREAM_FAILED',
  Internal = 'INTERNAL_ERROR',
}
