import { Readable } from 'node:stream';
import { ERROR_CODE_HEADER } from '../../shared/protocol';
import type { DatasourceReply } from './datasource-call';

/** A complete JSON reply; the body is a byte stream like every other reply's. */
export function jsonReply(
  status: number,
  value: unknown,
  headers: Record<string, string | string[]> = {},
): DatasourceReply {
  const bytes = Buffer.from(JSON.stringify(value), 'utf8');
  return {
    status,
    headers: {
      ...headers,
      'content-type': 'application/json; charset=utf-8',
      'content-length': String(bytes.length),
    },
    body: Readable.from([bytes], { objectMode: false }),
  };
}

/** The one error shape of the API, as a reply. */
export function errorReply(
  status: number,
  code: string,
  message: string,
  requestId: string,
  details?: unknown,
  headers: Record<string, string> = {},
): DatasourceReply {
  const body = { statusCode: status, code, message, requestId, details };
  const lowerCased = Object.fromEntries(
    Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]),
  );
  return jsonReply(status, body, {
    ...lowerCased,
    'cache-control': 'no-store',
    [ERROR_CODE_HEADER]: code,
  });
}
