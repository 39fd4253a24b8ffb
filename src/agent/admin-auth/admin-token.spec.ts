import { AdminToken, bearerToken } from './admin-token';

describe('AdminToken', () => {
  const token = new AdminToken('s3cret-admin-token-0123456789');

  it('accepts only the exact token', () => {
    expect(token.matches('s3cret-admin-token-0123456789')).toBe(true);
    expect(token.matches('s3cret-admin-token-012345678')).toBe(false);
    expect(token.matches('s3cret-admin-token-01234567890')).toBe(false);
    expect(token.matches('')).toBe(false);
  });
});

describe('bearerToken', () => {
  it.each([
    ['Bearer abc', 'abc'],
    ['bearer  abc ', 'abc'],
    ['Basic abc', undefined],
    ['Bearer', undefined],
    ['Bearer a b', undefined],
  ])('%j -> %j', (header, expected) => {
    expect(bearerToken(header)).toBe(expected);
  });

  it('ignores missing and repeated headers', () => {
    expect(bearerToken(undefined)).toBeUndefined();
    expect(bearerToken(['Bearer a', 'Bearer b'])).toBeUndefined();
  });
});
