import { AuditRetentionService } from '../../src/relay/audit/audit-retention.service';
import { AuditService } from '../../src/relay/audit/audit.service';
import { AuditAction, AuditOutcome } from '../../src/relay/audit/audit-action';
import type { RelayConfig } from '../../src/relay/relay.config';
import { ADMIN, createUser, IDENTITY_ENV, loginAs, type Api } from '../utils/identity';
import { relaySql, tamperWithAudit } from '../utils/operations';
import { startRelay, type RunningApp } from '../utils/test-apps';

describe('audit log: hash chain, verification, reading', () => {
  let relay: RunningApp<RelayConfig>;
  let admin: Api;

  beforeAll(async () => {
    relay = await startRelay(IDENTITY_ENV);
    admin = (await loginAs(relay.url, ADMIN.username, ADMIN.password)).api;
    // A few administrative changes to chain: IP rules and a rate limit override.
    for (const cidr of ['198.51.100.0/24', '203.0.113.0/24', '2001:db8::/32']) {
      expect((await admin.post('/api/v1/security/ip-rules', { action: 'deny', cidr })).status).toBe(
        201,
      );
    }
  });
  afterAll(async () => {
    await relay?.close();
  });

  const verify = async () => {
    const result = await admin.get('/api/v1/audit-events/verify');
    expect(result.status).toBe(200);
    return result.body;
  };

  it('links every event to the one before, and verifies intact', async () => {
    const rows = await relaySql<{ seq: string; prev_hash: string; hash: string }>(
      relay,
      'select seq, prev_hash, hash from audit_events order by seq',
    );
    expect(rows.length).toBeGreaterThanOrEqual(3);
    expect(rows[0]).toMatchObject({ seq: '1', prev_hash: '0'.repeat(64) });
    for (let i = 1; i < rows.length; i++) {
      expect(Number(rows[i].seq)).toBe(Number(rows[i - 1].seq) + 1);
      expect(rows[i].prev_hash).toBe(rows[i - 1].hash);
    }
    const report = await verify();
    expect(report).toMatchObject({
      intact: true,
      checked: rows.length,
      firstSeq: 1,
      lastSeq: rows.length,
      headHash: rows[rows.length - 1].hash,
      brokenAt: null,
    });
  });

  it('keeps the chain linear under concurrent writes', async () => {
    const audit = relay.app.get(AuditService);
    await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        audit.record({
          action: AuditAction.UserUpdate,
          outcome: AuditOutcome.Success,
          target: { type: 'test', id: `concurrent-${i}` },
          details: { i, nested: { z: 1, a: [i, 'x'] } },
        }),
      ),
    );
    expect((await verify()).intact).toBe(true);
  });

  it('refuses UPDATE, DELETE and TRUNCATE in the database itself', async () => {
    await expect(
      relaySql(relay, `update audit_events set actor_name = 'x' where seq = 1`),
    ).rejects.toThrow(/append-only/);
    await expect(relaySql(relay, 'delete from audit_events where seq = 1')).rejects.toThrow(
      /append-only/,
    );
    await expect(relaySql(relay, 'truncate audit_events')).rejects.toThrow(/append-only/);
  });

  it('has no route that changes or deletes events', async () => {
    const [first] = (await admin.get('/api/v1/audit-events?limit=1')).body.items;
    for (const method of ['PUT', 'PATCH', 'DELETE']) {
      const result = await admin.request(method, `/api/v1/audit-events/${first.seq}`, {});
      expect([404, 405]).toContain(result.status);
    }
    expect((await admin.post('/api/v1/audit-events', {})).status).toBe(404);
  });

  it('finds the first altered event when one row is tampered with', async () => {
    const before = await verify();
    await tamperWithAudit(relay, `update audit_events set actor_name = 'mallory' where seq = 2`);
    const report = await verify();
    expect(report).toMatchObject({
      intact: false,
      brokenAt: { seq: 2, reason: 'hash_mismatch' },
      headHash: null,
    });
    expect(report.checked).toBe(1);
    // Recomputing the tampered row's own hash only moves the break to the next link.
    const [row] = await relaySql<{ hash: string }>(
      relay,
      'select hash from audit_events where seq = 2',
    );
    const { hashEvent } = await import('../../src/relay/audit/audit-chain');
    const [stored] = await relaySql<Record<string, unknown>>(
      relay,
      'select * from audit_events where seq = 2',
    );
    const rehashed = hashEvent({
      seq: String(stored.seq),
      occurredAt: stored.occurred_at as Date,
      actorType: stored.actor_type as string,
      actorId: stored.actor_id as string | null,
      actorName: stored.actor_name as string | null,
      actorIp: stored.actor_ip as string | null,
      action: stored.action as string,
      targetType: stored.target_type as string | null,
      targetId: stored.target_id as string | null,
      outcome: stored.outcome as string,
      requestId: stored.request_id as string | null,
      details: stored.details,
      prevHash: stored.prev_hash as string,
    });
    expect(rehashed).not.toBe(row.hash);
    await tamperWithAudit(relay, 'update audit_events set hash = $1 where seq = 2', [rehashed]);
    expect((await verify()).brokenAt).toMatchObject({ seq: 3, reason: 'prev_hash_mismatch' });
    // Put it back: the chain verifies again (the chain, not the trigger, is the evidence).
    await tamperWithAudit(
      relay,
      `update audit_events set actor_name = $1, hash = $2 where seq = 2`,
      [ADMIN.username, row.hash],
    );
    expect(before.intact).toBe(true);
    expect((await verify()).intact).toBe(true);
  });

  it('reports a removed event as a gap', async () => {
    const [last] = await relaySql<{ seq: string }>(
      relay,
      'select max(seq) as seq from audit_events',
    );
    const middle = Math.floor(Number(last.seq) / 2);
    const [saved] = await relaySql<Record<string, unknown>>(
      relay,
      'select * from audit_events where seq = $1',
      [middle],
    );
    await tamperWithAudit(relay, 'delete from audit_events where seq = $1', [middle]);
    expect((await verify()).brokenAt).toMatchObject({ seq: middle + 1, reason: 'sequence_gap' });
    await tamperWithAudit(
      relay,
      `insert into audit_events (seq, occurred_at, actor_type, actor_id, actor_name, actor_ip, action,
         target_type, target_id, outcome, request_id, details, prev_hash, hash)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
      [
        saved.seq,
        saved.occurred_at,
        saved.actor_type,
        saved.actor_id,
        saved.actor_name,
        saved.actor_ip,
        saved.action,
        saved.target_type,
        saved.target_id,
        saved.outcome,
        saved.request_id,
        saved.details,
        saved.prev_hash,
        saved.hash,
      ],
    );
    expect((await verify()).intact).toBe(true);
  });

  it('records who, from where, what, the target, the outcome and the request id', async () => {
    const response = await fetch(`${relay.url}/api/v1/security/ip-rules`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${(await loginAs(relay.url, ADMIN.username, ADMIN.password)).tokens.accessToken}`,
        'content-type': 'application/json',
        'x-request-id': 'audit-test-request-1',
      },
      body: JSON.stringify({ action: 'allow', cidr: '192.0.2.0/24', note: 'office' }),
    });
    expect(response.status).toBe(201);
    const rule = (await response.json()) as { id: string };
    const page = await admin.get('/api/v1/audit-events?requestId=audit-test-request-1');
    expect(page.body.items).toHaveLength(1);
    const [event] = page.body.items;
    expect(event).toMatchObject({
      action: 'ip_rule.create',
      outcome: 'success',
      actor: { type: 'user', name: ADMIN.username, ip: '127.0.0.1' },
      target: { type: 'ip_rule', id: rule.id },
      requestId: 'audit-test-request-1',
      details: { before: null, after: { cidr: '192.0.2.0/24', action: 'allow', note: 'office' } },
    });
    expect(event.occurredAt).toMatch(/^\d{4}-\d\d-\d\dT/);
  });

  it('filters by action, area, actor, target, outcome and time, and pages with a cursor', async () => {
    const all = (await admin.get('/api/v1/audit-events?limit=500')).body.items;
    const creates = (await admin.get('/api/v1/audit-events?action=ip_rule.create&limit=500')).body
      .items;
    expect(creates.length).toBe(
      all.filter((e: { action: string }) => e.action === 'ip_rule.create').length,
    );
    const area = (await admin.get('/api/v1/audit-events?action=ip_rule.*&limit=500')).body.items;
    expect(area.every((e: { action: string }) => e.action.startsWith('ip_rule.'))).toBe(true);
    const byActor = (await admin.get(`/api/v1/audit-events?actor=${ADMIN.username}&limit=500`)).body
      .items;
    expect(byActor.length).toBeGreaterThan(0);
    expect(byActor.every((e: { actor: { name: string } }) => e.actor.name === ADMIN.username)).toBe(
      true,
    );
    const target = creates[0].target.id;
    const byTarget = (await admin.get(`/api/v1/audit-events?target=${target}`)).body.items;
    expect(byTarget.map((e: { target: { id: string } }) => e.target.id)).toEqual([target]);
    expect((await admin.get('/api/v1/audit-events?outcome=denied')).body.items).toEqual([]);
    const future = new Date(Date.now() + 3_600_000).toISOString();
    expect((await admin.get(`/api/v1/audit-events?from=${future}`)).body.items).toEqual([]);
    const past = new Date(Date.now() - 3_600_000).toISOString();
    expect((await admin.get(`/api/v1/audit-events?to=${past}`)).body.items).toEqual([]);

    const seen: number[] = [];
    let cursor: string | null = null;
    do {
      const query: string = cursor ? `&cursor=${cursor}` : '';
      const page = await admin.get(`/api/v1/audit-events?limit=7${query}`);
      expect(page.status).toBe(200);
      seen.push(...page.body.items.map((e: { seq: number }) => e.seq));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual(all.map((e: { seq: number }) => e.seq));
    expect([...seen].sort((a, b) => b - a)).toEqual(seen);
    expect((await admin.get('/api/v1/audit-events?cursor=bm9wZQ')).status).toBe(400);
    expect((await admin.get('/api/v1/audit-events?action=DROP TABLE')).status).toBe(400);
  });

  it('exports NDJSON and CSV, streamed, oldest first', async () => {
    const { tokens } = await loginAs(relay.url, ADMIN.username, ADMIN.password);
    const total = (await admin.get('/api/v1/audit-events?limit=500')).body.items.length + 1;
    const ndjson = await fetch(`${relay.url}/api/v1/audit-events/export?format=ndjson`, {
      headers: { authorization: `Bearer ${tokens.accessToken}` },
    });
    expect(ndjson.status).toBe(200);
    expect(ndjson.headers.get('content-type')).toContain('application/x-ndjson');
    expect(ndjson.headers.get('content-disposition')).toMatch(
      /attachment; filename="audit-events-.*\.ndjson"/,
    );
    const lines = (await ndjson.text())
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(lines.length).toBeGreaterThanOrEqual(total - 1);
    expect(lines.map((e) => e.seq)).toEqual([...lines.map((e) => e.seq)].sort((a, b) => a - b));
    expect(lines[0]).toMatchObject({ seq: 1, hash: expect.stringMatching(/^[0-9a-f]{64}$/) });

    const csv = await fetch(`${relay.url}/api/v1/audit-events/export?format=csv&action=ip_rule.*`, {
      headers: { authorization: `Bearer ${tokens.accessToken}` },
    });
    expect(csv.headers.get('content-type')).toContain('text/csv');
    const rows = (await csv.text()).trim().split('\r\n');
    expect(rows[0]).toBe(
      'seq,occurredAt,actorType,actorId,actorName,actorIp,action,targetType,targetId,outcome,requestId,details,prevHash,hash',
    );
    expect(rows.length - 1).toBe(lines.filter((e) => e.action.startsWith('ip_rule.')).length);
    expect(
      (
        await fetch(`${relay.url}/api/v1/audit-events/export?format=xml`, {
          headers: { authorization: `Bearer ${tokens.accessToken}` },
        })
      ).status,
    ).toBe(400);
  });

  it('is readable by auditors and admins only', async () => {
    const auditor = await createUser(admin, ['auditor'], 'auditor');
    const operator = await createUser(admin, ['operator'], 'operator');
    const client = await createUser(admin, ['client'], 'client');
    expect((await auditor.api.get('/api/v1/audit-events')).status).toBe(200);
    expect((await auditor.api.get('/api/v1/audit-events/verify')).status).toBe(200);
    for (const user of [operator, client]) {
      expect((await user.api.get('/api/v1/audit-events')).status).toBe(403);
      expect((await user.api.get('/api/v1/audit-events/verify')).status).toBe(403);
      expect((await user.api.get('/api/v1/audit-events/export')).status).toBe(403);
    }
    expect((await admin.anonymous().get('/api/v1/audit-events')).status).toBe(401);
  });

  it('removes events past retention as a prefix, records it, and still verifies', async () => {
    const retention = relay.app.get(AuditRetentionService);
    const [{ count: before }] = await relaySql<{ count: string }>(
      relay,
      'select count(*) from audit_events',
    );
    const [{ seq: lastBefore }] = await relaySql<{ seq: string }>(
      relay,
      'select max(seq) as seq from audit_events',
    );
    const result = await retention.deleteBefore(new Date(Date.now() + 1_000));
    expect(result).toEqual({ deleted: Number(before), throughSeq: lastBefore });
    const remaining = await relaySql<{
      seq: string;
      action: string;
      details: Record<string, unknown>;
    }>(relay, 'select seq, action, details from audit_events order by seq');
    expect(remaining).toHaveLength(1);
    expect(remaining[0]).toMatchObject({
      seq: String(Number(lastBefore) + 1),
      action: 'audit.retention',
      details: { throughSeq: lastBefore, deleted: Number(before) },
    });
    const afterRetention = await verify();
    expect(afterRetention).toMatchObject({ intact: true, trimmedByRetention: true, checked: 1 });

    // Removing the oldest events without a retention run is caught.
    await admin.post('/api/v1/security/ip-rules', { action: 'deny', cidr: '100.64.0.0/10' });
    await tamperWithAudit(relay, 'delete from audit_events where seq = $1', [remaining[0].seq]);
    expect((await verify()).brokenAt).toMatchObject({ reason: 'missing_predecessor' });
  });
});
