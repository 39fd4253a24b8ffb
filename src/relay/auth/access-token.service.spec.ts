import { createHmac } from 'node:crypto';
import type { AppException } from '../../shared/errors/app.exception';
import { deriveSigningKey, SigningPurpose } from '../credentials/signing-keys';
import type { RelayConfig } from '../relay.config';
import { AccessTokenService } from './access-token.service';

const SECRET = 'unit-test-secret-unit-test-secret-0123';
const USER = '6f1c2a9e-0b7d-4c1e-9a55-3f0e8d2b7c41';
const config = { JWT_SECRET: SECRET, JWT_ACCESS_TTL: 60 } as RelayConfig;

function sign(header: object, payload: object, key: Buffer | string): string {
  const encode = (part: object) => Buffer.from(JSON.stringify(part)).toString('base64url');
  const body = `${encode(header)}.${encode(payload)}`;
  return `${body}.${createHmac('sha256', key).update(body).digest('base64url')}`;
}

function codeOf(run: () => unknown): string | undefined {
  try {
    run();
    return undefined;
  } catch (error) {
    return (error as AppException).code;
  }
}

describe('AccessTokenService', () => {
  const service = new AccessTokenService(config);
  const key = deriveSigningKey(SECRET, SigningPurpose.UserAccess);
  const now = Math.floor(Date.now() / 1000);
  const claims = {
    sub: USER,
    typ: 'access',
    gen: 3,
    iss: 'intrabridge-relay',
    aud: 'intrabridge-api',
    iat: now,
    exp: now + 60,
  };

  it('round-trips user id and generation', () => {
    expect(service.verify(service.issue(USER, 3))).toEqual({ userId: USER, generation: 3 });
  });

  it('accepts a hand-made token with exactly the expected shape', () => {
    expect(service.verify(sign({ alg: 'HS256', typ: 'JWT' }, claims, key)).userId).toBe(USER);
  });

  it.each([
    ['wrong audience', { ...claims, aud: 'intrabridge-agent' }],
    ['wrong issuer', { ...claims, iss: 'someone-else' }],
    ['wrong type', { ...claims, typ: 'agent' }],
    ['no generation', { ...claims, gen: undefined }],
    ['a subject that is not a user id', { ...claims, sub: "1' or '1'='1" }],
  ])('refuses a token with the %s', (_what, payload) => {
    expect(codeOf(() => service.verify(sign({ alg: 'HS256' }, payload, key)))).toBe(
      'INVALID_TOKEN',
    );
  });

  it('refuses a token signed with the raw secret or the agent key', () => {
    const agentKey = deriveSigningKey(SECRET, SigningPurpose.AgentAccess);
    for (const other of [SECRET, agentKey]) {
      expect(codeOf(() => service.verify(sign({ alg: 'HS256' }, claims, other)))).toBe(
        'INVALID_TOKEN',
      );
    }
  });

  it('refuses an expired token with TOKEN_EXPIRED', () => {
    const expired = sign({ alg: 'HS256' }, { ...claims, iat: now - 120, exp: now - 60 }, key);
    expect(codeOf(() => service.verify(expired))).toBe('TOKEN_EXPIRED');
  });
});
