import { AppException } from '../../shared/errors/app.exception';
import type { RelayConfig } from '../relay.config';
import { InMemoryAttemptStore } from './in-memory-attempt-store';
import { failureDelayMs, LoginThrottleService } from './login-throttle.service';

const config = {
  LOGIN_MAX_FAILURES: 3,
  LOGIN_MAX_FAILURES_PER_IP: 5,
  LOGIN_FAILURE_WINDOW: 60,
  LOGIN_LOCKOUT: 30,
  LOGIN_FAILURE_DELAY_MS: 0,
} as RelayConfig;

describe('LoginThrottleService', () => {
  let now: number;
  let throttle: LoginThrottleService;
  const keys = (name: string, ip = '10.0.0.1') => ({ scope: 'login' as const, name, ip });

  beforeEach(() => {
    now = 1_700_000_000_000;
    jest.spyOn(Date, 'now').mockImplementation(() => now);
    throttle = new LoginThrottleService(new InMemoryAttemptStore(), config);
  });
  afterEach(() => jest.restoreAllMocks());

  async function fail(name: string, ip?: string): Promise<void> {
    await throttle.failed(await throttle.begin(keys(name, ip)));
  }

  async function refusal(name: string, ip?: string): Promise<AppException | undefined> {
    try {
      await throttle.begin(keys(name, ip));
      return undefined;
    } catch (error) {
      return error as AppException;
    }
  }

  it('locks a name after LOGIN_MAX_FAILURES failures, with Retry-After', async () => {
    for (let i = 0; i < 3; i++) await fail('alice');
    const error = await refusal('alice');
    expect(error?.getStatus()).toBe(429);
    expect(error?.code).toBe('TOO_MANY_ATTEMPTS');
    expect(error?.headers).toEqual({ 'Retry-After': '30' });
    now += 10_000;
    expect((await refusal('alice'))?.headers).toEqual({ 'Retry-After': '20' });
  });

  it('unlocks after LOGIN_LOCKOUT and counts afresh', async () => {
    for (let i = 0; i < 3; i++) await fail('alice');
    now += 30_000;
    expect(await refusal('alice')).toBeUndefined();
  });

  it('forgets failures older than the window', async () => {
    await fail('alice');
    await fail('alice');
    now += 60_000;
    await fail('alice');
    await fail('alice');
    expect(await refusal('alice')).toBeUndefined();
  });

  it('a success clears the name', async () => {
    await fail('alice');
    await fail('alice');
    await throttle.succeeded(await throttle.begin(keys('alice')));
    await fail('alice');
    await fail('alice');
    expect(await refusal('alice')).toBeUndefined();
  });

  it('locks an address that tries many names, without locking those names elsewhere', async () => {
    for (let i = 0; i < 5; i++) await fail(`user${i}`);
    expect((await refusal('fresh'))?.code).toBe('TOO_MANY_ATTEMPTS');
    expect(await refusal('fresh', '10.0.0.2')).toBeUndefined();
  });

  it('counts login and agent-token attempts separately', async () => {
    for (let i = 0; i < 3; i++) await fail('alice');
    const agentAttempt = await throttle.begin({
      scope: 'agent-token',
      name: 'alice',
      ip: '10.0.0.1',
    });
    expect(agentAttempt.subjectFailures).toBe(1);
  });

  it('counts a name case-insensitively and IPv6 callers per /64', async () => {
    await fail('Alice', '2001:db8::1');
    await fail('ALICE', '2001:db8::2');
    await fail('alice', '2001:db8::3');
    expect((await refusal('alice', '10.0.0.9'))?.code).toBe('TOO_MANY_ATTEMPTS');
    // Two more from the same /64 make five for that network.
    for (let i = 0; i < 2; i++) await fail(`n${i}`, `2001:db8::${i + 10}`);
    expect((await refusal('fresh', '2001:db8::ffff'))?.code).toBe('TOO_MANY_ATTEMPTS');
    expect(await refusal('fresh', '2001:db8:0:1::1')).toBeUndefined();
  });

  it('counts parallel attempts before they finish', async () => {
    const outcomes = await Promise.allSettled(
      Array.from({ length: 10 }, () => throttle.begin(keys('bob'))),
    );
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(3);
  });
});

describe('failureDelayMs', () => {
  it('doubles per failure and caps at 5 s', () => {
    expect([1, 2, 3, 4].map((n) => failureDelayMs(250, n))).toEqual([250, 500, 1000, 2000]);
    expect(failureDelayMs(250, 40)).toBe(5000);
    expect(failureDelayMs(0, 3)).toBe(0);
  });
});
