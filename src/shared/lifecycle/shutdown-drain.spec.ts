import type { HealthService } from '../health/health.service';
import type { ReadinessCheck } from '../health/readiness-check';
import { ShutdownDrain } from './shutdown-drain';

function drainWithChecks(): { drain: ShutdownDrain; checks: ReadinessCheck[] } {
  const checks: ReadinessCheck[] = [];
  const health = { register: (check: ReadinessCheck) => checks.push(check) };
  const drain = new ShutdownDrain(health as unknown as HealthService);
  drain.onModuleInit();
  return { drain, checks };
}

describe('ShutdownDrain', () => {
  it('reports ready until the drain starts, then not ready', async () => {
    const { drain, checks } = drainWithChecks();
    await expect(checks[0].check()).resolves.toBeUndefined();
    expect(drain.draining).toBe(false);
    await drain.drain(0);
    expect(drain.draining).toBe(true);
    await expect(checks[0].check()).rejects.toThrow(/shutting down/);
  });

  it('returns as soon as nothing is in flight, ending nothing', async () => {
    const { drain } = drainWithChecks();
    let calls = 2;
    const endRemaining = jest.fn();
    drain.register({ inFlight: () => calls, endRemaining });
    setTimeout(() => (calls = 0), 100);
    const started = Date.now();
    expect(await drain.drain(10_000)).toEqual({ ended: 0 });
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(endRemaining).not.toHaveBeenCalled();
  });

  it('ends what is still in flight at the deadline', async () => {
    const { drain } = drainWithChecks();
    const endRemaining = jest.fn();
    drain.register({ inFlight: () => 3, endRemaining });
    drain.register({ inFlight: () => 0, endRemaining });
    const started = Date.now();
    expect(await drain.drain(200)).toEqual({ ended: 3 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
    expect(endRemaining).toHaveBeenCalledTimes(2);
  });
});
