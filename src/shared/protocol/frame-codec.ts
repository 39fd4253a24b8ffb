import { isUtf8 } from 'node:buffer';
import { FrameFlag, FrameType } from './frame-type';
import { FRAME_HEADER_SIZE, MAX_WINDOW_SIZE } from './protocol-limits';
import { ProtocolError, ProtocolErrorCode } from './protocol-error';
import { fail } from './payload-schema';
import {
  validateCatalog,
  validateGoAway,
  validateHello,
  validateHelloAck,
  validateOpen,
  validateReset,
  validateResponse,
} from './payload-validators';
import type { DataFrame, Frame, ResponseFrame } from './frame.types';

/*
 * Layout: [type u8][flags u8][stream id u32 BE][payload...]. There is no length field because a
 * WebSocket message already delimits exactly one frame.
 */

export interface DecodeOptions {
  /** Largest payload (header excluded) accepted; larger frames fail with FRAME_TOO_LARGE. */
  maxFrameSize: number;
}

interface FrameRule {
  /** true: must use stream 0; false: must use a non-zero stream. */
  connectionLevel: boolean;
  allowedFlags: number;
}

const CONNECTION: FrameRule = { connectionLevel: true, allowedFlags: 0 };
const STREAM: FrameRule = { connectionLevel: false, allowedFlags: 0 };
const STREAM_ENDABLE: FrameRule = { connectionLevel: false, allowedFlags: FrameFlag.END_STREAM };

/** Indexed by the type byte; a hole means "unknown type". */
const FRAME_RULES: ReadonlyArray<FrameRule | undefined> = (() => {
  const rules = new Array<FrameRule | undefined>(256).fill(undefined);
  rules[FrameType.HELLO] = CONNECTION;
  rules[FrameType.HELLO_ACK] = CONNECTION;
  rules[FrameType.CATALOG] = CONNECTION;
  rules[FrameType.GOAWAY] = CONNECTION;
  rules[FrameType.PING] = CONNECTION;
  rules[FrameType.PONG] = CONNECTION;
  rules[FrameType.OPEN] = STREAM;
  rules[FrameType.END] = STREAM;
  rules[FrameType.RESET] = STREAM;
  rules[FrameType.WINDOW] = STREAM;
  rules[FrameType.RESPONSE] = STREAM_ENDABLE;
  rules[FrameType.DATA] = STREAM_ENDABLE;
  return rules;
})();

const PING_PAYLOAD_SIZE = 8;
const WINDOW_PAYLOAD_SIZE = 4;

// ---------------------------------------------------------------------------------------------
// Encoding. Payload shapes are not re-validated here (the receiver does it); only the header
// invariants are checked, because violating them would kill the whole connection.
// ---------------------------------------------------------------------------------------------

export function encodeFrame(frame: Frame): Buffer {
  switch (frame.type) {
    case FrameType.DATA:
      return encodeDataFrame(frame.streamId, frame.payload, frame.endStream);
    case FrameType.END:
      return encodeEndFrame(frame.streamId);
    case FrameType.WINDOW:
      return encodeWindowFrame(frame.streamId, frame.increment);
    case FrameType.PING:
    case FrameType.PONG:
      return encodePing(frame.type, frame.payload);
    case FrameType.RESPONSE:
      return encodeJson(frame.type, endStreamFlag(frame.endStream), frame.streamId, frame.payload);
    default:
      return encodeJson(frame.type, 0, frame.streamId, frame.payload);
  }
}

/**
 * A DATA frame as one Buffer: one allocation and one copy of the payload. Body chunks on a
 * live connection skip this: `FrameSocket.sendData` writes them onto the socket without
 * copying (websocket-data-frame.ts).
 */
export function encodeDataFrame(streamId: number, payload: Uint8Array, endStream = false): Buffer {
  const frame = Buffer.allocUnsafe(FRAME_HEADER_SIZE + payload.length);
  writeHeader(frame, FrameType.DATA, endStreamFlag(endStream), streamId);
  frame.set(payload, FRAME_HEADER_SIZE);
  return frame;
}

export function encodeEndFrame(streamId: number): Buffer {
  const frame = Buffer.allocUnsafe(FRAME_HEADER_SIZE);
  writeHeader(frame, FrameType.END, 0, streamId);
  return frame;
}

