import { createHash } from 'node:crypto';

/** `prev_hash` of the first event ever written. */
export const GENESIS_HASH = '0'.repeat(64);

/** Bumped if the hashed layout ever changes, so old and new events stay verifiable. */
const CHAIN_FORMAT = 1;

/** The columns an event's hash covers, as they are stored. */
export interface ChainedEvent {
  seq: string;
  occurredAt: Date;
  actorType: string;
  actorId: string | null;
  actorName: string | null;
  actorIp: string | null;
  action: string;
  targetType: string | null;
  targetId: string | null;
  outcome: string;
  requestId: string | null;
  details: unknown;
  prevHash: string;
}

/**
 * SHA-256 over a fixed-order array of the event's columns. `details` is serialised with
 * sorted keys because PostgreSQL's jsonb does not keep key order, so the hash computed at
 * write time and the one recomputed from the stored row must agree.
 */
export function hashEvent(event: ChainedEvent): string {
  const material = JSON.stringify([
    CHAIN_FORMAT,
    event.seq,
    event.occurredAt.toISOString(),
    event.actorType,
    event.actorId,
    event.actorName,
    event.actorIp,
    event.action,
    event.targetType,
    event.targetId,
    event.outcome,
    event.requestId,
    canonicalJson(event.details ?? null),
    event.prevHash,
  ]);
  return createHash('sha256').update(material).digest('hex');
}

/** JSON with object keys sorted at every level; the form a value is hashed in. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object') {
    const source = value as Record<string, unknown>;
    const sorted: Record<string, unknown> = {};
    for (const key of Object.keys(source).sort()) sorted[key] = sortKeys(source[key]);
    return sorted;
  }
  return value;
}
