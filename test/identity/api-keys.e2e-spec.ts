import type { RelayConfig } from '../../src/relay/relay.config';
import {
  ADMIN,
  Api,
  createUser,
  expectNoStoredSecrets,
  IDENTITY_ENV,
  loginAs,
  sleep,
  type TestUser,
} from '../utils/identity';
import { startRelay, type RunningApp } from '../utils/test-apps';

describe('API keys', () => {
  let relay: RunningApp<RelayConfig>;
  let admin: Api;
  let owner: TestUser;
  let other: TestUser;

  beforeAll(async () => {
    relay = await startRelay(IDENTITY_ENV);
    admin = (await loginAs(relay.url, ADMIN.username, ADMIN.password)).api;
    owner = await createUser(admin, ['client'], 'keyowner');
    other = await createUser(admin, ['client'], 'stranger');
  });
  afterAll(async () => {
    await relay?.close();
  });

  const anonymous = () => new Api(relay.url);
  const createKey = async (as: Api, body: object = { name: 'billing' }) => {
    const result = await as.post('/api/v1/api-keys', body);
    expect(result.status).toBe(201);
    return result.body as { id: string; key: string; prefix: string };
  };

  it('creates a key shown once, with a visible prefix', async () => {
    const created = await owner.api.post('/api/v1/api-keys', { name: 'billing' });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({
      id: expect.any(String),
      name: 'billing',
      prefix: expect.stringMatching(/^ib_[0-9a-f]{8}$/),
      key: expect.stringMatching(/^ib_[0-9a-f]{8}_[\w-]{43}$/),
      userId: owner.id,
      status: 'active',
      expiresAt: null,
      revokedAt: null,
      lastUsedAt: null,
      createdAt: expect.any(String),
    });
    expect(created.body.key.startsWith(`${created.body.prefix}_`)).toBe(true);
    expectNoStoredSecrets(created.body);

    const listed = await owner.api.get('/api/v1/api-keys');
    expect(listed.status).toBe(200);
    const item = listed.body.items.find((k: { id: string }) => k.id === created.body.id);
    expect(item).toMatchObject({ prefix: created.body.prefix, name: 'billing' });
    expect(item).not.toHaveProperty('key');
    expect(JSON.stringify(listed.body)).not.toContain(created.body.key);
    expectNoStoredSecrets(listed.body);
  });

  it('authenticates with X-API-Key or Authorization: Bearer, acting as its owner', async () => {
    const { id, key } = await createKey(owner.api);
    for (const api of [anonymous().withApiKey(key), anonymous().withBearer(key)]) {
      const me = await api.get('/api/v1/auth/me');
      expect(me.status).toBe(200);
      expect(me.body).toEqual({
        type: 'apiKey',
        id,
        userId: owner.id,
        name: 'billing',
        roles: ['client'],
      });
    }
    // Roles come from the owner: a client's key cannot reach admin routes.
    expect((await anonymous().withApiKey(key).get('/api/v1/users')).status).toBe(403);
    await sleep(50);
    const fetched = await owner.api.get(`/api/v1/api-keys/${id}`);
    expect(fetched.body.lastUsedAt).toEqual(expect.any(String));
  });

  it('refuses unknown, malformed and tampered keys', async () => {
    const { key } = await createKey(owner.api);
    const tampered = key.slice(0, -4) + (key.endsWith('AAAA') ? 'BBBB' : 'AAAA');
    for (const bad of [tampered, 'ib_00000000_' + 'A'.repeat(43), 'ib_nonsense', 'plain']) {
      const result = await anonymous().withApiKey(bad).get('/api/v1/auth/me');
      expect(result.status).toBe(401);
      expect(result.body.code).toBe('INVALID_API_KEY');
    }
  });

  it('revoking stops the key at once', async () => {
    const { id, key } = await createKey(owner.api);
    const api = anonymous().withApiKey(key);
    expect((await api.get('/api/v1/auth/me')).status).toBe(200);
    expect((await owner.api.delete(`/api/v1/api-keys/${id}`)).status).toBe(204);
    const after = await api.get('/api/v1/auth/me');
    expect(after.status).toBe(401);
    expect(after.body.code).toBe('INVALID_API_KEY');
    expect((await anonymous().withBearer(key).get('/api/v1/auth/me')).status).toBe(401);

    const listed = await owner.api.get('/api/v1/api-keys');
    expect(listed.body.items.map((k: { id: string }) => k.id)).not.toContain(id);
    const withRevoked = await owner.api.get('/api/v1/api-keys?includeRevoked=true');
    const revoked = withRevoked.body.items.find((k: { id: string }) => k.id === id);
    expect(revoked).toMatchObject({ status: 'revoked', revokedAt: expect.any(String) });
    // Idempotent.
    expect((await owner.api.delete(`/api/v1/api-keys/${id}`)).status).toBe(204);
  });

  it('an expired key stops working', async () => {
    const expiresAt = new Date(Date.now() + 1_200).toISOString();
    const { key } = await createKey(owner.api, { name: 'brief', expiresAt });
    const api = anonymous().withApiKey(key);
    expect((await api.get('/api/v1/auth/me')).status).toBe(200);
    await sleep(1_300);
    const after = await api.get('/api/v1/auth/me');
    expect(after.status).toBe(401);
    expect(after.body.message).toContain('expired');
    const past = await owner.api.post('/api/v1/api-keys', {
      name: 'past',
      expiresAt: '2001-01-01T00:00:00Z',
    });
    expect(past.status).toBe(400);
  });

  it('a disabled owner’s keys stop working at once', async () => {
    const temp = await createUser(admin, ['client'], 'keytemp');
    const { key } = await createKey(temp.api);
    await admin.post(`/api/v1/users/${temp.id}/disable`);
    const result = await anonymous().withApiKey(key).get('/api/v1/auth/me');
    expect(result.status).toBe(401);
    expect(result.body.code).toBe('ACCOUNT_DISABLED');
  });

  it('keys cannot mint keys or change the owner’s password', async () => {
    const { key } = await createKey(owner.api);
    const api = anonymous().withApiKey(key);
    const mint = await api.post('/api/v1/api-keys', { name: 'child' });
    expect(mint.status).toBe(403);
    expect(mint.body.code).toBe('USER_SESSION_REQUIRED');
    const password = await api.post('/api/v1/auth/password', {
      currentPassword: owner.password,
      newPassword: 'something else entirely',
    });
    expect(password.body.code).toBe('USER_SESSION_REQUIRED');
  });

  it('users manage only their own keys; admins manage all', async () => {
    const mine = await createKey(owner.api);
    expect((await other.api.get(`/api/v1/api-keys/${mine.id}`)).status).toBe(404);
    expect((await other.api.delete(`/api/v1/api-keys/${mine.id}`)).status).toBe(404);
    expect((await other.api.get(`/api/v1/api-keys?userId=${owner.id}`)).status).toBe(403);
    const forOwner = await other.api.post('/api/v1/api-keys', { name: 'x', userId: owner.id });
    expect(forOwner.status).toBe(403);
    const strangerList = await other.api.get('/api/v1/api-keys');
    expect(strangerList.body.items.every((k: { userId: string }) => k.userId === other.id)).toBe(
      true,
    );

    const all = await admin.get('/api/v1/api-keys');
    expect(all.body.items.map((k: { id: string }) => k.id)).toContain(mine.id);
    const byOwner = await admin.get(`/api/v1/api-keys?userId=${owner.id}`);
    expect(byOwner.body.items.every((k: { userId: string }) => k.userId === owner.id)).toBe(true);
    const made = await createKey(admin, { name: 'service', userId: other.id });
    const me = await anonymous().withApiKey(made.key).get('/api/v1/auth/me');
    expect(me.body.userId).toBe(other.id);
    expect((await admin.delete(`/api/v1/api-keys/${mine.id}`)).status).toBe(204);
  });

  it('refuses unknown fields and bad types', async () => {
    for (const body of [
      { name: 'x', prefix: 'ib_00000000' },
      { name: 'x', keyHash: 'abc' },
      { name: 5 },
      { name: 'x', expiresAt: 'tomorrow' },
      { name: '   ' },
    ]) {
      const result = await owner.api.post('/api/v1/api-keys', body);
      expect(result.status).toBe(400);
      expect(result.body.code).toBe('VALIDATION_FAILED');
    }
  });
});
