import { FrameFlag, FrameType } from './frame-type';
import {
  decodeFrame,
  encodeDataFrame,
  encodeEndFrame,
  encodeFrame,
  encodeWindowFrame,
} from './frame-codec';
import { DEFAULT_MAX_FRAME_SIZE, FRAME_HEADER_SIZE, MAX_WINDOW_SIZE } from './protocol-limits';
import { ProtocolError, ProtocolErrorCode } from './protocol-error';
import { CloseCode } from './close-code';
import { PROTOCOL_VERSION } from './protocol-version';
import { ResetCode } from './reset-code';
import type { Frame, HelloPayload, OpenPayload } from './frame.types';

const options = { maxFrameSize: DEFAULT_MAX_FRAME_SIZE };
const decode = (buf: Buffer): Frame => decodeFrame(buf, options);

const catalog = [
  { name: 'crm', type: 'http' as const, description: 'CRM – façade', operations: ['GET', 'POST'] },
  { name: 'warehouse.db', type: 'postgres' as const, operations: ['query'] },
];

const openPayload: OpenPayload = {
  requestId: 'req-1',
  datasource: 'crm',
  method: 'GET',
  path: '/customers/42',
  query: 'expand=orders&x=%20',
  headers: { accept: 'application/json', 'x-multi': ['a', 'b'], 'x-empty': '' },
  principal: { type: 'apiKey', id: 'k_123', name: 'Zoë’s key' },
  timeoutMs: 30_000,
  hasBody: false,
};

const helloPayload: HelloPayload = {
  protocolVersion: PROTOCOL_VERSION,
  agentVersion: '1.2.3',
  capabilities: ['catalog-updates'],
  catalog,
};

const frames: Frame[] = [
  { type: FrameType.HELLO, streamId: 0, payload: helloPayload },
  {
    type: FrameType.HELLO_ACK,
    streamId: 0,
    payload: {
      protocolVersion: PROTOCOL_VERSION,
      sessionId: 's-1',
      heartbeatIntervalMs: 15_000,
      maxConcurrentStreams: 256,
      initialWindow: 262_144,
      maxFrameSize: 1_048_576,
    },
  },
  { type: FrameType.CATALOG, streamId: 0, payload: { catalog: [] } },
  { type: FrameType.OPEN, streamId: 1, payload: openPayload },
  { type: FrameType.OPEN, streamId: 0xffffffff, payload: { ...openPayload, hasBody: true } },
  {
    type: FrameType.RESPONSE,
    streamId: 7,
    endStream: false,
    payload: { status: 200, headers: { 'content-type': 'text/plain' } },
  },
  { type: FrameType.RESPONSE, streamId: 7, endStream: true, payload: { status: 204, headers: {} } },
  { type: FrameType.DATA, streamId: 7, endStream: false, payload: Buffer.from('hello') },
  { type: FrameType.DATA, streamId: 0xffffffff, endStream: true, payload: Buffer.alloc(0) },
  { type: FrameType.END, streamId: 7 },
  {
    type: FrameType.RESET,
    streamId: 7,
    payload: { code: ResetCode.UPSTREAM_ERROR, message: 'connect ECONNREFUSED', status: 502 },
  },
  { type: FrameType.RESET, streamId: 7, payload: { code: ResetCode.CANCELLED, message: '' } },
  { type: FrameType.WINDOW, streamId: 7, increment: 1 },
  { type: FrameType.WINDOW, streamId: 0xffffffff, increment: MAX_WINDOW_SIZE },
  { type: FrameType.GOAWAY, streamId: 0, payload: { code: 'DRAIN', message: 'deploying' } },
  { type: FrameType.PING, streamId: 0, payload: Buffer.from([0, 1, 2, 3, 4, 5, 6, 255]) },
  { type: FrameType.PONG, streamId: 0, payload: Buffer.alloc(8, 0xab) },
];

/** Builds a raw frame so tests can produce bytes the encoder would refuse to write. */
function rawFrame(type: number, streamId: number, payload: string | Buffer, flags = 0): Buffer {
  const body = typeof payload === 'string' ? Buffer.from(payload) : payload;
  const header = Buffer.alloc(FRAME_HEADER_SIZE);
  header[0] = type;
  header[1] = flags;
  header.writeUInt32BE(streamId, 2);
  return Buffer.concat([header, body]);
}

