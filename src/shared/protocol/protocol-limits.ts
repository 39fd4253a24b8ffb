const KIB = 1024;
const MIB = 1024 * KIB;

/** type u8 + flags u8 + stream id u32 BE. No length field: a WebSocket message is one frame. */
export const FRAME_HEADER_SIZE = 6;

/**
 * Per-stream credit before any WINDOW frame. Window / RTT bounds one stream's throughput: on a
 * busy 2-core loopback 256 KiB held a stream to ~250 MB/s, 1 MiB lets it reach ~450.
 */
export const DEFAULT_INITIAL_WINDOW = 1 * MIB;
/** Largest DATA payload a sender should emit: big enough to amortise per-message cost. */
export const DEFAULT_CHUNK_SIZE = 64 * KIB;
/** Largest frame payload (header excluded) accepted by default. */
export const DEFAULT_MAX_FRAME_SIZE = 1 * MIB;
/** Use as the `ws` `maxPayload` option so oversize messages are refused before buffering. */
export const DEFAULT_MAX_MESSAGE_SIZE = DEFAULT_MAX_FRAME_SIZE + FRAME_HEADER_SIZE;
export const DEFAULT_HEARTBEAT_INTERVAL_MS = 15_000;
export const DEFAULT_MAX_CONCURRENT_STREAMS = 256;

/**
 * Frames per second a peer may send on one tunnel, any type. Far above what heavy traffic
 * needs (a 64 KiB DATA frame each: 3 GiB/s; the relay serves a few thousand calls a second),
 * low enough that empty frames cannot keep a loop busy for free.
 */
export const DEFAULT_FRAME_RATE = { perSecond: 50_000, burst: 100_000 };
/**
 * Connection-level frames (PING, PONG, CATALOG, GOAWAY, HELLO, and WebSocket pings) per
 * second: a peer sends one PING per heartbeat and a CATALOG per datasource change.
 */
export const DEFAULT_CONTROL_FRAME_RATE = { perSecond: 20, burst: 200 };

/** Same ceiling as HTTP/2: keeps window arithmetic inside a signed 32-bit integer. */
export const MAX_WINDOW_SIZE = 0x7fffffff;
/** Bounds for HELLO_ACK.maxFrameSize (HTTP/2 uses the same range). */
export const MIN_NEGOTIABLE_FRAME_SIZE = 16 * KIB;
export const MAX_NEGOTIABLE_FRAME_SIZE = 16 * MIB - 1;

export const MAX_STREAM_ID = 0xffffffff;

/** Payload field bounds; generous for real HTTP traffic, tight enough to cap parser work. */
export const PayloadLimit = {
  PATH_LENGTH: 8 * KIB,
  QUERY_LENGTH: 8 * KIB,
  HEADER_COUNT: 200,
  HEADER_NAME_LENGTH: 256,
  HEADER_VALUE_LENGTH: 16 * KIB,
  METHOD_LENGTH: 32,
  ID_LENGTH: 128,
  NAME_LENGTH: 256,
  DATASOURCE_NAME_LENGTH: 64,
  DESCRIPTION_LENGTH: 1 * KIB,
  MESSAGE_LENGTH: 1 * KIB,
  CODE_LENGTH: 64,
  VERSION_LENGTH: 64,
  CATALOG_ENTRIES: 1024,
  LIST_ITEMS: 64,
  LIST_ITEM_LENGTH: 64,
  MAX_TIMEOUT_MS: 0x7fffffff,
} as const;
