import type { IncomingHttpHeaders } from 'node:http';
import { AuthErrorCode } from './auth-error-code';
import { unauthorized } from './auth.exception';

export const API_KEY_HEADER = 'x-api-key';

/** A credential as the caller sent it; the profile's Authenticator decides what it is. */
export interface PresentedCredential {
  source: 'authorization' | 'x-api-key';
  value: string;
}

/** Longer than any token we issue; refuses absurd headers before any parsing work. */
const MAX_CREDENTIAL_LENGTH = 4096;
const BEARER = /^Bearer +(\S+) *$/i;

/**
 * Reads `Authorization: Bearer <token>` or `X-API-Key: <key>`. Returns undefined when neither
 * is present; throws 401 on a malformed header or on both at once (ambiguous: which one acts?).
 */
export function readPresentedCredential(
  headers: IncomingHttpHeaders,
): PresentedCredential | undefined {
  const authorization = headers.authorization;
  const apiKey = headers[API_KEY_HEADER];
  if (authorization !== undefined && apiKey !== undefined) {
    throw unauthorized(
      AuthErrorCode.Unauthorized,
      'Send either Authorization or X-API-Key, not both',
    );
  }
  if (typeof apiKey === 'string') return checked({ source: 'x-api-key', value: apiKey.trim() });
  if (apiKey !== undefined)
    throw unauthorized(AuthErrorCode.Unauthorized, 'Send one X-API-Key header');
  if (authorization === undefined) return undefined;
  const match = BEARER.exec(authorization);
  if (!match)
    throw unauthorized(AuthErrorCode.Unauthorized, 'Authorization must use the Bearer scheme');
  return checked({ source: 'authorization', value: match[1] });
}

function checked(credential: PresentedCredential): PresentedCredential {
  if (credential.value.length === 0 || credential.value.length > MAX_CREDENTIAL_LENGTH) {
    throw unauthorized(AuthErrorCode.Unauthorized, 'Malformed credential');
  }
  return credential;
}
