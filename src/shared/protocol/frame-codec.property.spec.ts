import fc from 'fast-check';
import { FrameType } from './frame-type';
import { decodeFrame, encodeFrame } from './frame-codec';
import { FRAME_HEADER_SIZE, MAX_WINDOW_SIZE } from './protocol-limits';
import { ProtocolError } from './protocol-error';
import { PROTOCOL_VERSION } from './protocol-version';
import { ResetCode } from './reset-code';
import type { DatasourceCatalogEntry, Frame, HttpHeaders } from './frame.types';

const MAX_FRAME_SIZE = 64 * 1024;
const options = { maxFrameSize: MAX_FRAME_SIZE };

const charsIn = (...ranges: Array<[number, number]>): string[] =>
  ranges.flatMap(([from, to]) =>
    Array.from({ length: to - from + 1 }, (_, i) => String.fromCharCode(from + i)),
  );
const stringOf = (chars: string[], minLength: number, maxLength: number) =>
  fc.string({ unit: fc.constantFrom(...chars), minLength, maxLength });

const TOKEN_CHARS = [..."!#$%&'*+-.^_`|~", ...charsIn([0x30, 0x39], [0x41, 0x5a], [0x61, 0x7a])];
const PRINTABLE = charsIn([0x21, 0x7e]);
const HEADER_VALUE_CHARS = ['\t', ...charsIn([0x20, 0x7e], [0x80, 0xff])];
const PATH_CHARS = charsIn([0x21, 0x22], [0x24, 0x3e], [0x40, 0xff]);
const SLUG_HEAD = charsIn([0x30, 0x39], [0x41, 0x5a], [0x61, 0x7a]);

const streamId = fc.integer({ min: 1, max: 0xffffffff });
const identifier = (max: number) => stringOf(PRINTABLE, 1, max);
const token = (max: number) => stringOf(TOKEN_CHARS, 1, max);
const slug = fc
  .tuple(fc.constantFrom(...SLUG_HEAD), stringOf([...SLUG_HEAD, '.', '_', '-'], 0, 20))
  .map(([head, tail]) => head + tail);
// 'binary' units include lone surrogates, which JSON must carry faithfully.
const anyText = fc.string({ unit: 'binary', maxLength: 200 });
// eslint-disable-next-line no-control-regex -- principal names must not contain control chars
const displayText = anyText.filter((text) => !/[\x00-\x1f\x7f]/.test(text));
const headerValue = stringOf(HEADER_VALUE_CHARS, 0, 40);
const headers: fc.Arbitrary<HttpHeaders> = fc.dictionary(
  token(30).filter((name) => name !== '__proto__'),
  fc.oneof(headerValue, fc.array(headerValue, { minLength: 1, maxLength: 4 })),
  { maxKeys: 12, noNullPrototype: true },
);
const status = fc.integer({ min: 100, max: 599 });
const bytes = (min: number, max: number) =>
  fc.uint8Array({ minLength: min, maxLength: max }).map((array) => Buffer.from(array));

const catalogEntry: fc.Arbitrary<DatasourceCatalogEntry> = fc.record(
  {
    name: slug,
    type: fc.constantFrom('http' as const, 'postgres' as const, 'file' as const),
    description: anyText,
    operations: fc.array(identifier(64), { maxLength: 5 }),
  },
  { requiredKeys: ['name', 'type', 'operations'] },
);
const catalog = fc.uniqueArray(catalogEntry, { maxLength: 5, selector: (entry) => entry.name });

const frameArbitraries: Record<FrameType, fc.Arbitrary<Frame>> = {
  [FrameType.HELLO]: fc.record({
    type: fc.constant(FrameType.HELLO),
    streamId: fc.constant(0 as const),
    payload: fc.record({
      protocolVersion: fc.constant(PROTOCOL_VERSION),
      agentVersion: identifier(64),
      capabilities: fc.array(identifier(64), { maxLength: 5 }),
      catalog,
    }),
  }),
  [FrameType.HELLO_ACK]: fc.record({
    type: fc.constant(FrameType.HELLO_ACK),
    streamId: fc.constant(0 as const),
    payload: fc.record({
      protocolVersion: fc.constant(PROTOCOL_VERSION),
      sessionId: identifier(128),
      heartbeatIntervalMs: fc.integer({ min: 1, max: MAX_WINDOW_SIZE }),
      maxConcurrentStreams: fc.integer({ min: 1, max: MAX_WINDOW_SIZE }),
      initialWindow: fc.integer({ min: 1, max: MAX_WINDOW_SIZE }),
      maxFrameSize: fc.integer({ min: 16 * 1024, max: 16 * 1024 * 1024 - 1 }),
    }),
  }),
  [FrameType.CATALOG]: fc.record({
    type: fc.constant(FrameType.CATALOG),
    streamId: fc.constant(0 as const),
    payload: fc.record({ catalog }),
  }),
  [FrameType.OPEN]: fc.record({
    type: fc.constant(FrameType.OPEN),
    streamId,
    payload: fc.record({
      requestId: identifier(128),
      datasource: slug,
      method: token(32),
      path: stringOf(PATH_CHARS, 0, 100).map((rest) => '/' + rest),
      query: stringOf([...PATH_CHARS, '?'], 0, 100),
      headers,
      principal: fc.record({
        type: fc.constantFrom('user' as const, 'apiKey' as const),
        id: identifier(128),
        name: displayText,
      }),
      timeoutMs: fc.integer({ min: 1, max: MAX_WINDOW_SIZE }),
      hasBody: fc.boolean(),
    }),
  }),
  [FrameType.RESPONSE]: fc.record({
    type: fc.constant(FrameType.RESPONSE),
    streamId,
    endStream: fc.boolean(),
    payload: fc.record({ status, headers }),
  }),
  [FrameType.DATA]: fc.record({
    type: fc.constant(FrameType.DATA),
    streamId,
    endStream: fc.boolean(),
    payload: bytes(0, 300),
  }),
  [FrameType.END]: fc.record({ type: fc.constant(FrameType.END), streamId }),
  [FrameType.RESET]: fc.record({
    type: fc.constant(FrameType.RESET),
    streamId,
    payload: fc.record(
      { code: fc.constantFrom(...Object.values(ResetCode)), message: anyText, status },
      { requiredKeys: ['code', 'message'] },
    ),
  }),
  [FrameType.WINDOW]: fc.record({
    type: fc.constant(FrameType.WINDOW),
    streamId,
    increment: fc.integer({ min: 1, max: MAX_WINDOW_SIZE }),
  }),
  [FrameType.GOAWAY]: fc.record({
    type: fc.constant(FrameType.GOAWAY),
    streamId: fc.constant(0 as const),
    payload: fc.record({
      code: fc
        .tuple(
          fc.constantFrom(...charsIn([0x41, 0x5a])),
          stringOf([...charsIn([0x41, 0x5a]), '_'], 0, 20),
        )
        .map(([head, tail]) => head + tail),
      message: anyText,
    }),
  }),
  [FrameType.PING]: fc.record({
    type: fc.constant(FrameType.PING),
    streamId: fc.constant(0 as const),
    payload: bytes(8, 8),
  }),
  [FrameType.PONG]: fc.record({
    type: fc.constant(FrameType.PONG),
    streamId: fc.constant(0 as const),
    payload: bytes(8, 8),
  }),
};

