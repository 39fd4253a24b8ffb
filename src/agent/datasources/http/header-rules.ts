import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';
import { HOP_BY_HOP_HEADERS } from '../../../shared/tunnel/hop-by-hop-headers';
import { ERROR_CODE_HEADER } from '../../../shared/protocol';

export type HeaderMap = Record<string, string | string[]>;

/** Per-connection headers (RFC 9110 7.6.1) and their legacy relatives: never forwarded. */
const HOP_BY_HOP = HOP_BY_HOP_HEADERS;

/**
 * Caller headers that must not reach the intranet: the caller's credentials for the relay,
 * its cookies, and client-address claims the agent cannot vouch for. `host` is set from the
 * base URL; `expect` would make the upstream wait for a 100 the tunnel does not relay.
 */
const DROPPED_REQUEST_HEADERS = new Set([
  ...HOP_BY_HOP,
  'host',
  'cookie',
  'authorization',
  'x-api-key',
  'forwarded',
  'x-forwarded-for',
  'x-forwarded-host',
  'x-forwarded-proto',
  'x-forwarded-port',
  'x-forwarded-prefix',
  'x-real-ip',
  'x-request-id',
  'expect',
]);

/**
 * Upstream headers that must not reach internet callers: intranet session cookies and login
 * challenges (the caller authenticates to the relay, never to the intranet), software
 * banners, and pointers at the intranet host (alt-svc, content-location). `location` is
 * handled by the redirect rule.
 */
const DROPPED_RESPONSE_HEADERS = new Set([
  ...HOP_BY_HOP,
  'set-cookie',
  'set-cookie2',
  'server',
  'x-powered-by',
  'x-aspnet-version',
  'x-aspnetmvc-version',
  'alt-svc',
  'content-location',
  'www-authenticate',
  // Only the agent's own error replies name a code to the relay.
  ERROR_CODE_HEADER,
]);

/** Headers an administrator may not inject: they would break or smuggle the framing. */
export const FORBIDDEN_INJECTED_HEADERS = new Set([
  ...HOP_BY_HOP,
  'host',
  'content-length',
  'expect',
]);

/** Names listed in a Connection header are hop-by-hop for that message too. */
function connectionListed(value: string | string[] | undefined): Set<string> {
  const text = Array.isArray(value) ? value.join(',') : (value ?? '');
  return new Set(
    text
      .split(',')
      .map((name) => name.trim().toLowerCase())
      .filter(Boolean),
  );
}

/**
 * The headers sent upstream: the caller's minus the dropped ones, then the request id, then
 * the administrator's injected headers, which replace any caller header of the same name.
 */
export function upstreamRequestHeaders(
  caller: HeaderMap,
  inject: Record<string, string>,
  requestId: string,
): OutgoingHttpHeaders {
  const listed = connectionListed(caller.connection ?? caller.Connection);
  const injected = new Set(Object.keys(inject).map((name) => name.toLowerCase()));
  const headers: OutgoingHttpHeaders = {};
  for (const [rawName, value] of Object.entries(caller)) {
    const name = rawName.toLowerCase();
    if (DROPPED_REQUEST_HEADERS.has(name) || listed.has(name) || injected.has(name)) continue;
    headers[name] = value;
  }
  headers['x-request-id'] = requestId;
  for (const [name, value] of Object.entries(inject)) headers[name.toLowerCase()] = value;
  return headers;
}

/** The upstream response headers a caller may see. */
export function callerResponseHeaders(upstream: IncomingHttpHeaders): HeaderMap {
  const listed = connectionListed(upstream.connection);
  const headers: HeaderMap = {};
  for (const [name, value] of Object.entries(upstream)) {
    if (value === undefined || DROPPED_RESPONSE_HEADERS.has(name) || listed.has(name)) continue;
    if (name === 'location') continue;
    headers[name] = value;
  }
  return headers;
}
