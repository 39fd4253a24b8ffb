import type { Logger } from '@nestjs/common';
import { RetentionSchedule } from './retention-schedule';

const HOUR_MS = 60 * 60 * 1000;

describe('RetentionSchedule', () => {
  let warnings: unknown[][];
  const logger = { warn: (...args: unknown[]) => warnings.push(args) } as unknown as Logger;

  beforeEach(() => {
    warnings = [];
    jest.useFakeTimers();
  });
  afterEach(() => jest.useRealTimers());

  it('sweeps after the first delay, then hourly', async () => {
    let sweeps = 0;
    const schedule = new RetentionSchedule('rows', async () => sweeps++, logger);
    schedule.start(30_000);
    await jest.advanceTimersByTimeAsync(29_999);
    expect(sweeps).toBe(0);
    await jest.advanceTimersByTimeAsync(1);
    expect(sweeps).toBe(1);
    await jest.advanceTimersByTimeAsync(HOUR_MS);
    expect(sweeps).toBe(2);
    await schedule.stop();
    await jest.advanceTimersByTimeAsync(3 * HOUR_MS);
    expect(sweeps).toBe(2);
  });

  it('logs a failed sweep and tries again at the next hour', async () => {
    let attempts = 0;
    const schedule = new RetentionSchedule(
      'rows',
      () => Promise.reject(new Error(`down ${++attempts}`)),
      logger,
    );
    schedule.start(0);
    await jest.advanceTimersByTimeAsync(HOUR_MS);
    expect(attempts).toBe(2);
    expect(warnings).toHaveLength(2);
    expect(warnings[0][1]).toBe('rows: retention sweep failed');
    await schedule.stop();
  });

  it('stop waits for a sweep under way and tells it to stop', async () => {
    let finish!: () => void;
    const seenStopping: boolean[] = [];
    const schedule: RetentionSchedule = new RetentionSchedule(
      'rows',
      () =>
        new Promise<void>((resolve) => {
          finish = () => {
            seenStopping.push(schedule.stopping);
            resolve();
          };
        }),
      logger,
    );
    schedule.start(0);
    await jest.advanceTimersByTimeAsync(0);
    let stopped = false;
    const stopping = schedule.stop().then(() => (stopped = true));
    await jest.advanceTimersByTimeAsync(0);
    expect(stopped).toBe(false);
    finish();
    await stopping;
    expect(seenStopping).toEqual([true]);
  });
});
