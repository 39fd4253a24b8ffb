import type { Readable } from 'node:stream';

/**
 * One call the tunnel hands to the agent (an OPEN frame and its body). The agent answers
 * with a DatasourceReply; `DatasourceDispatcher.dispatch` never throws.
 */
export interface DatasourceCall {
  /** The relay's request id, recorded in the data log for correlation. */
  requestId: string;
  datasource: string;
  method: string;
  /** Raw (still percent-encoded) path after /:datasource, starting with '/'. */
  path: string;
  /** Raw query string without '?', '' when absent. */
  query: string;
  headers: Record<string, string | string[]>;
  /** The caller as asserted by the relay. */
  principal: { type: 'user' | 'apiKey'; id: string; name: string };
  /** Request body; null when the request has none. */
  body: Readable | null;
  /**
   * Aborted on caller disconnect or deadline: upstream work stops at once. A reason that is a
   * `TimeoutError` DOMException (as from AbortSignal.timeout) or carries
   * `code: 'DEADLINE_EXCEEDED'` is logged as a deadline; any other reason as CANCELLED.
   */
  signal: AbortSignal;
}

/**
 * The answer head and body. The body streams (backpressure is the consumer's reads) and is
 * null when there is none (HEAD, 204, 304). Error answers carry the JSON shape
 * `{statusCode, code, message, requestId, details?}`. Destroying the body stops the work
 * behind it (upstream request, database cursor, file read).
 */
export interface DatasourceReply {
  status: number;
  headers: Record<string, string | string[]>;
  body: Readable | null;
  /**
   * Set by the dispatcher: whoever delivers the reply calls it once, with the body bytes it
   * sent and the error that stopped it, if any (a body never read counts as failed).
   */
  delivered?: (bytesOut: number, error?: Error) => void;
}
