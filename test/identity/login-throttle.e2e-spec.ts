import type { RelayConfig } from '../../src/relay/relay.config';
import { ADMIN, Api, createUser, IDENTITY_ENV, login, loginAs, sleep } from '../utils/identity';
import { startRelay, type RunningApp } from '../utils/test-apps';

/** Small limits so lockouts happen within a test: 3 per name, 20 per address, 2 s locks. */
const LIMITS = {
  ...IDENTITY_ENV,
  LOGIN_MAX_FAILURES: '3',
  LOGIN_MAX_FAILURES_PER_IP: '20',
  LOGIN_LOCKOUT: '2',
  LOGIN_FAILURE_DELAY_MS: '100',
};

describe('brute-force protection', () => {
  let relay: RunningApp<RelayConfig>;
  let admin: Api;

  beforeAll(async () => {
    relay = await startRelay(LIMITS);
    admin = (await loginAs(relay.url, ADMIN.username, ADMIN.password)).api;
  });
  afterAll(async () => {
    await relay?.close();
  });

  async function timed<T>(work: () => Promise<T>): Promise<[T, number]> {
    const started = Date.now();
    const result = await work();
    return [result, Date.now() - started];
  }

  it('slows repeated failures, then locks the name with 429 and Retry-After', async () => {
    const victim = await createUser(admin, ['client'], 'victim');
    const delays: number[] = [];
    for (let i = 0; i < 3; i++) {
      const [result, ms] = await timed(() => login(relay.url, victim.username, 'wrong password!'));
      expect(result.status).toBe(401);
      delays.push(ms);
    }
    // 100, 200, 400 ms of penalty.
    expect(delays[0]).toBeGreaterThanOrEqual(90);
    expect(delays[2]).toBeGreaterThanOrEqual(380);

    // Locked now: even the right password is refused, and the lock says for how long.
    const locked = await login(relay.url, victim.username, victim.password);
    expect(locked.status).toBe(429);
    expect(locked.body.code).toBe('TOO_MANY_ATTEMPTS');
    const retryAfter = Number(locked.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(2);

    // Other names are unaffected.
    expect((await login(relay.url, ADMIN.username, ADMIN.password)).status).toBe(200);

    await sleep(retryAfter * 1000 + 100);
    expect((await login(relay.url, victim.username, victim.password)).status).toBe(200);
  });

  it('locks unknown names exactly like known ones (no user enumeration)', async () => {
    for (let i = 0; i < 3; i++) {
      expect((await login(relay.url, 'ghost-user', 'wrong password!')).status).toBe(401);
    }
    const locked = await login(relay.url, 'ghost-user', 'wrong password!');
    expect(locked.status).toBe(429);
    expect(locked.headers.get('retry-after')).toBeTruthy();
  });

  it('a success resets the count for that name', async () => {
    const user = await createUser(admin, ['client'], 'resets');
    for (let round = 0; round < 3; round++) {
      await login(relay.url, user.username, 'wrong password!');
      await login(relay.url, user.username, 'wrong password!');
      expect((await login(relay.url, user.username, user.password)).status).toBe(200);
    }
  });

  it('protects the agent token exchange the same way', async () => {
    const agent = (await admin.post('/api/v1/agents', { name: 'throttled' })).body;
    const exchange = (secret: string) =>
      admin.anonymous().post('/api/v1/agents/token', { agentId: agent.id, secret });
    for (let i = 0; i < 3; i++) expect((await exchange('ibas_wrong')).status).toBe(401);
    const locked = await exchange(agent.secret);
    expect(locked.status).toBe(429);
    expect(locked.headers.get('retry-after')).toBeTruthy();
    await sleep(2_100);
    expect((await exchange(agent.secret)).status).toBe(200);
  });

  async function lockName(username: string): Promise<void> {
    for (let i = 0; i < 3; i++) await login(relay.url, username, 'wrong password!');
    expect((await login(relay.url, username, 'wrong password!')).status).toBe(429);
  }

  it('an admin lists a locked name and lifts it, audited; nobody else may', async () => {
    const user = await createUser(admin, ['client'], 'lifted');
    const operator = await createUser(admin, ['operator'], 'not-admin');
    await lockName(user.username);
    expect((await admin.get('/api/v1/login-throttle/locks')).body).toContainEqual({
      scope: 'login',
      kind: 'name',
      key: user.username,
      failures: 3,
      lockedUntil: expect.any(String),
    });

    const path = `/api/v1/login-throttle/names/${encodeURIComponent(user.username.toUpperCase())}`;
    for (const caller of [operator.api, user.api]) {
      expect((await caller.delete(path)).status).toBe(403);
      expect((await caller.get('/api/v1/login-throttle/locks')).status).toBe(403);
    }
    expect((await admin.anonymous().delete(path)).status).toBe(401);
    expect((await login(relay.url, user.username, user.password)).status).toBe(429);

    expect((await admin.delete(path)).status).toBe(204);
    expect((await login(relay.url, user.username, user.password)).status).toBe(200);
    const lifted = await admin.delete(path);
    expect([lifted.status, lifted.body.code]).toEqual([404, 'LOGIN_LOCK_NOT_FOUND']);

    const events = (await admin.get('/api/v1/audit-events?action=login_throttle.lift')).body.items;
    expect(events).toContainEqual(
      expect.objectContaining({
        actor: expect.objectContaining({ name: ADMIN.username }),
        target: { type: 'login_name', id: user.username },
        outcome: 'success',
        details: { wasLocked: true },
      }),
    );
  });

  it('a password reset clears the lock of that name', async () => {
    const user = await createUser(admin, ['client'], 'reset');
    await lockName(user.username);
    const password = 'a brand new password 1';
    expect((await admin.post(`/api/v1/users/${user.id}/password`, { password })).status).toBe(204);
    expect((await login(relay.url, user.username, password)).status).toBe(200);
  });

  it('refuses a lift of something that is not a name or an address with 400', async () => {
    const bad = await admin.delete('/api/v1/login-throttle/addresses/not-an-address');
    expect([bad.status, bad.body.code]).toEqual([400, 'VALIDATION_FAILED']);
    const long = await admin.delete(`/api/v1/login-throttle/names/${'x'.repeat(201)}`);
    expect([long.status, long.body.code]).toEqual([400, 'VALIDATION_FAILED']);
  });

  it('locks an address that sprays many names, and an admin can lift it', async () => {
    let status = 0;
    for (let i = 0; i < 30 && status !== 429; i++) {
      status = (await login(relay.url, `lift-spray-${i}`, 'wrong password!')).status;
    }
    expect(status).toBe(429);
    expect((await login(relay.url, ADMIN.username, ADMIN.password)).status).toBe(429);
    expect((await admin.get('/api/v1/login-throttle/locks')).body).toContainEqual(
      expect.objectContaining({ scope: 'login', kind: 'address', key: '127.0.0.1' }),
    );
    expect((await admin.delete('/api/v1/login-throttle/addresses/127.0.0.1')).status).toBe(204);
    expect((await login(relay.url, ADMIN.username, ADMIN.password)).status).toBe(200);
    const events = (await admin.get('/api/v1/audit-events?action=login_throttle.lift')).body.items;
    expect(events).toContainEqual(
      expect.objectContaining({ target: { type: 'login_address', id: '127.0.0.1' } }),
    );
  });

  it('locks an address that sprays many names', async () => {
    let status = 0;
    for (let i = 0; i < 30 && status !== 429; i++) {
      status = (await login(relay.url, `spray-${i}`, 'wrong password!')).status;
    }
    expect(status).toBe(429);
    // The address is locked for every name, even a correct login.
    const blocked = await login(relay.url, ADMIN.username, ADMIN.password);
    expect(blocked.status).toBe(429);
    await sleep(2_100);
    expect((await login(relay.url, ADMIN.username, ADMIN.password)).status).toBe(200);
  });
});
