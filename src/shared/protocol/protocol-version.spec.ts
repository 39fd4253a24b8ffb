import { PROTOCOL_VERSION, isCompatible } from './protocol-version';

describe('protocol version', () => {
  it('is compatible with itself only (for version 1)', () => {
    expect(PROTOCOL_VERSION).toBe(1);
    expect(isCompatible(PROTOCOL_VERSION)).toBe(true);
    expect(isCompatible(0)).toBe(false);
    expect(isCompatible(PROTOCOL_VERSION + 1)).toBe(false);
    expect(isCompatible(1.5)).toBe(false);
    expect(isCompatible(Number.NaN)).toBe(false);
  });
});
