import type { AuditEventView } from './dto/audit-event.view';

export const CSV_COLUMNS = [
  'seq',
  'occurredAt',
  'actorType',
  'actorId',
  'actorName',
  'actorIp',
  'action',
  'targetType',
  'targetId',
  'outcome',
  'requestId',
  'details',
  'prevHash',
  'hash',
] as const;

export function csvHeader(): string {
  return `${CSV_COLUMNS.join(',')}\r\n`;
}

/** One RFC 4180 record; cells a spreadsheet would run as a formula are prefixed with '. */
export function csvRow(event: AuditEventView): string {
  const cells: Record<(typeof CSV_COLUMNS)[number], unknown> = {
    seq: event.seq,
    occurredAt: event.occurredAt,
    actorType: event.actor.type,
    actorId: event.actor.id,
    actorName: event.actor.name,
    actorIp: event.actor.ip,
    action: event.action,
    targetType: event.target.type,
    targetId: event.target.id,
    outcome: event.outcome,
    requestId: event.requestId,
    details: event.details === null ? null : JSON.stringify(event.details),
    prevHash: event.prevHash,
    hash: event.hash,
  };
  return `${CSV_COLUMNS.map((column) => csvCell(cells[column])).join(',')}\r\n`;
}

export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  let text = typeof value === 'string' ? value : JSON.stringify(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function ndjsonRow(event: AuditEventView): string {
  return `${JSON.stringify(event)}\n`;
}
