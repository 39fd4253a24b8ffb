import { randomUUID } from 'node:crypto';
import type { RelayConfig } from '../../src/relay/relay.config';
import {
  ADMIN,
  Api,
  createUser,
  expectNoStoredSecrets,
  IDENTITY_ENV,
  login,
  loginAs,
} from '../utils/identity';
import { startRelay, type RunningApp } from '../utils/test-apps';

describe('users', () => {
  let relay: RunningApp<RelayConfig>;
  let admin: Api;
  let adminId: string;

  beforeAll(async () => {
    relay = await startRelay(IDENTITY_ENV);
    admin = (await loginAs(relay.url, ADMIN.username, ADMIN.password)).api;
    adminId = (await admin.get('/api/v1/auth/me')).body.id;
  });
  afterAll(async () => {
    await relay?.close();
  });

  const create = (body: object) => admin.post('/api/v1/users', body);

  it('creates a user, stored lower-case, never showing the password or its hash', async () => {
    const created = await create({
      username: 'Erin.Example',
      displayName: 'Erin',
      password: 'erin has a long password',
      roles: ['operator', 'auditor'],
    });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({
      id: expect.any(String),
      username: 'erin.example',
      displayName: 'Erin',
      roles: ['operator', 'auditor'],
      enabled: true,
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
      passwordChangedAt: expect.any(String),
      lastLoginAt: null,
    });
    expectNoStoredSecrets(created.body);
    expect(JSON.stringify(created.body)).not.toContain('erin has a long password');
    expect((await login(relay.url, 'erin.example', 'erin has a long password')).status).toBe(200);
    const fetched = await admin.get(`/api/v1/users/${created.body.id}`);
    expect(fetched.body.lastLoginAt).toEqual(expect.any(String));
    expectNoStoredSecrets(fetched.body);
  });

  it('refuses a taken username, whatever its case', async () => {
    const again = await create({ username: 'ADMIN', password: 'whatever long pw', roles: [] });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('USERNAME_TAKEN');
  });

  it('enforces the password policy', async () => {
    const short = await create({ username: 'frank', password: 'short', roles: [] });
    expect(short.status).toBe(400);
    expect(short.body.code).toBe('VALIDATION_FAILED');
    const same = await create({
      username: 'frank.franklin',
      password: 'Frank.Franklin',
      roles: [],
    });
    expect(same.status).toBe(400);
    expect(same.body.code).toBe('PASSWORD_POLICY');
    const reset = await admin.post(`/api/v1/users/${adminId}/password`, { password: 'tiny' });
    expect(reset.status).toBe(400);
  });

  it('refuses unknown fields (no mass assignment) and bad types', async () => {
    const cases: Array<[string, string, object]> = [
      [
        'POST',
        '/api/v1/users',
        { username: 'gina', password: 'gina long password', roles: [], passwordHash: 'x' },
      ],
      [
        'POST',
        '/api/v1/users',
        { username: 'gina', password: 'gina long password', roles: [], id: randomUUID() },
      ],
      [
        'POST',
        '/api/v1/users',
        { username: 'gina', password: 'gina long password', roles: ['root'] },
      ],
      ['POST', '/api/v1/users', { username: 42, password: 'gina long password', roles: [] }],
      [
        'POST',
        '/api/v1/users',
        { username: 'gina', password: 'gina long password', roles: 'admin' },
      ],
      ['PATCH', `/api/v1/users/${adminId}`, { tokenGeneration: 0 }],
      ['PATCH', `/api/v1/users/${adminId}`, { username: 'root' }],
      ['PATCH', `/api/v1/users/${adminId}`, { passwordHash: '$argon2id$...' }],
      ['PATCH', `/api/v1/users/${adminId}`, { enabled: 'yes' }],
      [
        'POST',
        `/api/v1/users/${adminId}/password`,
        { password: 'long enough password', roles: ['admin'] },
      ],
    ];
    for (const [method, path, body] of cases) {
      const result = await admin.request(method, path, body);
      expect({ path, body, status: result.status, code: result.body.code }).toEqual({
        path,
        body,
        status: 400,
        code: 'VALIDATION_FAILED',
      });
    }
    const query = await admin.get('/api/v1/users?limit=lots');
    expect(query.status).toBe(400);
    expect(query.body.code).toBe('VALIDATION_FAILED');
    expect((await admin.get('/api/v1/users?enabled=maybe')).status).toBe(400);
    expect((await admin.get('/api/v1/users?sort=id')).status).toBe(400);
    expect((await admin.get('/api/v1/users/not-a-uuid')).body.code).toBe('VALIDATION_FAILED');
  });

  it('lets nobody raise their own role or re-enable themselves', async () => {
    const mallory = await createUser(admin, ['client'], 'mallory');
    const raise = await mallory.api.patch(`/api/v1/users/${mallory.id}`, { roles: ['admin'] });
    expect(raise.status).toBe(403);
    expect(raise.body.code).toBe('FORBIDDEN');
    expect((await mallory.api.get('/api/v1/auth/me')).body.roles).toEqual(['client']);

    const ownRoles = await admin.patch(`/api/v1/users/${adminId}`, { roles: ['client'] });
    expect(ownRoles.status).toBe(403);
    expect(ownRoles.body.code).toBe('SELF_MODIFICATION_FORBIDDEN');
    const ownDisable = await admin.post(`/api/v1/users/${adminId}/disable`);
    expect(ownDisable.body.code).toBe('SELF_MODIFICATION_FORBIDDEN');
    expect((await admin.delete(`/api/v1/users/${adminId}`)).body.code).toBe(
      'SELF_MODIFICATION_FORBIDDEN',
    );
    // A disabled user cannot act at all, so cannot re-enable themselves.
    await admin.post(`/api/v1/users/${mallory.id}/disable`);
    const reenable = await mallory.api.post(`/api/v1/users/${mallory.id}/enable`);
    expect(reenable.status).toBe(401);
    expect((await admin.get(`/api/v1/users/${mallory.id}`)).body.enabled).toBe(false);
  });

  it('an admin changes another user’s display name, roles and flag', async () => {
    const henry = await createUser(admin, ['client'], 'henry');
    const updated = await admin.patch(`/api/v1/users/${henry.id}`, {
      displayName: 'Henry H.',
      roles: ['operator'],
    });
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({ displayName: 'Henry H.', roles: ['operator'] });
    expectNoStoredSecrets(updated.body);
    // The new role applies to the user's next request.
    expect((await henry.api.get('/api/v1/auth/me')).body.roles).toEqual(['operator']);
    expect((await henry.api.get('/api/v1/agents')).status).toBe(200);
    // An empty change is a no-op, not an error.
    const noop = await admin.patch(`/api/v1/users/${henry.id}`, {});
    expect(noop.status).toBe(200);
    expect(noop.body.roles).toEqual(['operator']);
  });

  it('lists users with pagination and filters', async () => {
    for (const role of ['auditor', 'auditor', 'client']) await createUser(admin, [role], 'listed');
    const page = await admin.get('/api/v1/users?limit=2&offset=0');
    expect(page.status).toBe(200);
    expect(page.body).toMatchObject({ limit: 2, offset: 0, total: expect.any(Number) });
    expect(page.body.items).toHaveLength(2);
    expect(page.body.total).toBeGreaterThanOrEqual(4);
    expectNoStoredSecrets(page.body);

    const auditors = await admin.get('/api/v1/users?role=auditor&q=listed');
    expect(auditors.body.total).toBe(2);
    expect(auditors.body.items.every((u: { roles: string[] }) => u.roles.includes('auditor'))).toBe(
      true,
    );
    const next = await admin.get('/api/v1/users?limit=1&offset=1&q=listed');
    expect(next.body.items).toHaveLength(1);
    expect(next.body.total).toBe(3);
    const none = await admin.get('/api/v1/users?q=%25');
    expect(none.body.total).toBe(0);
    const disabled = await admin.get('/api/v1/users?enabled=false');
    expect(disabled.body.items.every((u: { enabled: boolean }) => !u.enabled)).toBe(true);
  });

  it('deletes a user with their API keys', async () => {
    const ivy = await createUser(admin, ['client'], 'ivy');
    const key = (await ivy.api.post('/api/v1/api-keys', { name: 'ivy-key' })).body.key as string;
    const withKey = new Api(relay.url).withApiKey(key);
    expect((await withKey.get('/api/v1/auth/me')).status).toBe(200);
    expect((await admin.delete(`/api/v1/users/${ivy.id}`)).status).toBe(204);
    expect((await admin.get(`/api/v1/users/${ivy.id}`)).body.code).toBe('USER_NOT_FOUND');
    expect((await withKey.get('/api/v1/auth/me')).status).toBe(401);
    expect((await admin.delete(`/api/v1/users/${ivy.id}`)).status).toBe(404);
  });

  it('answers unknown users with 404 USER_NOT_FOUND', async () => {
    const id = randomUUID();
    for (const [method, path, body] of [
      ['GET', `/api/v1/users/${id}`, undefined],
      ['PATCH', `/api/v1/users/${id}`, { displayName: 'x' }],
      ['POST', `/api/v1/users/${id}/disable`, {}],
      ['POST', `/api/v1/users/${id}/password`, { password: 'long enough password' }],
    ] as const) {
      const result = await admin.request(method, path, body);
      expect(result.status).toBe(404);
      expect(result.body.code).toBe('USER_NOT_FOUND');
    }
  });
});