export function encodeWindowFrame(streamId: number, increment: number): Buffer {
  if (!Number.isInteger(increment) || increment < 1 || increment > MAX_WINDOW_SIZE) {
    throw new RangeError(`WINDOW increment must be in 1..${MAX_WINDOW_SIZE}`);
  }
  const frame = Buffer.allocUnsafe(FRAME_HEADER_SIZE + WINDOW_PAYLOAD_SIZE);
  writeHeader(frame, FrameType.WINDOW, 0, streamId);
  frame.writeUInt32BE(increment, FRAME_HEADER_SIZE);
  return frame;
}

function encodePing(type: FrameType.PING | FrameType.PONG, payload: Uint8Array): Buffer {
  if (payload.length !== PING_PAYLOAD_SIZE) {
    throw new RangeError(`${FrameType[type]} payload must be ${PING_PAYLOAD_SIZE} bytes`);
  }
  const frame = Buffer.allocUnsafe(FRAME_HEADER_SIZE + PING_PAYLOAD_SIZE);
  writeHeader(frame, type, 0, 0);
  frame.set(payload, FRAME_HEADER_SIZE);
  return frame;
}

/** Measures then writes the UTF-8 in place: one allocation, no intermediate Buffer. */
function encodeJson(type: FrameType, flags: number, streamId: number, payload: object): Buffer {
  const json = JSON.stringify(payload);
  const length = Buffer.byteLength(json, 'utf8');
  const frame = Buffer.allocUnsafe(FRAME_HEADER_SIZE + length);
  writeHeader(frame, type, flags, streamId);
  frame.write(json, FRAME_HEADER_SIZE, length, 'utf8');
  return frame;
}

/** Writes a DATA header at `offset`, for writers that place the payload themselves. */
export function writeDataHeader(target: Buffer, offset: number, streamId: number): void {
  writeHeader(target, FrameType.DATA, 0, streamId, offset);
}

function writeHeader(
  frame: Buffer,
  type: FrameType,
  flags: number,
  streamId: number,
  offset = 0,
): void {
  // `>>> 0` round-trips only for integers in 0..2^32-1.
  if (streamId >>> 0 !== streamId) throw new RangeError(`invalid stream id ${streamId}`);
  // FRAME_RULES always has an entry for a FrameType value.
  if (FRAME_RULES[type]!.connectionLevel !== (streamId === 0)) {
    throw new RangeError(`${FrameType[type]} cannot use stream ${streamId}`);
  }
  frame[offset] = type;
  frame[offset + 1] = flags;
  frame.writeUInt32BE(streamId, offset + 2);
}

function endStreamFlag(endStream: boolean): number {
  return endStream ? FrameFlag.END_STREAM : 0;
}

// ---------------------------------------------------------------------------------------------
// Decoding. Input comes from the network: every byte is checked, and any failure surfaces as
// ProtocolError so the socket handler can map it straight to a close code or a RESET.
// ---------------------------------------------------------------------------------------------

export function decodeFrame(buf: Buffer, options: DecodeOptions): Frame {
  try {
    return decodeUnchecked(buf, options.maxFrameSize);
  } catch (error) {
    throw toProtocolError(error);
  }
}

function decodeUnchecked(buf: Buffer, maxFrameSize: number): Frame {
  if (!Buffer.isBuffer(buf)) fail('frame must be a binary message');
  if (buf.length < FRAME_HEADER_SIZE)
    fail(`frame shorter than the ${FRAME_HEADER_SIZE}-byte header`);
  const payloadLength = buf.length - FRAME_HEADER_SIZE;
  if (payloadLength > maxFrameSize) {
    throw new ProtocolError(
      ProtocolErrorCode.FRAME_TOO_LARGE,
      `frame payload of ${payloadLength} bytes exceeds ${maxFrameSize}`,
    );
  }
  const type: number = buf[0];
  const flags = buf[1];
  const streamId = buf.readUInt32BE(2);
  checkHeader(type, flags, streamId);
  return decodePayload(buf, type, flags, streamId);
}

function checkHeader(type: number, flags: number, streamId: number): void {
  const rule = FRAME_RULES[type];
  if (rule === undefined) fail(`unknown frame type ${type}`);
  if ((flags & ~rule.allowedFlags) !== 0) fail(`${FrameType[type]} does not allow flags ${flags}`);
  if (rule.connectionLevel !== (streamId === 0)) {
    fail(`${FrameType[type]} cannot use stream ${streamId}`);
  }
}

