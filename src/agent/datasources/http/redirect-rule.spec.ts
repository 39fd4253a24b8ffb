import { relativePath, relativeRedirect } from './redirect-rule';

describe('relativePath', () => {
  it.each([
    ['/a/b/c', '/a/b/d', 'd'],
    ['/a/b/c', '/a/x', '../x'],
    ['/a/b/', '/a/b/c/d', 'c/d'],
    ['/a/b', '/a/b/', 'b/'],
    ['/a', '/', './'],
    ['/a/b', '/a/c:d', './c:d'],
  ])('%s -> %s = %s', (from, to, expected) => {
    expect(relativePath(from, to)).toBe(expected);
    expect(new URL(expected, `http://h${from}`).pathname).toBe(to);
  });
});

describe('relativeRedirect', () => {
  const base = new URL('http://crm.intranet:8080/svc/');
  const request = new URL('http://crm.intranet:8080/svc/api/orders?x=1');

  it('rewrites same-origin targets under the base path', () => {
    expect(relativeRedirect('/svc/api/orders/', request, base)).toBe('orders/');
    expect(relativeRedirect('http://crm.intranet:8080/svc/login?next=1', request, base)).toBe(
      '../login?next=1',
    );
    expect(relativeRedirect('other', request, base)).toBe('other');
  });

  it('refuses other origins and paths outside the base', () => {
    expect(relativeRedirect('http://evil.example/svc/x', request, base)).toBeUndefined();
    expect(relativeRedirect('//evil.example/x', request, base)).toBeUndefined();
    expect(relativeRedirect('https://crm.intranet:8080/svc/x', request, base)).toBeUndefined();
    expect(relativeRedirect('http://crm.intranet:9090/svc/x', request, base)).toBeUndefined();
    expect(relativeRedirect('/admin', request, base)).toBeUndefined();
    expect(relativeRedirect('/svcx/y', request, base)).toBeUndefined();
    expect(relativeRedirect('http://[bad', request, base)).toBeUndefined();
  });
});
