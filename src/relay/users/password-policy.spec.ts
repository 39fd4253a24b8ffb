import { passwordProblems } from './password-policy';

describe('passwordProblems', () => {
  it('accepts a long password unlike the username', () => {
    expect(passwordProblems('correct horse battery', 'alice')).toEqual([]);
  });

  it('refuses fewer than 12 characters, counting code points', () => {
    expect(passwordProblems('short-pass1', 'alice')).toEqual([
      'password must be at least 12 characters',
    ]);
    expect(passwordProblems('🔑'.repeat(11), 'alice')).toHaveLength(1);
    expect(passwordProblems('🔑'.repeat(12), 'alice')).toEqual([]);
  });

  it('refuses the username, whatever its case', () => {
    expect(passwordProblems('Operator.Name', 'operator.name')).toEqual([
      'password must not equal the username',
    ]);
  });

  it('refuses blank and overly long passwords', () => {
    expect(passwordProblems(' '.repeat(20), 'alice')).toContain('password must not be blank');
    expect(passwordProblems('x'.repeat(257), 'alice')).toEqual([
      'password must be at most 256 characters',
    ]);
  });
});
