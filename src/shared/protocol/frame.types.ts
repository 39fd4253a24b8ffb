import { FrameType } from './frame-type';
import { ResetCode } from './reset-code';

export type DatasourceType = 'http' | 'postgres' | 'file';
export type HttpHeaders = Record<string, string | string[]>;

export interface DatasourceCatalogEntry {
  name: string;
  type: DatasourceType;
  description?: string;
  operations: string[];
}

/** agent -> relay, first frame on the socket. */
export interface HelloPayload {
  protocolVersion: number;
  agentVersion: string;
  capabilities: string[];
  catalog: DatasourceCatalogEntry[];
}

/** relay -> agent, answer to HELLO; the values apply to the whole session. */
export interface HelloAckPayload {
  protocolVersion: number;
  sessionId: string;
  heartbeatIntervalMs: number;
  maxConcurrentStreams: number;
  /** Initial per-stream window, both directions. */
  initialWindow: number;
  /** Largest frame payload (header excluded) either side may send. */
  maxFrameSize: number;
}

/** agent -> relay, replaces the whole catalog announced in HELLO. */
export interface CatalogPayload {
  catalog: DatasourceCatalogEntry[];
}

export interface Principal {
  type: 'user' | 'apiKey';
  id: string;
  name: string;
}

/** relay -> agent, opens a stream. */
export interface OpenPayload {
  requestId: string;
  datasource: string;
  method: string;
  /** Raw (still percent-encoded) path inside the datasource, starting with '/'. */
  path: string;
  /** Raw query string without the leading '?', '' when absent. */
  query: string;
  headers: HttpHeaders;
  principal: Principal;
  /**
   * Milliseconds the agent has, counted from when it receives OPEN. Relative rather than an
   * absolute deadline so relay and agent clocks never need to agree.
   */
  timeoutMs: number;
  /** false: the request direction is already complete; no DATA/END follow from the relay. */
  hasBody: boolean;
}

/** agent -> relay, response head. */
export interface ResponsePayload {
  status: number;
  headers: HttpHeaders;
}

export interface ResetPayload {
  code: ResetCode;
  message: string;
  /** HTTP status the relay should answer with, overriding its mapping of `code`. */
  status?: number;
}

export interface GoAwayPayload {
  code: string;
  message: string;
}

export interface HelloFrame {
  type: FrameType.HELLO;
  streamId: 0;
  payload: HelloPayload;
}

export interface HelloAckFrame {
  type: FrameType.HELLO_ACK;
  streamId: 0;
  payload: HelloAckPayload;
}

export interface CatalogFrame {
  type: FrameType.CATALOG;
  streamId: 0;
  payload: CatalogPayload;
}

export interface OpenFrame {
  type: FrameType.OPEN;
  streamId: number;
  payload: OpenPayload;
}

export interface ResponseFrame {
  type: FrameType.RESPONSE;
  streamId: number;
  /** No body follows (e.g. 204, 304, HEAD). */
  endStream: boolean;
  payload: ResponsePayload;
}

export interface DataFrame {
  type: FrameType.DATA;
  streamId: number;
  endStream: boolean;
  /** When decoded: a view into the received message, valid as long as you keep it. */
  payload: Buffer;
}

export interface EndFrame {
  type: FrameType.END;
  streamId: number;
}

export interface ResetFrame {
  type: FrameType.RESET;
  streamId: number;
  payload: ResetPayload;
}

export interface WindowFrame {
  type: FrameType.WINDOW;
  streamId: number;
  /** Credit added to the stream's send window, 1..MAX_WINDOW_SIZE. */
  increment: number;
}

export interface GoAwayFrame {
  type: FrameType.GOAWAY;
  streamId: 0;
  payload: GoAwayPayload;
}

export interface PingFrame {
  type: FrameType.PING;
  streamId: 0;
  /** Exactly 8 opaque bytes, echoed back in PONG. */
  payload: Buffer;
}

export interface PongFrame {
  type: FrameType.PONG;
  streamId: 0;
  payload: Buffer;
}

export type Frame =
  | HelloFrame
  | HelloAckFrame
  | CatalogFrame
  | OpenFrame
  | ResponseFrame
  | DataFrame
  | EndFrame
  | ResetFrame
  | WindowFrame
  | GoAwayFrame
  | PingFrame
  | PongFrame;
