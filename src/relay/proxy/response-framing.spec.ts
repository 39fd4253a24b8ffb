import { ResponseFraming } from './response-framing';

describe('ResponseFraming', () => {
  it('admits bytes up to the declared length and is complete exactly there', () => {
    const framing = new ResponseFraming(5);
    expect(framing.admit(3)).toBe(true);
    expect(framing.complete).toBe(false);
    expect(framing.admit(2)).toBe(true);
    expect(framing.complete).toBe(true);
  });

  it('refuses a chunk that would run past the declared length, counting none of it', () => {
    const framing = new ResponseFraming(5);
    expect(framing.admit(3)).toBe(true);
    expect(framing.admit(3)).toBe(false);
    expect(framing.admit(2)).toBe(true);
    expect(framing.admit(1)).toBe(false);
  });

  it('allows an empty body only when zero was declared', () => {
    expect(new ResponseFraming(0).complete).toBe(true);
    expect(new ResponseFraming(1).complete).toBe(false);
    expect(new ResponseFraming(0).admit(1)).toBe(false);
  });

  it('accepts any length when no length was declared', () => {
    const framing = new ResponseFraming();
    expect(framing.complete).toBe(true);
    expect(framing.admit(1 << 30)).toBe(true);
    expect(framing.complete).toBe(true);
  });
});
