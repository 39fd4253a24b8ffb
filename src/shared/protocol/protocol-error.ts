import { CloseCode } from './close-code';

export const ProtocolErrorCode = {
  PROTOCOL_ERROR: 'PROTOCOL_ERROR',
  FRAME_TOO_LARGE: 'FRAME_TOO_LARGE',
  FLOW_CONTROL_ERROR: 'FLOW_CONTROL_ERROR',
  INCOMPATIBLE_VERSION: 'INCOMPATIBLE_VERSION',
  FRAME_RATE_EXCEEDED: 'FRAME_RATE_EXCEEDED',
} as const;

export type ProtocolErrorCode = (typeof ProtocolErrorCode)[keyof typeof ProtocolErrorCode];

const CLOSE_CODE_BY_ERROR: Record<ProtocolErrorCode, CloseCode> = {
  PROTOCOL_ERROR: CloseCode.PROTOCOL_ERROR,
  FRAME_TOO_LARGE: CloseCode.MESSAGE_TOO_BIG,
  FLOW_CONTROL_ERROR: CloseCode.PROTOCOL_ERROR,
  INCOMPATIBLE_VERSION: CloseCode.INCOMPATIBLE_VERSION,
  FRAME_RATE_EXCEEDED: CloseCode.POLICY_VIOLATION,
};

export interface ProtocolErrorOptions {
  /**
   * Set when the header parsed fine and only one stream's payload is bad: the receiver may
   * RESET that stream (code PROTOCOL_ERROR) instead of closing the whole tunnel.
   */
  streamId?: number;
  cause?: unknown;
}

/** The only error type the decoder and flow-control windows throw for peer misbehaviour. */
export class ProtocolError extends Error {
  override readonly name = 'ProtocolError';
  /** WebSocket close code to use when the error is treated as connection-fatal. */
  readonly closeCode: CloseCode;
  readonly streamId: number | undefined;

  constructor(
    readonly code: ProtocolErrorCode,
    message: string,
    options: ProtocolErrorOptions = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.closeCode = CLOSE_CODE_BY_ERROR[code];
    this.streamId = options.streamId;
  }
}
