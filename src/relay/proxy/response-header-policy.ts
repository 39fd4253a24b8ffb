import { ERROR_CODE_HEADER, type HttpHeaders } from '../../shared/protocol';
import { endToEndHeaders } from '../../shared/tunnel/hop-by-hop-headers';

/**
 * Headers an agent may not send to a caller, whatever its upstream said. The caller sees the
 * answer on the relay's origin, so anything that would set state there, or frame the bytes
 * on the caller's connection, is the relay's to decide.
 */
const RELAY_OWNED = new Set([
  // Framing: the relay declares a length only after checking it (see ResponseFraming).
  'content-length',
  'transfer-encoding',
  // State on the relay's origin.
  'set-cookie',
  'set-cookie2',
  'clear-site-data',
  'strict-transport-security',
  'alt-svc',
  'public-key-pins',
  'public-key-pins-report-only',
  'expect-ct',
  'nel',
  'report-to',
  'reporting-endpoints',
  'origin-agent-cluster',
  'service-worker-allowed',
  // A browser would ask for credentials for the relay's origin; the relay never forwards them.
  'www-authenticate',
  // The relay's own request id, set after the policy runs.
  'x-request-id',
  // The agent's error code, for the relay's records; the caller has it in the body.
  ERROR_CODE_HEADER,
]);

/** Cross-origin access to the relay is the relay's decision, never one agent's. */
const RELAY_OWNED_PREFIXES = ['access-control-'];

const DIGITS = /^[0-9]{1,15}$/;

/** What the relay sends a caller in place of the agent's response head. */
export interface CallerHead {
  headers: HttpHeaders;
  /** No body goes to the caller (HEAD, 204, 304): DATA from the agent is dropped. */
  bodyless: boolean;
  /** The body length the relay declares and then enforces; undefined: chunked. */
  declaredLength?: number;
}

/**
 * The relay's response-header policy, in one place: hop-by-hop headers (and those named in
 * `Connection`), framing headers and headers acting on the relay's origin are dropped;
 * invalid names and values never get through. A `Content-Length` is kept only when it is one
 * valid number, and only where the answer may carry it.
 */
export function callerHead(agentHeaders: HttpHeaders, status: number, isHead: boolean): CallerHead {
  const bodyless = isHead || status === 204 || status === 304;
  const headers = endToEndHeaders(agentHeaders, RELAY_OWNED);
  for (const name of Object.keys(headers)) {
    if (RELAY_OWNED_PREFIXES.some((prefix) => name.startsWith(prefix))) delete headers[name];
  }
  // 204 carries no length at all (RFC 9110 8.6); HEAD and 304 carry the representation's.
  const length = status === 204 ? undefined : contentLength(agentHeaders);
  if (length === undefined) return { headers, bodyless };
  headers['content-length'] = String(length);
  return bodyless ? { headers, bodyless } : { headers, bodyless, declaredLength: length };
}

/**
 * The single length all `Content-Length` fields agree on (a list of equal values counts as
 * one, as RFC 9112 6.3 allows), or undefined when absent, malformed or conflicting.
 */
function contentLength(headers: HttpHeaders): number | undefined {
  const values: string[] = [];
  for (const [name, value] of Object.entries(headers)) {
    if (name.toLowerCase() !== 'content-length') continue;
    for (const field of Array.isArray(value) ? value : [value]) values.push(...field.split(','));
  }
  const distinct = new Set(values.map((value) => value.trim()));
  if (distinct.size !== 1) return undefined;
  const [only] = distinct;
  return DIGITS.test(only) ? Number(only) : undefined;
}
