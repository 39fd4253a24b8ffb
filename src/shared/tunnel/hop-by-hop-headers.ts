import { isValidHeaderName, isValidHeaderValue, type HttpHeaders } from '../protocol';

/** Headers that describe one HTTP connection, never the message (RFC 9110 section 7.6.1). */
export const HOP_BY_HOP_HEADERS: readonly string[] = [
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'http2-settings',
];

const HOP_BY_HOP = new Set([...HOP_BY_HOP_HEADERS, 'host']);

/**
 * Copies the end-to-end headers a proxy may pass on: drops hop-by-hop headers, those named
 * in `Connection`, the extra names given (e.g. credentials), and anything the tunnel codec
 * would refuse.
 */
export function endToEndHeaders(
  headers: Record<string, string | string[] | undefined>,
  drop: ReadonlySet<string> = new Set(),
): HttpHeaders {
  const connection = headers.connection;
  const listed = new Set(
    (Array.isArray(connection) ? connection.join(',') : (connection ?? ''))
      .split(',')
      .map((name) => name.trim().toLowerCase())
      .filter(Boolean),
  );
  const result: HttpHeaders = Object.create(null) as HttpHeaders;
  for (const [rawName, value] of Object.entries(headers)) {
    const name = rawName.toLowerCase();
    if (value === undefined || HOP_BY_HOP.has(name) || listed.has(name) || drop.has(name)) continue;
    if (!isValidHeaderName(name)) continue;
    if (Array.isArray(value)) {
      const valid = value.filter(isValidHeaderValue);
      if (valid.length > 0) result[name] = valid;
    } else if (isValidHeaderValue(value)) {
      result[name] = value;
    }
  }
  return result;
}
