import { randomBytes } from 'node:crypto';
import { randomSecret } from '../credentials/opaque-secret';

/**
 * API keys look like `ib_3f9a2c1d_<43 base64url characters>`. The first part (`ib_3f9a2c1d`)
 * is the visible, indexed prefix used to find the key; the whole key is what is hashed. The
 * fixed `ib_` start tells keys apart from JWTs in `Authorization: Bearer`.
 */
export const API_KEY_PREFIX = 'ib_';
const FORMAT = /^(ib_[0-9a-f]{8})_[A-Za-z0-9_-]{43}$/;

export interface NewApiKey {
  key: string;
  prefix: string;
}

export function generateApiKey(): NewApiKey {
  const prefix = `${API_KEY_PREFIX}${randomBytes(4).toString('hex')}`;
  return { prefix, key: randomSecret(`${prefix}_`) };
}

/** The visible prefix of a well-formed key, or undefined. */
export function apiKeyPrefixOf(key: string): string | undefined {
  return FORMAT.exec(key)?.[1];
}
