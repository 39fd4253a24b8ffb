import { canonicalJson, GENESIS_HASH, hashEvent, type ChainedEvent } from './audit-chain';

const event: ChainedEvent = {
  seq: '1',
  occurredAt: new Date('2026-01-02T03:04:05.678Z'),
  actorType: 'user',
  actorId: 'u1',
  actorName: 'alice',
  actorIp: '192.0.2.1',
  action: 'auth.login',
  targetType: 'user',
  targetId: 'u1',
  outcome: 'success',
  requestId: 'r1',
  details: { b: 1, a: { d: [1, { y: 2, x: 1 }], c: null } },
  prevHash: GENESIS_HASH,
};

describe('audit chain', () => {
  it('hashes to 64 hex characters, deterministically', () => {
    expect(hashEvent(event)).toMatch(/^[0-9a-f]{64}$/);
    expect(hashEvent(event)).toBe(hashEvent({ ...event }));
  });

  it('does not depend on key order in details (jsonb reorders keys)', () => {
    const reordered = { ...event, details: { a: { c: null, d: [1, { x: 1, y: 2 }] }, b: 1 } };
    expect(hashEvent(reordered)).toBe(hashEvent(event));
  });

  it('changes when any column or the link changes', () => {
    const base = hashEvent(event);
    const variants: Array<Partial<ChainedEvent>> = [
      { seq: '2' },
      { occurredAt: new Date('2026-01-02T03:04:05.679Z') },
      { actorType: 'apiKey' },
      { actorId: 'u2' },
      { actorName: 'mallory' },
      { actorIp: '192.0.2.2' },
      { action: 'auth.logout' },
      { targetType: null },
      { targetId: 'u2' },
      { outcome: 'failure' },
      { requestId: null },
      { details: { b: 2, a: { d: [1, { y: 2, x: 1 }], c: null } } },
      { prevHash: 'f'.repeat(64) },
    ];
    for (const change of variants) expect(hashEvent({ ...event, ...change })).not.toBe(base);
  });

  it('serialises with sorted keys at every level', () => {
    expect(canonicalJson({ b: [{ d: 1, c: 2 }], a: 'x' })).toBe('{"a":"x","b":[{"c":2,"d":1}]}');
  });
});
