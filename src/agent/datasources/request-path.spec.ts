import {
  decodeSegments,
  findPathProblem,
  findQueryProblem,
  isUnderPrefix,
  normalizePath,
} from './request-path';

describe('findPathProblem', () => {
  it.each([
    '/',
    '/api/orders',
    '/api/orders/',
    '/api/a%20b',
    "/api/x;v=1/y:z@w!$&'()*+,=",
    '/caf%C3%A9/menu',
    '/api/file.txt',
    '/api/..foo/x.',
    '/api/...',
  ])('accepts %j', (path) => {
    expect(findPathProblem(path)).toBeUndefined();
  });

  it.each([
    ['', /must start/],
    ['api/x', /must start/],
    ['http://evil.example/x', /must start/],
    ['//evil.example/x', /scheme-relative/],
    ['/api/../admin', /dot segments/],
    ['/api/./x', /dot segments/],
    ['/..', /dot segments/],
    ['/api/..', /dot segments/],
    ['/api/..;/admin', /dot segments/],
    ['/api/.;x/a', /dot segments/],
    ['/api/%2e%2e/admin', /encoded dot/],
    ['/api/%2E%2E/admin', /encoded dot/],
    ['/api/.%2e/admin', /encoded dot/],
    ['/api/%2fadmin', /encoded slash/],
    ['/api/%2Fadmin', /encoded slash/],
    ['/api/%5cadmin', /encoded backslash/],
    ['/api/%252e%252e/admin', /double encoding/],
    ['/api/%00', /control/],
    ['/api/%0d%0aX-Injected:1', /control/],
    ['/api\\..\\admin', /backslash/],
    ['/api/\u0000', /character/],
    ['/api/x\r\nHost: evil', /character/],
    ['/api/a b', /character/],
    ['/api/x?y=1', /character/],
    ['/api/x#frag', /character/],
    ['/api/caf\u00e9', /character/],
    ['/api//admin', /empty path segments/],
    ['/api/%zz', /malformed/],
    ['/api/%4', /malformed/],
    ['/' + 'a'.repeat(9000), /too long/],
  ])('refuses %j', (path, reason) => {
    expect(findPathProblem(path)).toMatch(reason);
  });
});

describe('findPathProblem and UTF-8', () => {
  it.each([
    ['/api/%c0%ae%c0%ae/admin', 'overlong "."'],
    ['/api/%c0%af', 'overlong "/"'],
    ['/api/%e0%80%ae', 'three-byte overlong "."'],
    ['/api/%f0%80%80%af', 'four-byte overlong "/"'],
    ['/api/%80', 'lone continuation byte'],
    ['/api/x%bf', 'lone continuation byte after ASCII'],
    ['/api/%ff', '0xff'],
    ['/api/%fe%ff', 'byte-order bytes'],
    ['/api/%c3', 'truncated sequence'],
    ['/api/%c3x', 'lead byte without continuation'],
    ['/api/%ed%a0%80', 'UTF-16 surrogate'],
    ['/api/%f4%90%80%80', 'above U+10FFFF'],
  ])('refuses %j (%s)', (path) => {
    expect(findPathProblem(path)).toMatch(/valid UTF-8/);
  });

  it.each(['/caf%C3%A9', '/caf%c3%a9', '/%E2%82%AC/%F0%9F%98%80', '/api/%7e%41'])(
    'accepts shortest-form UTF-8 %j',
    (path) => {
      expect(findPathProblem(path)).toBeUndefined();
    },
  );
});

describe('normalizePath', () => {
  it('unescapes unreserved characters and upper-cases the other escapes', () => {
    expect(normalizePath('/%61pi/%7Euser/caf%c3%a9')).toBe('/api/~user/caf%C3%A9');
    expect(normalizePath('/a%20b')).toBe('/a%20b');
    expect(normalizePath('/plain/path')).toBe('/plain/path');
  });

  it('makes an encoded spelling of an allowed prefix match it, and nothing else', () => {
    expect(isUnderPrefix(normalizePath('/%61%70%69/orders'), ['/api/'])).toBe(true);
    expect(isUnderPrefix(normalizePath('/%61dmin/x'), ['/api/'])).toBe(false);
  });
});

describe('findQueryProblem', () => {
  it('accepts ordinary and encoded queries', () => {
    expect(findQueryProblem('')).toBeUndefined();
    expect(findQueryProblem('a=1&b=x%20y&c=/p?q')).toBeUndefined();
    expect(findQueryProblem('text=line%0D%0Aline')).toBeUndefined();
  });

  it.each(['a=1#x', 'a=b c', 'a=\r\n', 'a=%00', 'a=%g1', 'a=\u00e9'])('refuses %j', (query) => {
    expect(findQueryProblem(query)).toBeDefined();
  });
});

describe('decodeSegments', () => {
  it('decodes each segment and drops the trailing empty one', () => {
    expect(decodeSegments('/a%20b/caf%C3%A9/')).toEqual(['a b', 'café']);
    expect(decodeSegments('/')).toEqual([]);
  });

  it('refuses invalid UTF-8', () => {
    expect(decodeSegments('/%C3')).toBeUndefined();
  });
});

describe('isUnderPrefix', () => {
  it('matches whole segments', () => {
    expect(isUnderPrefix('/api/x', ['/api/'])).toBe(true);
    expect(isUnderPrefix('/api', ['/api/'])).toBe(false);
    expect(isUnderPrefix('/api', ['/api'])).toBe(true);
    expect(isUnderPrefix('/api/x', ['/api'])).toBe(true);
    expect(isUnderPrefix('/apikeys', ['/api'])).toBe(false);
    expect(isUnderPrefix('/anything', ['/'])).toBe(true);
    expect(isUnderPrefix('/other', ['/api/', '/public'])).toBe(false);
  });
});
