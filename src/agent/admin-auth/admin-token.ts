import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Compares a presented admin token with the configured one in constant time. Both sides are
 * hashed first so the comparison neither leaks the token's length nor needs equal lengths.
 */
export class AdminToken {
  private readonly expectedDigest: Buffer;

  constructor(expected: string) {
    this.expectedDigest = digest(expected);
  }

  matches(presented: string): boolean {
    return timingSafeEqual(digest(presented), this.expectedDigest);
  }
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

const BEARER = /^Bearer[ ]+(\S+)[ ]*$/i;

/** The token of an `Authorization: Bearer <token>` header, or undefined. */
export function bearerToken(header: string | string[] | undefined): string | undefined {
  if (typeof header !== 'string') return undefined;
  return BEARER.exec(header)?.[1];
}
