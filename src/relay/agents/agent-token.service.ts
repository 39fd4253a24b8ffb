import { Injectable } from '@nestjs/common';
import { isUUID } from 'class-validator';
import { randomUUID } from 'node:crypto';
import { JsonWebTokenError, JwtService, TokenExpiredError } from '@nestjs/jwt';
import { deriveSigningKey, SigningPurpose } from '../credentials/signing-keys';
import { RelayConfig } from '../relay.config';
import { AgentsErrors } from './agents.exception';

export const AGENT_TOKEN_ALGORITHM = 'HS256';
export const AGENT_TOKEN_ISSUER = 'intrabridge-relay';
export const AGENT_TOKEN_AUDIENCE = 'intrabridge-agent';
export const AGENT_TOKEN_TYPE = 'agent';

export interface AgentClaims {
  agentId: string;
  generation: number;
}

interface AgentPayload {
  sub: string;
  typ: string;
  gen: number;
}

/**
 * Agent JWTs: their own derived key, audience and `typ`, so they can never pass as user
 * access tokens (nor the other way round).
 */
@Injectable()
export class AgentTokenService {
  private readonly jwt: JwtService;
  readonly ttlSeconds: number;

  constructor(config: RelayConfig) {
    this.ttlSeconds = config.AGENT_TOKEN_TTL;
    this.jwt = new JwtService({
      secret: deriveSigningKey(config.JWT_SECRET!, SigningPurpose.AgentAccess),
      signOptions: {
        algorithm: AGENT_TOKEN_ALGORITHM,
        issuer: AGENT_TOKEN_ISSUER,
        audience: AGENT_TOKEN_AUDIENCE,
        expiresIn: config.AGENT_TOKEN_TTL,
      },
      verifyOptions: {
        algorithms: [AGENT_TOKEN_ALGORITHM],
        issuer: AGENT_TOKEN_ISSUER,
        audience: AGENT_TOKEN_AUDIENCE,
      },
    });
  }

  issue(agentId: string, generation: number): string {
    const payload: AgentPayload = { sub: agentId, typ: AGENT_TOKEN_TYPE, gen: generation };
    // A unique id makes every token distinct (and individually revocable later, if needed).
    return this.jwt.sign(payload, { jwtid: randomUUID() });
  }

  verify(token: string): AgentClaims {
    let payload: Partial<AgentPayload>;
    try {
      payload = this.jwt.verify<Partial<AgentPayload>>(token);
    } catch (error) {
      if (error instanceof TokenExpiredError) throw AgentsErrors.tokenExpired();
      if (error instanceof JsonWebTokenError) throw AgentsErrors.invalidToken();
      throw error;
    }
    const { sub, typ, gen } = payload;
    // Only tokens we issued can get here, but a malformed subject must never reach a query.
    if (typ !== AGENT_TOKEN_TYPE || !isUUID(sub) || !Number.isInteger(gen)) {
      throw AgentsErrors.invalidToken();
    }
    return { agentId: sub as string, generation: gen! };
  }
}
