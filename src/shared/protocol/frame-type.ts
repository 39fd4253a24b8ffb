/**
 * First byte of every frame. Values are part of the wire format: never renumber, only append
 * (and bump PROTOCOL_VERSION when a peer must understand the new type).
 */
export enum FrameType {
  HELLO = 1,
  HELLO_ACK = 2,
  OPEN = 3,
  RESPONSE = 4,
  DATA = 5,
  END = 6,
  RESET = 7,
  WINDOW = 8,
  GOAWAY = 9,
  PING = 10,
  PONG = 11,
  CATALOG = 12,
}

/** Second byte of every frame; a bit is only legal on the frame types listed in its comment. */
export const FrameFlag = {
  /**
   * RESPONSE, DATA: this frame is the last one of its direction, exactly as if an END frame
   * followed. Saves one WebSocket message per small call, which is a large share of the
   * per-call CPU budget.
   */
  END_STREAM: 0x01,
} as const;
