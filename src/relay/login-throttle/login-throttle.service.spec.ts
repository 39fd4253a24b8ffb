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
    await (await throttle.begin(keys(name, ip))).settle(async () => null);
  }

  async function succeed(name: string, ip?: string): Promise<void> {
    await (await throttle.begin(keys(name, ip))).settle(async () => ({ id: name }));
  }

  async function breakDown(name: string, ip?: string): Promise<void> {
    const attempt = await throttle.begin(keys(name, ip));
    await expect(
      attempt.settle(() => Promise.reject(new Error('connection terminated'))),
    ).rejects.toThrow('connection terminated');
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
    await succeed('alice');
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

  it('a check that throws is not counted, for the name nor the address', async () => {
    // Twenty is past both limits (3 per name, 5 per address): any count would lock.
    for (let i = 0; i < 20; i++) await breakDown('alice');
    await fail('alice');
    expect((await throttle.begin(keys('alice'))).subjectFailures).toBe(2);
  });

  it('a check that throws while others are in flight gives back only its own slot', async () => {
    const held = await Promise.all([throttle.begin(keys('bob')), throttle.begin(keys('bob'))]);
    await breakDown('bob');
    await held[0].settle(async () => false);
    await held[1].settle(async () => false);
    await fail('bob');
    expect((await refusal('bob'))?.code).toBe('TOO_MANY_ATTEMPTS');
  });

  it('settles an attempt once', async () => {
    const attempt = await throttle.begin(keys('carol'));
    await attempt.settle(async () => true);
    await expect(attempt.settle(async () => true)).rejects.toThrow('settled once');
  });

  it('lifts a locked name in every scope, and lists locks until then', async () => {
    for (let i = 0; i < 3; i++) await fail('alice');
    expect(await throttle.locks()).toEqual([
      expect.objectContaining({ scope: 'login', kind: 'name', key: 'alice', failures: 3 }),
    ]);
    expect(await throttle.liftName('ALICE')).toEqual({ held: true, locked: true });
    expect(await throttle.locks()).toEqual([]);
    expect(await throttle.liftName('alice')).toEqual({ held: false, locked: false });
    // Counted from afresh: two more failures (from another address) do not lock it.
    await fail('alice', '10.0.0.7');
    expect(await throttle.liftName('alice')).toEqual({ held: true, locked: false });
    for (let i = 0; i < 2; i++) await fail('alice', '10.0.0.7');
    expect(await refusal('alice', '10.0.0.7')).toBeUndefined();
  });

  it('lifts a locked address (IPv6: its /64) without touching names', async () => {
    for (let i = 0; i < 5; i++) await fail(`user${i}`, '2001:db8::1');
    expect((await refusal('fresh', '2001:db8::2'))?.code).toBe('TOO_MANY_ATTEMPTS');
    expect(await throttle.locks()).toEqual([
      expect.objectContaining({ kind: 'address', key: '2001:db8:0:0::/64', failures: 5 }),
    ]);
    expect(await throttle.liftAddress('2001:db8::ffff')).toEqual({ held: true, locked: true });
    expect(await refusal('fresh', '2001:db8::2')).toBeUndefined();
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