const anyFrame = fc.oneof(...Object.values(frameArbitraries));

/** Decodes, and if that succeeds checks the result is itself a well-formed, stable frame. */
function decodeOrProtocolError(buf: Buffer): void {
  let frame: Frame;
  try {
    frame = decodeFrame(buf, options);
  } catch (error) {
    if (!(error instanceof ProtocolError)) throw error;
    return;
  }
  expect(decodeFrame(encodeFrame(frame), options)).toEqual(frame);
}

describe('frame codec properties', () => {
  it('round-trips every valid frame', () => {
    fc.assert(
      fc.property(anyFrame, (frame) => {
        expect(decodeFrame(encodeFrame(frame), options)).toEqual(frame);
      }),
      { numRuns: 2000 },
    );
  });

  it('turns arbitrary bytes into a valid frame or a ProtocolError, nothing else', () => {
    fc.assert(fc.property(bytes(0, 64), decodeOrProtocolError), { numRuns: 5000 });
  });

  it('does the same for random payloads behind plausible headers', () => {
    const header = fc.tuple(
      fc.integer({ min: 0, max: 14 }),
      fc.integer({ min: 0, max: 3 }),
      fc.constantFrom(0, 1, 0xffffffff),
    );
    const payload = fc.oneof(
      bytes(0, 64),
      fc.json().map((json) => Buffer.from(json)),
    );
    fc.assert(
      fc.property(header, payload, ([type, flags, id], body) => {
        const buf = Buffer.alloc(FRAME_HEADER_SIZE + body.length);
        buf[0] = type;
        buf[1] = flags;
        buf.writeUInt32BE(id, 2);
        body.copy(buf, FRAME_HEADER_SIZE);
        decodeOrProtocolError(buf);
      }),
      { numRuns: 5000 },
    );
  });

  it('rejects every strict prefix, except DATA which just carries fewer bytes', () => {
    fc.assert(
      fc.property(anyFrame, fc.nat(), (frame, seed) => {
        const encoded = encodeFrame(frame);
        const cut = seed % encoded.length;
        const prefix = encoded.subarray(0, cut);
        if (frame.type === FrameType.DATA && cut >= FRAME_HEADER_SIZE) {
          expect(decodeFrame(prefix, options)).toEqual({
            ...frame,
            payload: frame.payload.subarray(0, cut - FRAME_HEADER_SIZE),
          });
        } else {
          expect(() => decodeFrame(prefix, options)).toThrow(ProtocolError);
        }
      }),
      { numRuns: 3000 },
    );
  });

  it('never throws anything but ProtocolError on mutated frames', () => {
    const mutation = fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), {
      minLength: 1,
      maxLength: 4,
    });
    fc.assert(
      fc.property(anyFrame, mutation, (frame, changes) => {
        const buf = Buffer.from(encodeFrame(frame));
        for (const [position, value] of changes) buf[position % buf.length] = value;
        decodeOrProtocolError(buf);
      }),
      { numRuns: 5000 },
    );
  });

  it('refuses any frame whose payload exceeds maxFrameSize', () => {
    fc.assert(
      fc.property(anyFrame, (frame) => {
        const encoded = encodeFrame(frame);
        const limit = encoded.length - FRAME_HEADER_SIZE - 1;
        fc.pre(limit >= 0);
        expect(() => decodeFrame(encoded, { maxFrameSize: limit })).toThrow(
          expect.objectContaining({ code: 'FRAME_TOO_LARGE' }),
        );
      }),
    );
  });
});
