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
