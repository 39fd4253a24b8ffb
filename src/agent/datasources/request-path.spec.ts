import { decodeSegments, findPathProblem, findQueryProblem, isUnderPrefix } from './request-path';

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
