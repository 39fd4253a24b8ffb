import { callerResponseHeaders, upstreamRequestHeaders } from './header-rules';

describe('upstreamRequestHeaders', () => {
  it('drops hop-by-hop, credential and address headers, then injects last', () => {
    const headers = upstreamRequestHeaders(
      {
        accept: 'application/json',
        'content-type': 'text/plain',
        'content-length': '3',
        connection: 'keep-alive, x-secret-hop',
        'x-secret-hop': '1',
        'keep-alive': 'timeout=5',
        'transfer-encoding': 'chunked',
        te: 'trailers',
        upgrade: 'websocket',
        'proxy-authorization': 'Basic x',
        host: 'evil.example',
        cookie: 'session=relay',
        authorization: 'Bearer relay-token',
        'x-api-key': 'relay-key',
        'X-Forwarded-For': '6.6.6.6',
        forwarded: 'for=6.6.6.6',
        'x-request-id': 'spoofed',
        'X-Service-Key': 'caller-tries-this',
        'x-custom': ['a', 'b'],
      },
      { 'X-Service-Key': 'agent-secret' },
      'req-1',
    );
    expect(headers).toEqual({
      accept: 'application/json',
      'content-type': 'text/plain',
      'content-length': '3',
      'x-custom': ['a', 'b'],
      'x-request-id': 'req-1',
      'x-service-key': 'agent-secret',
    });
  });
});

describe('callerResponseHeaders', () => {
  it('drops hop-by-hop, cookies, banners and location', () => {
    const headers = callerResponseHeaders({
      'content-type': 'text/html',
      'content-length': '10',
      etag: '"x"',
      'set-cookie': ['a=1', 'b=2'],
      server: 'Apache/2.4.1',
      'x-powered-by': 'PHP/5',
      connection: 'close, x-hop',
      'x-hop': 'y',
      'transfer-encoding': 'chunked',
      location: 'http://intranet/x',
      'www-authenticate': 'Basic realm="intranet"',
      'cache-control': 'no-store',
    });
    expect(headers).toEqual({
      'content-type': 'text/html',
      'content-length': '10',
      etag: '"x"',
      'cache-control': 'no-store',
    });
  });
});
