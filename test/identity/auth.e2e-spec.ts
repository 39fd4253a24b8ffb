import { createHmac } from 'node:crypto';
import { deriveSigningKey, SigningPurpose } from '../../src/relay/credentials/signing-keys';
import type { RelayConfig } from '../../src/relay/relay.config';
import {
  ADMIN,
  Api,
  createUser,
  expectNoStoredSecrets,
  IDENTITY_ENV,
  login,
  loginAs,
  type TokenPair,
} from '../utils/identity';
import { startRelay, type RunningApp } from '../utils/test-apps';

/** Builds a JWT by hand so tests control every byte of header, payload and signature. */
function craftJwt(header: object, payload: object, sign?: (input: string) => string): string {
  const encode = (part: object) => Buffer.from(JSON.stringify(part)).toString('base64url');
  const input = `${encode(header)}.${encode(payload)}`;
  return `${input}.${sign ? sign(input) : ''}`;
}

const hmac = (algorithm: string, key: Buffer | string) => (input: string) =>
  createHmac(algorithm, key).update(input).digest('base64url');

describe('login, tokens and sessions', () => {
  let relay: RunningApp<RelayConfig>;
  let anonymous: Api;
  let admin: Api;

  beforeAll(async () => {
    relay = await startRelay(IDENTITY_ENV);
    anonymous = new Api(relay.url);
    admin = (await loginAs(relay.url, ADMIN.username, ADMIN.password)).api;
  });
  afterAll(async () => {
    await relay?.close();
  });

  describe('login', () => {
    it('returns an access token, a refresh token, their lifetime and type', async () => {
      const result = await login(relay.url, ADMIN.username, ADMIN.password);
      expect(result.status).toBe(200);
      expect(result.body).toEqual({
        accessToken: expect.stringMatching(/^[\w-]+\.[\w-]+\.[\w-]+$/),
        refreshToken: expect.stringMatching(/^ibr_[\w-]{43}$/),
        expiresIn: 900,
        refreshExpiresIn: 604800,
        tokenType: 'Bearer',
      });
      const me = await anonymous.withBearer(result.body.accessToken).get('/api/v1/auth/me');
      expect(me.status).toBe(200);
      expect(me.body).toEqual({
        type: 'user',
        id: expect.any(String),
        userId: me.body.id,
        name: 'admin',
        roles: ['admin'],
      });
    });

    it('treats the username case-insensitively', async () => {
      expect((await login(relay.url, 'ADMIN', ADMIN.password)).status).toBe(200);
    });

    it('answers a wrong password and an unknown user alike', async () => {
      const wrong = await login(relay.url, ADMIN.username, 'not-the-password');
      const unknown = await login(relay.url, 'nobody-here', 'not-the-password');
      for (const result of [wrong, unknown]) {
        expect(result.status).toBe(401);
        expect(result.body).toMatchObject({
          code: 'INVALID_CREDENTIALS',
          message: 'Invalid username or password',
        });
        expect(result.headers.get('www-authenticate')).toMatch(/^Bearer/);
      }
    });

    it('refuses unknown fields and bad types with VALIDATION_FAILED', async () => {
      const extra = await anonymous.post('/api/v1/auth/login', {
        username: 'admin',
        password: ADMIN.password,
        roles: ['admin'],
      });
      expect(extra.status).toBe(400);
      expect(extra.body.code).toBe('VALIDATION_FAILED');
      const types = await anonymous.post('/api/v1/auth/login', { username: 1, password: true });
      expect(types.status).toBe(400);
      expect(types.body.code).toBe('VALIDATION_FAILED');
      expect(types.body.details.map((d: { field: string }) => d.field).sort()).toEqual([
        'password',
        'username',
      ]);
    });
  });

  describe('access tokens', () => {
    let userId: string;
    let key: Buffer;
    const now = () => Math.floor(Date.now() / 1000);
    const claims = () => ({
      sub: userId,
      typ: 'access',
      gen: 1,
      iss: 'intrabridge-relay',
      aud: 'intrabridge-api',
      iat: now(),
      exp: now() + 600,
    });
    const me = (token: string) => anonymous.withBearer(token).get('/api/v1/auth/me');

    beforeAll(async () => {
      userId = (await admin.get('/api/v1/auth/me')).body.userId;
      key = deriveSigningKey(relay.config.JWT_SECRET!, SigningPurpose.UserAccess);
    });

    it('accepts a hand-made HS256 token with the right key and claims (control)', async () => {
      const token = craftJwt({ alg: 'HS256', typ: 'JWT' }, claims(), hmac('sha256', key));
      expect((await me(token)).status).toBe(200);
    });

    it('refuses a request without credentials with 401 and a Bearer challenge', async () => {
      const result = await anonymous.get('/api/v1/auth/me');
      expect(result.status).toBe(401);
      expect(result.body.code).toBe('UNAUTHORIZED');
      expect(result.headers.get('www-authenticate')).toBe('Bearer realm="intrabridge"');
    });

    it.each([
      ['alg none, no signature', () => craftJwt({ alg: 'none', typ: 'JWT' }, claims())],
      ['alg NONE with a signature', () => craftJwt({ alg: 'NONE' }, claims(), hmac('sha256', key))],
      ['HS512 with the right key', () => craftJwt({ alg: 'HS512' }, claims(), hmac('sha512', key))],
      ['HS384 with the right key', () => craftJwt({ alg: 'HS384' }, claims(), hmac('sha384', key))],
      [
        'RS256 header over an HMAC',
        () => craftJwt({ alg: 'RS256' }, claims(), hmac('sha256', key)),
      ],
      [
        'HS256 signed with the raw JWT_SECRET',
        () => craftJwt({ alg: 'HS256' }, claims(), hmac('sha256', relay.config.JWT_SECRET!)),
      ],
      [
        'the agent audience',
        () =>
          craftJwt(
            { alg: 'HS256' },
            { ...claims(), aud: 'intrabridge-agent' },
            hmac('sha256', key),
          ),
      ],
      [
        'a foreign issuer',
        () => craftJwt({ alg: 'HS256' }, { ...claims(), iss: 'evil' }, hmac('sha256', key)),
      ],
      ['not a JWT at all', () => 'garbage-token'],
    ])('refuses %s with INVALID_TOKEN', async (_what, make) => {
      const result = await me(make());
      expect(result.status).toBe(401);
      expect(result.body.code).toBe('INVALID_TOKEN');
      expect(result.headers.get('www-authenticate')).toContain('error="invalid_token"');
    });

    it('refuses a tampered payload or signature', async () => {
      const { tokens } = await loginAs(relay.url, ADMIN.username, ADMIN.password);
      const [header, payload, signature] = tokens.accessToken.split('.');
      const decoded = JSON.parse(Buffer.from(payload, 'base64url').toString());
      const forged = Buffer.from(JSON.stringify({ ...decoded, gen: 99 })).toString('base64url');
      expect((await me(`${header}.${forged}.${signature}`)).body.code).toBe('INVALID_TOKEN');
      const flipped = signature.slice(0, -2) + (signature.endsWith('AA') ? 'BB' : 'AA');
      expect((await me(`${header}.${payload}.${flipped}`)).body.code).toBe('INVALID_TOKEN');
    });

    it('refuses an expired token with TOKEN_EXPIRED', async () => {
      const expired = { ...claims(), iat: now() - 120, exp: now() - 60 };
      const result = await me(craftJwt({ alg: 'HS256' }, expired, hmac('sha256', key)));
      expect(result.status).toBe(401);
      expect(result.body.code).toBe('TOKEN_EXPIRED');
    });

    it('refuses a malformed Authorization header', async () => {
      const response = await fetch(`${relay.url}/api/v1/auth/me`, {
        headers: { authorization: 'Basic YWRtaW46YWRtaW4=' },
      });
      expect(response.status).toBe(401);
    });
  });

  describe('refresh and logout', () => {
    const refresh = (refreshToken: string) =>
      anonymous.post('/api/v1/auth/refresh', { refreshToken });

    it('rotates: a refresh returns a new pair and spends the old refresh token', async () => {
      const first = (await login(relay.url, ADMIN.username, ADMIN.password)).body as TokenPair;
      const second = await refresh(first.refreshToken);
      expect(second.status).toBe(200);
      expect(second.body.refreshToken).not.toBe(first.refreshToken);
      expect(second.body.accessToken).not.toBe(first.accessToken);
      const me = await anonymous.withBearer(second.body.accessToken).get('/api/v1/auth/me');
      expect(me.body.name).toBe('admin');
      expect((await refresh(second.body.refreshToken)).status).toBe(200);
    });

    it('refuses reuse of a spent refresh token and ends that whole session', async () => {
      const first = (await login(relay.url, ADMIN.username, ADMIN.password)).body as TokenPair;
      const second = (await refresh(first.refreshToken)).body as TokenPair;
      const replay = await refresh(first.refreshToken);
      expect(replay.status).toBe(401);
      expect(replay.body.code).toBe('REFRESH_TOKEN_REUSED');
      // The legitimate successor dies with the family.
      const successor = await refresh(second.refreshToken);
      expect(successor.status).toBe(401);
      expect(successor.body.code).toBe('INVALID_REFRESH_TOKEN');
      // Another login (another family) is unaffected.
      const other = (await login(relay.url, ADMIN.username, ADMIN.password)).body as TokenPair;
      expect((await refresh(other.refreshToken)).status).toBe(200);
    });

    it('lets only one of two concurrent refreshes with the same token win', async () => {
      const first = (await login(relay.url, ADMIN.username, ADMIN.password)).body as TokenPair;
      const results = await Promise.all([refresh(first.refreshToken), refresh(first.refreshToken)]);
      expect(results.map((r) => r.status).sort()).toEqual([200, 401]);
    });

    it('refuses unknown and malformed refresh tokens', async () => {
      expect((await refresh(`ibr_${'A'.repeat(43)}`)).body.code).toBe('INVALID_REFRESH_TOKEN');
      expect((await refresh('nonsense')).body.code).toBe('INVALID_REFRESH_TOKEN');
      const missing = await anonymous.post('/api/v1/auth/refresh', {});
      expect(missing.status).toBe(400);
      expect(missing.body.code).toBe('VALIDATION_FAILED');
    });

    it('logout revokes the refresh token', async () => {
      const pair = (await login(relay.url, ADMIN.username, ADMIN.password)).body as TokenPair;
      const out = await anonymous.post('/api/v1/auth/logout', { refreshToken: pair.refreshToken });
      expect(out.status).toBe(204);
      expect((await refresh(pair.refreshToken)).status).toBe(401);
      // Idempotent, and silent about tokens it does not know.
      const again = await anonymous.post('/api/v1/auth/logout', { refreshToken: 'unknown' });
      expect(again.status).toBe(204);
    });
  });

  describe('account changes end sessions', () => {
    it('locks a disabled user out at once: access token, refresh token and login', async () => {
      const alice = await createUser(admin, ['client'], 'alice');
      expect((await alice.api.get('/api/v1/auth/me')).status).toBe(200);

      expect((await admin.post(`/api/v1/users/${alice.id}/disable`)).status).toBe(200);
      const me = await alice.api.get('/api/v1/auth/me');
      expect(me.status).toBe(401);
      expect(me.body.code).toBe('ACCOUNT_DISABLED');
      const refreshed = await anonymous.post('/api/v1/auth/refresh', {
        refreshToken: alice.tokens.refreshToken,
      });
      expect(refreshed.status).toBe(401);
      const relogin = await login(relay.url, alice.username, alice.password);
      expect(relogin.status).toBe(401);
      expect(relogin.body.code).toBe('INVALID_CREDENTIALS');

      // Re-enabling does not revive old tokens; a new login works.
      expect((await admin.post(`/api/v1/users/${alice.id}/enable`)).status).toBe(200);
      expect((await alice.api.get('/api/v1/auth/me')).body.code).toBe('TOKEN_REVOKED');
      expect((await login(relay.url, alice.username, alice.password)).status).toBe(200);
    });

    it('a deleted user’s tokens stop working', async () => {
      const bob = await createUser(admin, ['client'], 'bob');
      expect((await admin.delete(`/api/v1/users/${bob.id}`)).status).toBe(204);
      expect((await bob.api.get('/api/v1/auth/me')).status).toBe(401);
      const refreshed = await anonymous.post('/api/v1/auth/refresh', {
        refreshToken: bob.tokens.refreshToken,
      });
      expect(refreshed.status).toBe(401);
    });

    it('an admin password reset ends the user’s sessions', async () => {
      const carol = await createUser(admin, ['operator'], 'carol');
      const reset = await admin.post(`/api/v1/users/${carol.id}/password`, {
        password: 'a brand new password',
      });
      expect(reset.status).toBe(204);
      expect((await carol.api.get('/api/v1/auth/me')).body.code).toBe('TOKEN_REVOKED');
      const refreshed = await anonymous.post('/api/v1/auth/refresh', {
        refreshToken: carol.tokens.refreshToken,
      });
      expect(refreshed.status).toBe(401);
      expect((await login(relay.url, carol.username, carol.password)).status).toBe(401);
      expect((await login(relay.url, carol.username, 'a brand new password')).status).toBe(200);
    });

    it('changing one’s own password needs the current one and returns a fresh pair', async () => {
      const dave = await createUser(admin, ['auditor'], 'dave');
      const wrong = await dave.api.post('/api/v1/auth/password', {
        currentPassword: 'not it',
        newPassword: 'dave’s new long password',
      });
      expect(wrong.status).toBe(400);
      expect(wrong.body.code).toBe('INVALID_CURRENT_PASSWORD');
      const weak = await dave.api.post('/api/v1/auth/password', {
        currentPassword: dave.password,
        newPassword: dave.username,
      });
      expect(weak.status).toBe(400);

      const changed = await dave.api.post('/api/v1/auth/password', {
        currentPassword: dave.password,
        newPassword: 'dave’s new long password',
      });
      expect(changed.status).toBe(200);
      expectNoStoredSecrets(changed.body);
      expect((await dave.api.get('/api/v1/auth/me')).body.code).toBe('TOKEN_REVOKED');
      const fresh = anonymous.withBearer(changed.body.accessToken);
      expect((await fresh.get('/api/v1/auth/me')).body.name).toBe(dave.username);
      expect((await login(relay.url, dave.username, 'dave’s new long password')).status).toBe(200);
    });
  });
});
