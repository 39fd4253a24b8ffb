import { FrameBudget } from './frame-budget';

function clock(start = 1_000_000): { now: () => number; advance(ms: number): void } {
  let at = start;
  return { now: () => at, advance: (ms) => (at += ms) };
}

function takeAll(budget: FrameBudget, limit = 1_000_000): number {
  let taken = 0;
  while (taken < limit && budget.take()) taken += 1;
  return taken;
}

describe('FrameBudget', () => {
  it('allows a burst, then refuses', () => {
    const time = clock();
    const budget = new FrameBudget({ perSecond: 10, burst: 5 }, time.now);
    expect(takeAll(budget)).toBe(5);
    expect(budget.take()).toBe(false);
  });

  it('refills at the sustained rate', () => {
    const time = clock();
    const budget = new FrameBudget({ perSecond: 10, burst: 5 }, time.now);
    takeAll(budget);
    time.advance(100);
    expect(budget.take()).toBe(true);
    expect(budget.take()).toBe(false);
    time.advance(250);
    expect(takeAll(budget)).toBe(2);
  });

  it('never holds more than the burst, however long the peer was quiet', () => {
    const time = clock();
    const budget = new FrameBudget({ perSecond: 100, burst: 3 }, time.now);
    time.advance(60_000);
    expect(takeAll(budget)).toBe(3);
  });

  it('lets a peer at the sustained rate go on for ever', () => {
    const time = clock();
    const budget = new FrameBudget({ perSecond: 50, burst: 10 }, time.now);
    for (let i = 0; i < 10_000; i += 1) {
      time.advance(20);
      expect(budget.take()).toBe(true);
    }
  });

  it('keeps fractional credit between takes', () => {
    const time = clock();
    const budget = new FrameBudget({ perSecond: 3, burst: 1 }, time.now);
    expect(budget.take()).toBe(true);
    time.advance(200);
    expect(budget.take()).toBe(false);
    time.advance(200);
    expect(budget.take()).toBe(true);
  });
});