function expectProtocolError(run: () => unknown, code: ProtocolErrorCode = 'PROTOCOL_ERROR') {
  let caught: unknown;
  try {
    run();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(ProtocolError);
  expect((caught as ProtocolError).code).toBe(code);
  return caught as ProtocolError;
}

describe('frame codec round trip', () => {
  it.each(frames.map((frame) => [FrameType[frame.type], frame] as const))(
    '%s survives encode then decode',
    (_name, frame) => {
      expect(decode(encodeFrame(frame))).toEqual(frame);
    },
  );

  it('covers every frame type', () => {
    const covered = new Set(frames.map((frame) => frame.type));
    const all = Object.values(FrameType).filter((value) => typeof value === 'number');
    expect([...covered].sort()).toEqual([...all].sort());
  });

  it('writes the documented header layout', () => {
    const buf = encodeDataFrame(0x01020304, Buffer.from([9]), true);
    expect([...buf]).toEqual([FrameType.DATA, FrameFlag.END_STREAM, 1, 2, 3, 4, 9]);
  });

  it('accepts a DATA payload of exactly maxFrameSize and refuses one byte more', () => {
    const max = Buffer.alloc(DEFAULT_MAX_FRAME_SIZE, 7);
    const decoded = decode(encodeDataFrame(3, max));
    if (decoded.type !== FrameType.DATA) throw new Error('expected DATA');
    // Buffer.equals instead of toEqual: jest compares a 1 MiB buffer byte by byte, for seconds.
    expect(decoded.payload.equals(max)).toBe(true);
    expect(decoded.streamId).toBe(3);

    const error = expectProtocolError(
      () => decode(encodeDataFrame(3, Buffer.alloc(DEFAULT_MAX_FRAME_SIZE + 1))),
      'FRAME_TOO_LARGE',
    );
    expect(error.closeCode).toBe(CloseCode.MESSAGE_TOO_BIG);
  });

  it('decodes DATA as a view over the received message, without copying', () => {
    const buf = encodeDataFrame(5, Buffer.from('abc'));
    const frame = decode(buf);
    if (frame.type !== FrameType.DATA) throw new Error('expected DATA');
    expect(frame.payload.buffer).toBe(buf.buffer);
    expect(frame.payload.byteOffset).toBe(buf.byteOffset + FRAME_HEADER_SIZE);
  });

  it('has dedicated encoders for the hot binary frames', () => {
    expect(decode(encodeEndFrame(4))).toEqual({ type: FrameType.END, streamId: 4 });
    expect(decode(encodeWindowFrame(4, 65_536))).toEqual({
      type: FrameType.WINDOW,
      streamId: 4,
      increment: 65_536,
    });
  });

  it('refuses to encode frames that break header rules', () => {
    expect(() => encodeEndFrame(0)).toThrow(RangeError);
    expect(() => encodeWindowFrame(1, 0)).toThrow(RangeError);
    expect(() => encodeWindowFrame(1, MAX_WINDOW_SIZE + 1)).toThrow(RangeError);
    expect(() => encodeDataFrame(0x1_0000_0000, Buffer.alloc(0))).toThrow(RangeError);
    expect(() => encodeDataFrame(1.5, Buffer.alloc(0))).toThrow(RangeError);
    expect(() => encodeDataFrame(-1, Buffer.alloc(0))).toThrow(RangeError);
    expect(() =>
      encodeFrame({ type: FrameType.PING, streamId: 0, payload: Buffer.alloc(7) }),
    ).toThrow(RangeError);
  });
});

describe('frame decoder rejections', () => {
  const json = (value: unknown) => JSON.stringify(value);
  const response = (status: number, headers: Record<string, unknown> = {}) =>
    rawFrame(FrameType.RESPONSE, 1, json({ status, headers }));

  it.each([
    ['empty message', Buffer.alloc(0)],
    ['short header', Buffer.from([FrameType.DATA, 0, 0, 0, 1])],
    ['unknown type 0', rawFrame(0, 1, '')],
    ['unknown type 13', rawFrame(13, 1, '')],
    ['unknown type 255', rawFrame(255, 0, '')],
    ['DATA on stream 0', rawFrame(FrameType.DATA, 0, 'x')],
    ['END on stream 0', rawFrame(FrameType.END, 0, '')],
    ['WINDOW on stream 0', rawFrame(FrameType.WINDOW, 0, Buffer.from([0, 0, 0, 1]))],
    ['HELLO on stream 1', rawFrame(FrameType.HELLO, 1, json(helloPayload))],
    ['PING on stream 1', rawFrame(FrameType.PING, 1, Buffer.alloc(8))],
    ['unknown flag on DATA', rawFrame(FrameType.DATA, 1, 'x', 0x02)],
    ['END_STREAM flag on END', rawFrame(FrameType.END, 1, '', FrameFlag.END_STREAM)],
    ['END_STREAM flag on OPEN', rawFrame(FrameType.OPEN, 1, json(openPayload), 1)],
    ['END with payload', rawFrame(FrameType.END, 1, 'x')],
    ['WINDOW increment 0', rawFrame(FrameType.WINDOW, 1, Buffer.from([0, 0, 0, 0]))],
    ['WINDOW increment 2^31', rawFrame(FrameType.WINDOW, 1, Buffer.from([0x80, 0, 0, 0]))],
    ['WINDOW of 3 bytes', rawFrame(FrameType.WINDOW, 1, Buffer.from([0, 0, 1]))],
    ['WINDOW of 5 bytes', rawFrame(FrameType.WINDOW, 1, Buffer.from([0, 0, 0, 1, 0]))],
    ['PING of 7 bytes', rawFrame(FrameType.PING, 0, Buffer.alloc(7))],
    ['PONG of 9 bytes', rawFrame(FrameType.PONG, 0, Buffer.alloc(9))],
    ['empty JSON payload', rawFrame(FrameType.OPEN, 1, '')],
    ['bad JSON', rawFrame(FrameType.OPEN, 1, '{"requestId":')],
    ['JSON array', rawFrame(FrameType.RESPONSE, 1, '[]')],
    ['JSON null', rawFrame(FrameType.GOAWAY, 0, 'null')],
    ['invalid UTF-8', rawFrame(FrameType.GOAWAY, 0, Buffer.from([0x7b, 0xff, 0x7d]))],
    ['JSON of the wrong shape', rawFrame(FrameType.OPEN, 1, json({ status: 200, headers: {} }))],
    ['status 99', response(99)],
    ['status 600', response(600)],
    ['status 200.5', response(200.5)],
    ['status as string', rawFrame(FrameType.RESPONSE, 1, json({ status: '200', headers: {} }))],
    ['header value with CR', response(200, { location: 'a\rb' })],
    ['header value with LF', response(200, { location: 'a\nSet-Cookie: x=1' })],
    ['header value with NUL', response(200, { location: 'a\u0000' })],
    ['header value beyond latin1', response(200, { x: 'ſ' })],
    ['header value in an array with CRLF', response(200, { x: ['ok', 'a\r\nb'] })],
    ['empty header value array', response(200, { x: [] })],
    ['header name with space', response(200, { 'bad name': 'v' })],
    ['header name with colon', response(200, { 'x:y': 'v' })],
    ['numeric header value', response(200, { 'content-length': 5 })],
    [
      '__proto__ header name',
      rawFrame(FrameType.RESPONSE, 1, '{"status":200,"headers":{"__proto__":["x"]}}'),
    ],
    ['header name of 257 chars', response(200, { ['x'.repeat(257)]: 'v' })],
    ['201 header values', response(200, { x: Array.from({ length: 201 }, () => 'v') })],
    ['reset code unknown', rawFrame(FrameType.RESET, 1, json({ code: 'NOPE', message: '' }))],
  ])('rejects %s', (_name, buf) => {
    const error = expectProtocolError(() => decode(buf));
    expect(error.closeCode).toBe(CloseCode.PROTOCOL_ERROR);
  });

  it('applies the maxFrameSize option to the payload, header excluded', () => {
    const buf = rawFrame(FrameType.DATA, 1, Buffer.alloc(100));
    expect(decodeFrame(buf, { maxFrameSize: 100 }).type).toBe(FrameType.DATA);
    expectProtocolError(() => decodeFrame(buf, { maxFrameSize: 99 }), 'FRAME_TOO_LARGE');
  });

  it('tags payload errors with their stream so one call can be reset alone', () => {
    const error = expectProtocolError(() => decode(response(600)));
    expect(error.streamId).toBe(1);
    expect(error.message).toMatch(/^RESPONSE status/);
  });

  it('leaves connection-level errors untagged', () => {
    expect(expectProtocolError(() => decode(rawFrame(FrameType.DATA, 0, 'x'))).streamId).toBe(
      undefined,
    );
    const hello = rawFrame(FrameType.HELLO, 0, json({ protocolVersion: 1 }));
    expect(expectProtocolError(() => decode(hello)).streamId).toBe(undefined);
  });

  it('reports a HELLO from another protocol version as INCOMPATIBLE_VERSION', () => {
    const hello = rawFrame(FrameType.HELLO, 0, json({ protocolVersion: PROTOCOL_VERSION + 1 }));
    const error = expectProtocolError(() => decode(hello), 'INCOMPATIBLE_VERSION');
    expect(error.closeCode).toBe(CloseCode.INCOMPATIBLE_VERSION);
  });

  it('converts non-Buffer input into a ProtocolError', () => {
    expectProtocolError(() => decodeFrame('text' as unknown as Buffer, options));
    expectProtocolError(() => decodeFrame(new Uint8Array(8) as unknown as Buffer, options));
  });

  it('drops unknown JSON fields sent by newer peers', () => {
    const buf = rawFrame(FrameType.GOAWAY, 0, json({ code: 'DRAIN', message: 'm', extra: 1 }));
    expect(decode(buf)).toEqual({
      type: FrameType.GOAWAY,
      streamId: 0,
      payload: { code: 'DRAIN', message: 'm' },
    });
  });
});
