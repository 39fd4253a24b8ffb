import {
  validateCatalog,
  validateGoAway,
  validateHello,
  validateHelloAck,
  validateOpen,
  validateReset,
  validateResponse,
} from './payload-validators';
import { ProtocolError } from './protocol-error';
import { PROTOCOL_VERSION } from './protocol-version';

const validOpen = {
  requestId: 'r1',
  datasource: 'crm',
  method: 'PATCH',
  path: '/a/b%20c',
  query: '',
  headers: {},
  principal: { type: 'user', id: 'u1', name: 'Ada' },
  timeoutMs: 1000,
  hasBody: true,
};

const validHello = {
  protocolVersion: PROTOCOL_VERSION,
  agentVersion: '0.1.0',
  capabilities: ['x'],
  catalog: [{ name: 'files', type: 'file', operations: ['read'] }],
};

const validHelloAck = {
  protocolVersion: PROTOCOL_VERSION,
  sessionId: 's',
  heartbeatIntervalMs: 1000,
  maxConcurrentStreams: 10,
  initialWindow: 65_536,
  maxFrameSize: 65_536,
};

const long = (length: number, char = 'a') => char.repeat(length);

function expectRejected(validate: (value: unknown) => unknown, value: unknown): void {
  expect(() => validate(value)).toThrow(ProtocolError);
}

describe('OPEN payload', () => {
  it('accepts a valid payload and keeps only known fields', () => {
    expect(validateOpen({ ...validOpen, extra: true })).toEqual(validOpen);
  });

  it('accepts fields at their upper bounds', () => {
    const headers = { ['x-many']: Array.from({ length: 200 }, () => long(16 * 1024)) };
    const payload = { ...validOpen, path: '/' + long(8191), query: long(8192), headers };
    expect(validateOpen(payload)).toEqual(payload);
  });

  it.each<[string, Record<string, unknown>]>([
    ['missing requestId', { requestId: undefined }],
    ['empty requestId', { requestId: '' }],
    ['requestId with space', { requestId: 'a b' }],
    ['requestId too long', { requestId: long(129) }],
    ['datasource with slash', { datasource: 'a/b' }],
    ['datasource starting with dot', { datasource: '.hidden' }],
    ['datasource too long', { datasource: long(65) }],
    ['method not a token', { method: 'GE T' }],
    ['empty method', { method: '' }],
    ['method too long', { method: long(33, 'A') }],
    ['path without leading slash', { path: 'a' }],
    ['path with query separator', { path: '/a?b' }],
    ['path with fragment', { path: '/a#b' }],
    ['path with space', { path: '/a b' }],
    ['path with LF', { path: '/a\nb' }],
    ['path beyond 8 KiB', { path: '/' + long(8192) }],
    ['query beyond 8 KiB', { query: long(8193) }],
    ['query with CR', { query: 'a\rb' }],
    ['headers as array', { headers: [] }],
    ['headers as null', { headers: null }],
    ['principal missing', { principal: undefined }],
    ['principal of unknown type', { principal: { type: 'robot', id: 'x', name: 'y' } }],
    ['principal name with control char', { principal: { type: 'user', id: 'x', name: 'a\u0007' } }],
    ['timeoutMs 0', { timeoutMs: 0 }],
    ['timeoutMs fractional', { timeoutMs: 1.5 }],
    ['timeoutMs beyond setTimeout range', { timeoutMs: 2 ** 31 }],
    ['hasBody as string', { hasBody: 'true' }],
  ])('rejects %s', (_name, change) => {
    expectRejected(validateOpen, { ...validOpen, ...change });
  });
});

describe('HELLO and CATALOG payloads', () => {
  it('accepts a valid HELLO', () => {
    expect(validateHello(validHello)).toEqual(validHello);
  });

  it.each<[string, Record<string, unknown>]>([
    ['missing agentVersion', { agentVersion: undefined }],
    ['capabilities not an array', { capabilities: 'x' }],
    ['capability not a string', { capabilities: [1] }],
    ['65 capabilities', { capabilities: Array.from({ length: 65 }, (_, i) => `c${i}`) }],
    ['catalog entry of unknown type', { catalog: [{ name: 'a', type: 'mysql', operations: [] }] }],
    ['catalog entry without operations', { catalog: [{ name: 'a', type: 'http' }] }],
    [
      'catalog entry description not a string',
      { catalog: [{ ...validHello.catalog[0], description: 1 }] },
    ],
    [
      'catalog entry description too long',
      { catalog: [{ ...validHello.catalog[0], description: long(1025) }] },
    ],
    ['duplicate datasource names', { catalog: [validHello.catalog[0], validHello.catalog[0]] }],
  ])('rejects HELLO with %s', (_name, change) => {
    expectRejected(validateHello, { ...validHello, ...change });
  });

  it('checks the version before the rest of the shape', () => {
    expect(() => validateHello({ protocolVersion: 99 })).toThrow(
      expect.objectContaining({ code: 'INCOMPATIBLE_VERSION' }),
    );
  });

  it('validates catalog updates like the HELLO catalog', () => {
    expect(validateCatalog({ catalog: validHello.catalog })).toEqual({
      catalog: validHello.catalog,
    });
    expectRejected(validateCatalog, { catalog: [{ name: '', type: 'http', operations: [] }] });
    expectRejected(validateCatalog, {});
  });
});

describe('HELLO_ACK payload', () => {
  it('accepts a valid payload', () => {
    expect(validateHelloAck(validHelloAck)).toEqual(validHelloAck);
  });

  it.each<[string, Record<string, unknown>]>([
    ['maxFrameSize below 16 KiB', { maxFrameSize: 16_383 }],
    ['maxFrameSize of 16 MiB', { maxFrameSize: 16 * 1024 * 1024 }],
    ['initialWindow 0', { initialWindow: 0 }],
    ['initialWindow above 2^31-1', { initialWindow: 2 ** 31 }],
    ['maxConcurrentStreams 0', { maxConcurrentStreams: 0 }],
    ['heartbeatIntervalMs as string', { heartbeatIntervalMs: '1000' }],
    ['empty sessionId', { sessionId: '' }],
  ])('rejects %s', (_name, change) => {
    expectRejected(validateHelloAck, { ...validHelloAck, ...change });
  });
});

describe('RESPONSE, RESET and GOAWAY payloads', () => {
  it('accepts statuses 100 and 599', () => {
    expect(validateResponse({ status: 100, headers: {} }).status).toBe(100);
    expect(validateResponse({ status: 599, headers: {} }).status).toBe(599);
  });

  it('keeps the optional RESET status only when present', () => {
    expect(validateReset({ code: 'INTERNAL', message: 'x' })).toEqual({
      code: 'INTERNAL',
      message: 'x',
    });
    expect(validateReset({ code: 'INTERNAL', message: 'x', status: 503 }).status).toBe(503);
    expectRejected(validateReset, { code: 'INTERNAL', message: 'x', status: 700 });
    expectRejected(validateReset, { code: 'INTERNAL', message: long(1025) });
  });

  it('requires an UPPER_SNAKE GOAWAY code', () => {
    expect(validateGoAway({ code: 'SERVER_SHUTDOWN', message: '' }).code).toBe('SERVER_SHUTDOWN');
    expectRejected(validateGoAway, { code: 'drain', message: '' });
    expectRejected(validateGoAway, { code: '', message: '' });
    expectRejected(validateGoAway, { code: 'DRAIN' });
  });
});
