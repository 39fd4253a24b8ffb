export const PASSWORD_MIN_LENGTH = 12;
/** Bounds the work one login can cause (argon2 hashes the whole input). */
export const PASSWORD_MAX_LENGTH = 256;

/**
 * Problems with a proposed password, empty when acceptable. Length is what matters most
 * (NIST SP 800-63B); composition rules are deliberately absent.
 */
export function passwordProblems(password: string, username: string): string[] {
  const problems: string[] = [];
  const length = [...password].length;
  if (length < PASSWORD_MIN_LENGTH) {
    problems.push(`password must be at least ${PASSWORD_MIN_LENGTH} characters`);
  }
  if (length > PASSWORD_MAX_LENGTH) {
    problems.push(`password must be at most ${PASSWORD_MAX_LENGTH} characters`);
  }
  if (password.trim().toLowerCase() === username.trim().toLowerCase()) {
    problems.push('password must not equal the username');
  }
  if (password.trim().length === 0) problems.push('password must not be blank');
  return problems;
}
