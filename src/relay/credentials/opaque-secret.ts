import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Opaque credentials (API keys, agent secrets, refresh tokens) are 256-bit random strings.
 * A fast SHA-256 is the right hash for them: with that much entropy nothing can be guessed,
 * so a slow password hash would only cost latency on every lookup. Each kind carries a
 * distinct prefix so secret scanners and the guard can tell them apart.
 */
export const SECRET_BYTES = 32;

export function randomSecret(prefix: string, bytes = SECRET_BYTES): string {
  return `${prefix}${randomBytes(bytes).toString('base64url')}`;
}

/** Lower-case hex SHA-256 of the whole credential, as stored in the database. */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/** Constant-time comparison of two hex digests (false on any length mismatch). */
export function digestsEqual(a: string, b: string): boolean {
  const left = Buffer.from(a, 'hex');
  const right = Buffer.from(b, 'hex');
  return left.length === right.length && left.length > 0 && timingSafeEqual(left, right);
}

/** Checks `secret` against a stored digest in constant time. */
export function secretMatches(secret: string, storedDigest: string): boolean {
  return digestsEqual(hashSecret(secret), storedDigest);
}
