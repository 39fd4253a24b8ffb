import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

export const REQUEST_ID_HEADER = 'x-request-id';

const WELL_FORMED = /^[A-Za-z0-9._:-]{1,128}$/;

/** Reuses the caller's request id when it is safe to log and echo, else makes a new one. */
export function assignRequestId(request: IncomingMessage, response: ServerResponse): string {
  const offered = request.headers[REQUEST_ID_HEADER];
  const id = typeof offered === 'string' && WELL_FORMED.test(offered) ? offered : randomUUID();
  response.setHeader('X-Request-Id', id);
  return id;
}
