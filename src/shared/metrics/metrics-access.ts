import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

/** Whether the request carries `Authorization: Bearer <token>` (compared in constant time). */
export function hasMetricsToken(headers: IncomingHttpHeaders, token: string): boolean {
  const match = /^Bearer +(\S+) *$/i.exec(headers.authorization ?? '');
  if (!match) return false;
  // Comparing digests keeps the comparison constant-time whatever the lengths.
  const given = createHash('sha256').update(match[1]).digest();
  const expected = createHash('sha256').update(token).digest();
  return timingSafeEqual(given, expected);
}