function decodePayload(buf: Buffer, type: FrameType, flags: number, streamId: number): Frame {
  switch (type) {
    case FrameType.DATA:
      return decodeData(buf, flags, streamId);
    case FrameType.END:
      if (buf.length !== FRAME_HEADER_SIZE) fail('END must have an empty payload');
      return { type, streamId };
    case FrameType.WINDOW:
      return { type, streamId, increment: decodeWindowIncrement(buf) };
    case FrameType.PING:
    case FrameType.PONG:
      if (buf.length !== FRAME_HEADER_SIZE + PING_PAYLOAD_SIZE) {
        fail(`${FrameType[type]} payload must be ${PING_PAYLOAD_SIZE} bytes`);
      }
      return { type, streamId: 0, payload: buf.subarray(FRAME_HEADER_SIZE) };
    case FrameType.RESPONSE:
      return decodeResponse(buf, flags, streamId);
    case FrameType.OPEN:
      return { type, streamId, payload: decodeJson(buf, type, streamId, validateOpen) };
    case FrameType.RESET:
      return { type, streamId, payload: decodeJson(buf, type, streamId, validateReset) };
    case FrameType.HELLO:
      return { type, streamId: 0, payload: decodeJson(buf, type, 0, validateHello) };
    case FrameType.HELLO_ACK:
      return { type, streamId: 0, payload: decodeJson(buf, type, 0, validateHelloAck) };
    case FrameType.CATALOG:
      return { type, streamId: 0, payload: decodeJson(buf, type, 0, validateCatalog) };
    case FrameType.GOAWAY:
      return { type, streamId: 0, payload: decodeJson(buf, type, 0, validateGoAway) };
  }
}

/** The payload is a view into the received message: no copy on the streaming path. */
function decodeData(buf: Buffer, flags: number, streamId: number): DataFrame {
  return {
    type: FrameType.DATA,
    streamId,
    endStream: (flags & FrameFlag.END_STREAM) !== 0,
    payload: buf.subarray(FRAME_HEADER_SIZE),
  };
}

function decodeResponse(buf: Buffer, flags: number, streamId: number): ResponseFrame {
  return {
    type: FrameType.RESPONSE,
    streamId,
    endStream: (flags & FrameFlag.END_STREAM) !== 0,
    payload: decodeJson(buf, FrameType.RESPONSE, streamId, validateResponse),
  };
}

function decodeWindowIncrement(buf: Buffer): number {
  if (buf.length !== FRAME_HEADER_SIZE + WINDOW_PAYLOAD_SIZE) {
    fail(`WINDOW payload must be ${WINDOW_PAYLOAD_SIZE} bytes`);
  }
  const increment = buf.readUInt32BE(FRAME_HEADER_SIZE);
  if (increment < 1 || increment > MAX_WINDOW_SIZE) {
    fail(`WINDOW increment must be in 1..${MAX_WINDOW_SIZE}`);
  }
  return increment;
}

/**
 * Payload errors on a non-zero stream are tagged with that stream so the receiver can choose to
 * RESET just that stream instead of dropping every call sharing the tunnel.
 */
function decodeJson<T>(
  buf: Buffer,
  type: FrameType,
  streamId: number,
  validate: (value: unknown) => T,
): T {
  try {
    return validate(parseJson(buf));
  } catch (error) {
    const cause = toProtocolError(error);
    throw new ProtocolError(cause.code, `${FrameType[type]} ${cause.message}`, {
      streamId: streamId === 0 ? undefined : streamId,
      cause,
    });
  }
}

function parseJson(buf: Buffer): unknown {
  // toString() would silently turn invalid UTF-8 into U+FFFD; refuse it instead.
  if (!isUtf8(buf.subarray(FRAME_HEADER_SIZE))) fail('payload is not valid UTF-8');
  try {
    return JSON.parse(buf.toString('utf8', FRAME_HEADER_SIZE));
  } catch {
    return fail('payload is not valid JSON');
  }
}

function toProtocolError(error: unknown): ProtocolError {
  if (error instanceof ProtocolError) return error;
  return new ProtocolError(ProtocolErrorCode.PROTOCOL_ERROR, 'malformed frame', { cause: error });
}
