import { Injectable } from '@nestjs/common';
import { isUUID } from 'class-validator';
import { randomUUID } from 'node:crypto';
import { JsonWebTokenError, JwtService, TokenExpiredError } from '@nestjs/jwt';
import { AuthErrorCode } from '../../shared/auth/auth-error-code';
import { unauthorized } from '../../shared/auth/auth.exception';
import { deriveSigningKey, SigningPurpose } from '../credentials/signing-keys';
import { RelayConfig } from '../relay.config';

/** Pinned: tokens with any other `alg` (including `none`) are refused before any other check. */
export const ACCESS_TOKEN_ALGORITHM = 'HS256';
export const TOKEN_ISSUER = 'intrabridge-relay';
export const ACCESS_TOKEN_AUDIENCE = 'intrabridge-api';
export const ACCESS_TOKEN_TYPE = 'access';

/** What a user access token says once verified. */
export interface AccessClaims {
  userId: string;
  /** The user's token generation at issue; a later password change or disable bumps it. */
  generation: number;
}

interface AccessPayload {
  sub: string;
  typ: string;
  gen: number;
}

/** Issues and verifies user access tokens: short-lived JWTs signed with a derived key. */
@Injectable()
export class AccessTokenService {
  private readonly jwt: JwtService;
  readonly ttlSeconds: number;

  constructor(config: RelayConfig) {
    this.ttlSeconds = config.JWT_ACCESS_TTL;
    this.jwt = new JwtService({
      secret: deriveSigningKey(config.JWT_SECRET!, SigningPurpose.UserAccess),
      signOptions: {
        algorithm: ACCESS_TOKEN_ALGORITHM,
        issuer: TOKEN_ISSUER,
        audience: ACCESS_TOKEN_AUDIENCE,
        expiresIn: config.JWT_ACCESS_TTL,
      },
      verifyOptions: {
        algorithms: [ACCESS_TOKEN_ALGORITHM],
        issuer: TOKEN_ISSUER,
        audience: ACCESS_TOKEN_AUDIENCE,
      },
    });
  }

  issue(userId: string, generation: number): string {
    const payload: AccessPayload = { sub: userId, typ: ACCESS_TOKEN_TYPE, gen: generation };
    // A unique id makes every token distinct (and individually revocable later, if needed).
    return this.jwt.sign(payload, { jwtid: randomUUID() });
  }

  /** Throws 401 TOKEN_EXPIRED or INVALID_TOKEN; never reveals which check failed beyond that. */
  verify(token: string): AccessClaims {
    let payload: Partial<AccessPayload>;
    try {
      payload = this.jwt.verify<Partial<AccessPayload>>(token);
    } catch (error) {
      if (error instanceof TokenExpiredError) {
        throw unauthorized(AuthErrorCode.TokenExpired, 'The access token has expired');
      }
      if (error instanceof JsonWebTokenError) throw invalidToken();
      throw error;
    }
    const { sub, typ, gen } = payload;
    // Only tokens we issued can get here, but a malformed subject must never reach a query.
    if (typ !== ACCESS_TOKEN_TYPE || !isUUID(sub) || !Number.isInteger(gen)) {
      throw invalidToken();
    }
    return { userId: sub as string, generation: gen! };
  }
}

function invalidToken() {
  return unauthorized(AuthErrorCode.InvalidToken, 'The access token is not valid');
}
