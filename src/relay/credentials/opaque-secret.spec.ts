import { digestsEqual, hashSecret, randomSecret, secretMatches } from './opaque-secret';

describe('opaque secrets', () => {
  it('makes prefixed, URL-safe, unique secrets of 256 bits', () => {
    const a = randomSecret('ibx_');
    const b = randomSecret('ibx_');
    expect(a).toMatch(/^ibx_[A-Za-z0-9_-]{43}$/);
    expect(a).not.toBe(b);
  });

  it('hashes to 64 hex characters and matches only the same secret', () => {
    const secret = randomSecret('s_');
    const digest = hashSecret(secret);
    expect(digest).toMatch(/^[0-9a-f]{64}$/);
    expect(secretMatches(secret, digest)).toBe(true);
    expect(secretMatches(`${secret}x`, digest)).toBe(false);
  });

  it('refuses digests of different or empty length', () => {
    expect(digestsEqual('abcd', 'abcd00')).toBe(false);
    expect(digestsEqual('', '')).toBe(false);
    expect(digestsEqual('zz', 'zz')).toBe(false);
  });
});
