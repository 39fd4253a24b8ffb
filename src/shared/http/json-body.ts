import type { ErrorRequestHandler, RequestHandler } from 'express';
import { json } from 'express';
import { AppException } from '../errors/app.exception';
import { ErrorCode } from '../errors/error-code';

interface BodyParserError {
  type?: string;
}

/** body-parser's error types, mapped to stable codes before Nest's error handling sees them. */
const BODY_ERRORS: Record<string, [number, string, string]> = {
  'entity.parse.failed': [400, ErrorCode.MalformedJson, 'Malformed JSON body'],
  'entity.too.large': [413, ErrorCode.PayloadTooLarge, 'Request body too large'],
  'encoding.unsupported': [415, ErrorCode.UnsupportedMediaType, 'Unsupported content encoding'],
  'charset.unsupported': [415, ErrorCode.UnsupportedMediaType, 'Unsupported charset'],
  'request.aborted': [400, ErrorCode.BadRequest, 'Request aborted'],
  'request.size.invalid': [400, ErrorCode.BadRequest, 'Request size did not match Content-Length'],
};

/**
 * JSON body parsing with a size limit, whose failures carry this API's error codes. Paths
 * under `streamedPrefixes` are left unread: their bodies are streamed on, not parsed.
 */
export function jsonBody(
  limit: string,
  streamedPrefixes: readonly string[] = [],
): [RequestHandler, ErrorRequestHandler] {
  const translate: ErrorRequestHandler = (error: BodyParserError, _req, _res, next) => {
    const known = error?.type ? BODY_ERRORS[error.type] : undefined;
    next(known ? new AppException(known[1], known[2], known[0]) : error);
  };
  const parse = json({ limit });
  const parseUnlessStreamed: RequestHandler = (req, res, next) => {
    if (streamedPrefixes.some((prefix) => req.url.startsWith(prefix))) return next();
    return parse(req, res, next);
  };
  return [parseUnlessStreamed, translate];
}
