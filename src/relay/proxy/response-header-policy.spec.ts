import { callerHead } from './response-header-policy';

describe('callerHead', () => {
  it('drops hop-by-hop, Connection-named, framing and origin-acting headers', () => {
    const { headers } = callerHead(
      {
        'Content-Type': 'text/plain',
        connection: 'close, X-Private',
        'x-private': 'per-hop',
        'keep-alive': 'timeout=5',
        'transfer-encoding': 'chunked',
        upgrade: 'websocket',
        'Set-Cookie': ['a=1', 'b=2'],
        'set-cookie2': 'c=3',
        'strict-transport-security': 'max-age=1',
        'alt-svc': 'h3=":443"',
        'clear-site-data': '"cookies"',
        'Access-Control-Allow-Origin': '*',
        'access-control-expose-headers': 'x-a',
        'www-authenticate': 'Basic realm="x"',
        'x-request-id': 'from-agent',
        'content-security-policy': "default-src 'none'",
        etag: '"v1"',
      },
      200,
      false,
    );
    expect(headers).toEqual({
      'content-type': 'text/plain',
      'content-security-policy': "default-src 'none'",
      etag: '"v1"',
    });
  });

  it('never passes a header name or value Node would refuse to write', () => {
    const { headers } = callerHead(
      { 'bad name': 'x', 'x-crlf': 'a\r\nInjected: 1', 'x-list': ['ok', 'bad\n'], 'x-good': 'g' },
      200,
      false,
    );
    expect(headers).toEqual({ 'x-list': ['ok'], 'x-good': 'g' });
  });

  it('declares and enforces one valid Content-Length, in any case and as a list of equal values', () => {
    expect(callerHead({ 'content-length': '5' }, 200, false)).toEqual({
      headers: { 'content-length': '5' },
      bodyless: false,
      declaredLength: 5,
    });
    expect(callerHead({ 'Content-Length': '7, 7' }, 200, false).declaredLength).toBe(7);
    expect(callerHead({ 'content-length': ['0'] }, 200, false).declaredLength).toBe(0);
  });

  it.each([
    ['absent', {}],
    ['not a number', { 'content-length': 'abc' }],
    ['negative', { 'content-length': '-1' }],
    ['fractional', { 'content-length': '1.5' }],
    ['conflicting values', { 'content-length': ['3', '9'] }],
    ['conflicting list', { 'content-length': '3, 9' }],
    ['conflicting names', { 'content-length': '3', 'Content-Length': '9' }],
    ['empty', { 'content-length': '' }],
    ['beyond a safe integer', { 'content-length': '9'.repeat(20) }],
  ])('streams chunked when the length is %s', (_label, agentHeaders) => {
    const head = callerHead(agentHeaders, 200, false);
    expect(head.declaredLength).toBeUndefined();
    expect(head.headers['content-length']).toBeUndefined();
  });

  it('tells HEAD, 204 and 304 answers have no body; only HEAD and 304 keep a length', () => {
    expect(callerHead({ 'content-length': '1234' }, 200, true)).toEqual({
      headers: { 'content-length': '1234' },
      bodyless: true,
    });
    expect(callerHead({ 'content-length': '10' }, 304, false)).toEqual({
      headers: { 'content-length': '10' },
      bodyless: true,
    });
    expect(callerHead({ 'content-length': '10' }, 204, false)).toEqual({
      headers: {},
      bodyless: true,
    });
  });
});
