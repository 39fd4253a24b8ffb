import { apiKeyPrefixOf, generateApiKey } from './api-key-format';

describe('API key format', () => {
  it('generates keys whose prefix can be read back', () => {
    const { key, prefix } = generateApiKey();
    expect(prefix).toMatch(/^ib_[0-9a-f]{8}$/);
    expect(key.startsWith(`${prefix}_`)).toBe(true);
    expect(apiKeyPrefixOf(key)).toBe(prefix);
  });

  it.each(['', 'ib_', 'ib_3f9a2c1d', 'ib_3f9a2c1d_short', 'xx_3f9a2c1d_' + 'a'.repeat(43)])(
    'refuses %p',
    (key) => {
      expect(apiKeyPrefixOf(key)).toBeUndefined();
    },
  );
});
