/** Reasons carried by a RESET frame. The relay maps them to HTTP statuses unless `status` is set. */
export const ResetCode = {
  /** The caller went away (relay side) or the agent aborted its reply. */
  CANCELLED: 'CANCELLED',
  DEADLINE_EXCEEDED: 'DEADLINE_EXCEEDED',
  /** The intranet system behind the datasource failed or was unreachable. */
  UPSTREAM_ERROR: 'UPSTREAM_ERROR',
  DATASOURCE_NOT_FOUND: 'DATASOURCE_NOT_FOUND',
  /** The datasource exists but does not allow the requested operation. */
  OPERATION_NOT_ALLOWED: 'OPERATION_NOT_ALLOWED',
  /** The agent is at maxConcurrentStreams or draining; safe to retry elsewhere / later. */
  REFUSED_STREAM: 'REFUSED_STREAM',
  PROTOCOL_ERROR: 'PROTOCOL_ERROR',
  FLOW_CONTROL_ERROR: 'FLOW_CONTROL_ERROR',
  INTERNAL: 'INTERNAL',
} as const;

export type ResetCode = (typeof ResetCode)[keyof typeof ResetCode];

export const RESET_CODES: ReadonlySet<string> = new Set(Object.values(ResetCode));
