import { ReconnectBackoff } from './reconnect-backoff';

const policy = { initialDelayMs: 500, maxDelayMs: 30_000, stableAfterMs: 60_000 };

describe('ReconnectBackoff', () => {
  it('doubles the ceiling from the initial delay up to the cap', () => {
    const backoff = new ReconnectBackoff(policy, () => 1);
    const delays = Array.from({ length: 10 }, () => backoff.next());
    expect(delays).toEqual([500, 1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000, 30000]);
  });

  it('draws each delay uniformly below the ceiling (full jitter)', () => {
    const draws = [0, 0.5, 0.25];
    const backoff = new ReconnectBackoff(policy, () => draws.shift()!);
    expect([backoff.next(), backoff.next(), backoff.next()]).toEqual([0, 500, 500]);
  });

  it('resets only after a stable connection', () => {
    const backoff = new ReconnectBackoff(policy, () => 1);
    backoff.next();
    backoff.next();
    backoff.connectionEnded(1_000);
    expect(backoff.next()).toBe(2000);
    backoff.connectionEnded(60_000);
    expect(backoff.next()).toBe(500);
  });
});
