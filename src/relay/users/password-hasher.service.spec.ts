import { PasswordHasher } from './password-hasher.service';

describe('PasswordHasher', () => {
  const hasher = new PasswordHasher();

  it('hashes with argon2id at OWASP parameters and verifies', async () => {
    const stored = await hasher.hash('a long enough password');
    expect(stored).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(await hasher.verify(stored, 'a long enough password')).toBe(true);
    expect(await hasher.verify(stored, 'another password')).toBe(false);
  });

  it('treats a malformed stored hash as a mismatch', async () => {
    expect(await hasher.verify('not a hash', 'whatever')).toBe(false);
  });

  it('answers false for the decoy', async () => {
    expect(await hasher.verifyDecoy('decoy password that matches nothing')).toBe(false);
  });
});
