import type { Principal } from '../../src/shared/auth/principal';
import { Role } from '../../src/shared/auth/role.enum';
import { OperationsMetrics } from '../../src/relay/metrics/operations-metrics';
import type { ProxiedCall } from '../../src/relay/proxy/proxy.service';
import type { RelayConfig } from '../../src/relay/relay.config';
import { ProxyCallObserver } from '../../src/relay/transfer-stats/proxy-call-observer';
import { TransferRecorder } from '../../src/relay/transfer-stats/transfer-recorder';
import { TransferRollups } from '../../src/relay/transfer-stats/transfer-rollups';
import { TransferRetentionService } from '../../src/relay/transfer-stats/transfer-retention.service';
import { ADMIN, createUser, IDENTITY_ENV, loginAs, type Api } from '../utils/identity';
import { parsePrometheus, relaySql } from '../utils/operations';
import { startRelay, type RunningApp } from '../utils/test-apps';
import { provisionTestDatabase } from '../utils/test-database';

const AGENT_A = '0a0a0a0a-0000-4000-8000-00000000000a';
const AGENT_B = '0b0b0b0b-0000-4000-8000-00000000000b';
const ALICE: Principal = {
  type: 'user',
  id: 'a11ce000-0000-4000-8000-000000000001',
  userId: 'a11ce000-0000-4000-8000-000000000001',
  name: 'alice',
  roles: [Role.Client],
};
const REPORTS_KEY: Principal = {
  type: 'apiKey',
  id: 'bbbbbbbb-0000-4000-8000-000000000002',
  userId: ALICE.id,
  name: 'reports',
  roles: [Role.Client],
};

let sequence = 0;
function call(overrides: Partial<ProxiedCall> & { startedAt: Date }): ProxiedCall {
  sequence += 1;
  return {
    requestId: `req-${sequence}`,
    principal: ALICE,
    agentId: AGENT_A,
    datasource: 'crm',
    operation: 'GET',
    path: '/api/customers',
    durationMs: 10,
    status: 200,
    bytesIn: 0,
    bytesOut: 100,
    contentType: 'application/json; charset=utf-8',
    ...overrides,
  };
}

/** The nearest-rank percentile of the exact values. */
function nearestRank(values: number[], fraction: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(1, Math.ceil(fraction * sorted.length)) - 1];
}

/** A percentile from the latency sketches: within 4.4% of the exact nearest-rank value. */
function expectPercentile(actual: number, values: number[], fraction: number): void {
  const truth = nearestRank(values, fraction);
  expect(Math.abs(actual - truth)).toBeLessThanOrEqual(truth * 0.0443 + 0.01);
}

const round2 = (value: number) => Math.round(value * 100) / 100;

describe('transfer statistics for a known set of calls', () => {
  let relay: RunningApp<RelayConfig>;
  let admin: Api;
  const base = Date.parse('2026-03-04T10:00:00.000Z');
  const at = (minutes: number, seconds = 0) => new Date(base + minutes * 60_000 + seconds * 1000);
  const calls: ProxiedCall[] = [];
  const durations = [5, 7, 9, 12, 15, 20, 31, 45, 80, 250, 1200, 3, 8, 13, 21, 34, 55, 89];
  durations.forEach((durationMs, i) => {
    const minute = i % 3; // 10:00, 10:01, 10:02
    calls.push(
      call({
        startedAt: at(minute, i),
        durationMs,
        agentId: i % 2 === 0 ? AGENT_A : AGENT_B,
        datasource: i % 4 < 2 ? 'crm' : 'sales',
        principal: i % 3 === 0 ? REPORTS_KEY : ALICE,
        status: i % 6 === 5 ? 502 : i % 5 === 4 ? 404 : 200,
        bytesIn: i * 10,
        bytesOut: 1000 + i,
        contentType: i % 2 === 0 ? 'application/json; charset=utf-8' : 'text/csv',
        operation: i % 7 === 0 ? 'query' : 'GET',
      }),
    );
  });
  // One more on the next day, outside most ranges below.
  calls.push(call({ startedAt: new Date(base + 86_400_000), durationMs: 1, bytesOut: 1 }));

  beforeAll(async () => {
    relay = await startRelay({ ...IDENTITY_ENV, TRANSFER_FLUSH_INTERVAL_MS: '60000' });
    admin = (await loginAs(relay.url, ADMIN.username, ADMIN.password)).api;
    const observer = relay.app.get(ProxyCallObserver);
    for (const one of calls) observer.observe(one);
    await relay.app.get(TransferRecorder).flush();
    await relay.app.get(TransferRollups).flush();
  });
  afterAll(async () => {
    await relay?.close();
  });

  const day = calls.slice(0, -1);
  const range = `from=${at(0).toISOString()}&to=${at(60).toISOString()}`;

  it('stores one record per call with what the proxy reported', async () => {
    const page = await admin.get(`/api/v1/transfer-stats/records?${range}&limit=1000`);
    expect(page.status).toBe(200);
    expect(page.body.items).toHaveLength(day.length);
    const first = page.body.items.find(
      (r: { requestId: string }) => r.requestId === day[0].requestId,
    );
    expect(first).toEqual({
      id: expect.any(String),
      startedAt: day[0].startedAt.toISOString(),
      requestId: day[0].requestId,
      principal: { type: 'apiKey', id: REPORTS_KEY.id, name: 'reports' },
      agentId: AGENT_A,
      datasource: 'crm',
      operation: 'query',
      path: '/api/customers',
      status: 200,
      errorCode: null,
      bytesIn: 0,
      bytesOut: 1000,
      durationMs: 5,
      contentType: 'application/json',
    });
    const filtered = await admin.get(
      `/api/v1/transfer-stats/records?${range}&agentId=${AGENT_B}&status=404`,
    );
    expect(filtered.body.items.map((r: { requestId: string }) => r.requestId).sort()).toEqual(
      day
        .filter((c) => c.agentId === AGENT_B && c.status === 404)
        .map((c) => c.requestId)
        .sort(),
    );
  });

  it('pages records newest first with a cursor', async () => {
    const ids: string[] = [];
    let cursor: string | null = null;
    do {
      const query: string = cursor ? `&cursor=${cursor}` : '';
      const page = await admin.get(`/api/v1/transfer-stats/records?${range}&limit=5${query}`);
      ids.push(...page.body.items.map((r: { id: string }) => r.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(ids).toHaveLength(day.length);
    expect([...ids].sort((a, b) => Number(b) - Number(a))).toEqual(ids);
  });

  it('totals calls, bytes, errors and sketched percentiles over the range', async () => {
    const result = await admin.get(`/api/v1/transfer-stats?bucket=total&${range}`);
    expect(result.status).toBe(200);
    expect(result.body.rows).toHaveLength(1);
    const durations = day.map((c) => c.durationMs);
    const errors = day.filter((c) => c.status >= 400).length;
    expect(result.body.rows[0]).toEqual({
      bucketStart: null,
      calls: day.length,
      bytesIn: day.reduce((sum, c) => sum + c.bytesIn, 0),
      bytesOut: day.reduce((sum, c) => sum + c.bytesOut, 0),
      errors,
      serverErrors: day.filter((c) => c.status >= 500).length,
      errorRate: Math.round((errors / day.length) * 10_000) / 10_000,
      durationMs: {
        p50: expect.any(Number),
        p95: expect.any(Number),
        p99: expect.any(Number),
        avg: round2(durations.reduce((a, b) => a + b, 0) / durations.length),
        max: Math.max(...durations),
      },
    });
    for (const [name, fraction] of [
      ['p50', 0.5],
      ['p95', 0.95],
      ['p99', 0.99],
    ] as const) {
      expectPercentile(result.body.rows[0].durationMs[name], durations, fraction);
    }
  });

  it('buckets by minute, hour and day (UTC)', async () => {
    const minutes = await admin.get(`/api/v1/transfer-stats?bucket=minute&${range}`);
    expect(minutes.body.rows.map((r: { bucketStart: string }) => r.bucketStart)).toEqual([
      at(0).toISOString(),
      at(1).toISOString(),
      at(2).toISOString(),
    ]);
    for (const [index, row] of minutes.body.rows.entries()) {
      const inMinute = day.filter((_, i) => i % 3 === index);
      expect(row.calls).toBe(inMinute.length);
      expectPercentile(
        row.durationMs.p95,
        inMinute.map((c) => c.durationMs),
        0.95,
      );
    }
    const hours = await admin.get(`/api/v1/transfer-stats?bucket=hour&${range}`);
    expect(hours.body.rows).toEqual([
      expect.objectContaining({ bucketStart: at(0).toISOString(), calls: day.length }),
    ]);
    const days = await admin.get(
      `/api/v1/transfer-stats?bucket=day&from=2026-03-01T00:00:00Z&to=2026-03-10T00:00:00Z`,
    );
    expect(
      days.body.rows.map((r: { bucketStart: string; calls: number }) => [r.bucketStart, r.calls]),
    ).toEqual([
      ['2026-03-04T00:00:00.000Z', day.length],
      ['2026-03-05T00:00:00.000Z', 1],
    ]);
  });

  it('groups by agent, datasource, principal, status class and content type', async () => {
    const group = async (by: string) =>
      (await admin.get(`/api/v1/transfer-stats?bucket=total&${range}&groupBy=${by}`)).body.rows;

    const byAgent = await group('agent');
    expect(byAgent.map((r: { agentId: string; calls: number }) => [r.agentId, r.calls])).toEqual([
      [AGENT_A, day.filter((c) => c.agentId === AGENT_A).length],
      [AGENT_B, day.filter((c) => c.agentId === AGENT_B).length],
    ]);
    const agentB = day.filter((c) => c.agentId === AGENT_B);
    expectPercentile(
      byAgent[1].durationMs.p50,
      agentB.map((c) => c.durationMs),
      0.5,
    );
    expect(byAgent[1].bytesOut).toBe(agentB.reduce((sum, c) => sum + c.bytesOut, 0));

    const byDatasource = await group('datasource');
    expect(byDatasource).toHaveLength(4);
    for (const row of byDatasource) {
      const expected = day.filter(
        (c) => c.agentId === row.agentId && c.datasource === row.datasource,
      );
      expect(row.calls).toBe(expected.length);
    }

    const byPrincipal = await group('principal');
    expect(
      byPrincipal
        .map((r: { principal: { name: string }; calls: number }) => [r.principal.name, r.calls])
        .sort(),
    ).toEqual(
      [
        ['alice', day.filter((c) => c.principal === ALICE).length],
        ['reports', day.filter((c) => c.principal === REPORTS_KEY).length],
      ].sort(),
    );

    const byStatus = await group('statusClass');
    expect(
      byStatus.map((r: { statusClass: string; calls: number; errorRate: number }) => [
        r.statusClass,
        r.calls,
        r.errorRate,
      ]),
    ).toEqual([
      ['2xx', day.filter((c) => c.status < 300).length, 0],
      ['4xx', day.filter((c) => c.status === 404).length, 1],
      ['5xx', day.filter((c) => c.status === 502).length, 1],
    ]);

    const byType = await group('contentType');
    expect(
      byType.map((r: { contentType: string; calls: number }) => [r.contentType, r.calls]),
    ).toEqual([
      ['application/json', day.filter((c) => c.contentType?.startsWith('application/json')).length],
      ['text/csv', day.filter((c) => c.contentType === 'text/csv').length],
    ]);

    const combined = await group('agent,statusClass');
    const total = combined.reduce((sum: number, r: { calls: number }) => sum + r.calls, 0);
    expect(total).toBe(day.length);
    expect(combined[0]).toMatchObject({ agentId: AGENT_A, statusClass: '2xx' });
  });

  it('filters by agent, datasource and principal, and validates its query', async () => {
    const one = await admin.get(
      `/api/v1/transfer-stats?bucket=total&${range}&agentId=${AGENT_A}&datasource=sales&principalId=${ALICE.id}`,
    );
    expect(one.body.rows[0].calls).toBe(
      day.filter((c) => c.agentId === AGENT_A && c.datasource === 'sales' && c.principal === ALICE)
        .length,
    );
    expect((await admin.get('/api/v1/transfer-stats?bucket=week')).status).toBe(400);
    expect((await admin.get('/api/v1/transfer-stats?groupBy=agent,color')).status).toBe(400);
    expect(
      (
        await admin.get(
          '/api/v1/transfer-stats?bucket=minute&from=2026-01-01T00:00:00Z&to=2026-02-01T00:00:00Z',
        )
      ).status,
    ).toBe(400);
    expect(
      (
        await admin.get(
          `/api/v1/transfer-stats?from=${at(5).toISOString()}&to=${at(0).toISOString()}`,
        )
      ).status,
    ).toBe(400);
  });

  it('is readable by operators and auditors, not by clients', async () => {
    for (const role of ['operator', 'auditor']) {
      const user = await createUser(admin, [role], role);
      expect((await user.api.get('/api/v1/transfer-stats')).status).toBe(200);
      expect((await user.api.get('/api/v1/transfer-stats/records')).status).toBe(200);
    }
    const client = await createUser(admin, ['client'], 'client');
    expect((await client.api.get('/api/v1/transfer-stats')).status).toBe(403);
  });
});

describe('transfer records off the hot path', () => {
  it('never waits for the database, writes in batches, and flushes at shutdown', async () => {
    const database = await provisionTestDatabase();
    try {
      const first = await startRelay({
        ...IDENTITY_ENV,
        ...database.env,
        TRANSFER_FLUSH_INTERVAL_MS: '60000',
        TRANSFER_BATCH_SIZE: '5000',
      });
      const observer = first.app.get(ProxyCallObserver);
      const recorder = first.app.get(TransferRecorder);
      const started = process.hrtime.bigint();
      for (let i = 0; i < 2_000; i++)
        observer.observe(call({ startedAt: new Date(), bytesOut: i }));
      const elapsedMs = Number(process.hrtime.bigint() - started) / 1e6;
      // Recording is an in-memory append: 2,000 calls take a few ms, nothing reached the database.
      expect(elapsedMs).toBeLessThan(500);
      expect(recorder.pending).toBe(2_000);
      expect(await relaySql(first, 'select count(*)::int as n from transfer_records')).toEqual([
        { n: 0 },
      ]);
      await first.close();

      const second = await startRelay({ ...IDENTITY_ENV, ...database.env });
      try {
        expect(
          await relaySql(
            second,
            'select count(*)::int as n, sum(bytes_out)::int as bytes from transfer_records',
          ),
        ).toEqual([{ n: 2_000, bytes: (1_999 * 2_000) / 2 }]);
        for (const span of ['minute', 'hour']) {
          expect(
            await relaySql(second, `select sum(calls)::int as n from transfer_rollups_${span}`),
          ).toEqual([{ n: 2_000 }]);
        }
      } finally {
        await second.close();
      }
    } finally {
      await database.release();
    }
  });

  it('keeps a bounded buffer while the database is unreachable, then catches up', async () => {
    const relay = await startRelay({
      ...IDENTITY_ENV,
      TRANSFER_FLUSH_INTERVAL_MS: '60000',
      TRANSFER_MAX_BUFFERED: '100',
    });
    try {
      const observer = relay.app.get(ProxyCallObserver);
      const recorder = relay.app.get(TransferRecorder);
      await relaySql(relay, 'alter table transfer_records rename to transfer_records_away');
      for (let i = 0; i < 150; i++) observer.observe(call({ startedAt: new Date() }));
      await recorder.flush();
      expect(recorder.pending).toBe(100);
      await relaySql(relay, 'alter table transfer_records_away rename to transfer_records');
      await recorder.flush();
      expect(recorder.pending).toBe(0);
      expect(await relaySql(relay, 'select count(*)::int as n from transfer_records')).toEqual([
        { n: 100 },
      ]);
      const dropped = await relay.app.get(OperationsMetrics).transferRecordsDropped.get();
      expect(dropped.values[0].value).toBe(50);
    } finally {
      await relay.close();
    }
  });

  it('keeps rollup cells through a failed write and adds them, with later calls, once it works', async () => {
    const relay = await startRelay({ ...IDENTITY_ENV, TRANSFER_FLUSH_INTERVAL_MS: '60000' });
    try {
      const observer = relay.app.get(ProxyCallObserver);
      const recorder = relay.app.get(TransferRecorder);
      const minute = new Date(Math.floor(Date.now() / 60_000) * 60_000);
      await relaySql(relay, 'alter table transfer_rollups_hour rename to transfer_rollups_away');
      for (let i = 0; i < 30; i++) observer.observe(call({ startedAt: minute, durationMs: 10 }));
      await recorder.flush();
      // The minute and hour upserts share a transaction: neither table holds a half write.
      expect(
        await relaySql(relay, 'select count(*)::int as n from transfer_rollups_minute'),
      ).toEqual([{ n: 0 }]);
      await relaySql(relay, 'alter table transfer_rollups_away rename to transfer_rollups_hour');
      for (let i = 0; i < 12; i++) observer.observe(call({ startedAt: minute, durationMs: 1000 }));
      await recorder.flush();
      for (const span of ['minute', 'hour']) {
        const [row] = await relaySql<{ n: number; sketch: number[] }>(
          relay,
          `select sum(calls)::int as n, intrabridge_sketch_sum(sketch) as sketch
             from transfer_rollups_${span}`,
        );
        expect(row.n).toBe(42);
        expect(row.sketch.map(Number).reduce((a, b) => a + b, 0)).toBe(42);
      }
    } finally {
      await relay.close();
    }
  });

  it('records nothing when TRANSFER_RECORDS_ENABLED=false', async () => {
    const relay = await startRelay({ ...IDENTITY_ENV, TRANSFER_RECORDS_ENABLED: 'false' });
    try {
      relay.app.get(ProxyCallObserver).observe(call({ startedAt: new Date() }));
      expect(relay.app.get(TransferRecorder).pending).toBe(0);
    } finally {
      await relay.close();
    }
  });

  it('keeps the newest TRANSFER_MAX_ROWS records, warns near the budget and exports it', async () => {
    const token = 'metrics-token-for-tests-0123456789abcdef';
    const relay = await startRelay({
      ...IDENTITY_ENV,
      TRANSFER_MAX_ROWS: '10',
      METRICS_TOKEN: token,
    });
    try {
      const observer = relay.app.get(ProxyCallObserver);
      const retention = relay.app.get(TransferRetentionService);
      const warnings: unknown[][] = [];
      const logger = (retention as unknown as { logger: { warn(...args: unknown[]): void } })
        .logger;
      const warn = logger.warn.bind(logger);
      logger.warn = (...args: unknown[]) => {
        warnings.push(args);
        warn(...args);
      };
      const now = Date.now();
      const observe = (from: number, count: number) => {
        for (let i = from; i < from + count; i++) {
          observer.observe(call({ startedAt: new Date(now - 1000 + i), requestId: `budget-${i}` }));
        }
      };
      observe(0, 7);
      await relay.app.get(TransferRecorder).flush();
      expect(await retention.sweep(new Date(now))).toBe(0);
      expect(warnings).toEqual([]);

      observe(7, 8);
      await relay.app.get(TransferRecorder).flush();
      expect(await retention.sweep(new Date(now))).toBe(5);
      const left = await relaySql<{ request_id: string }>(
        relay,
        `select request_id from transfer_records order by id`,
      );
      expect(left.map((row) => row.request_id)).toEqual(
        Array.from({ length: 10 }, (_, i) => `budget-${i + 5}`),
      );
      expect(warnings).toHaveLength(1);
      expect(warnings[0][0]).toMatchObject({ rows: 10, maxRows: 10, table: 'transfer_records' });
      expect(String(warnings[0][1])).toContain('100% of the row budget');

      const scrape = await fetch(`${relay.url}/metrics`, {
        headers: { authorization: `Bearer ${token}` },
      });
      const metrics = parsePrometheus(await scrape.text());
      expect(metrics.sum('intrabridge_table_rows', { table: 'transfer_records' })).toBe(10);
      expect(metrics.sum('intrabridge_table_row_budget', { table: 'transfer_records' })).toBe(10);
      // The statistics still count every call: the rollups are not under the per-call budget.
      await relay.app.get(TransferRollups).flush();
      const [rollup] = await relaySql<{ n: number }>(
        relay,
        `select sum(calls)::int as n from transfer_rollups_minute`,
      );
      expect(rollup.n).toBe(15);
    } finally {
      await relay.close();
    }
  });

  it('deletes records past TRANSFER_RETENTION_DAYS and keeps the rest', async () => {
    const relay = await startRelay({ ...IDENTITY_ENV, TRANSFER_RETENTION_DAYS: '30' });
    try {
      const now = Date.now();
      const observer = relay.app.get(ProxyCallObserver);
      for (const daysAgo of [45, 31, 29, 1]) {
        observer.observe(
          call({ startedAt: new Date(now - daysAgo * 86_400_000), requestId: `age-${daysAgo}` }),
        );
      }
      await relay.app.get(TransferRecorder).flush();
      const retention = relay.app.get(TransferRetentionService);
      expect(await retention.sweep(new Date(now))).toBe(2);
      const left = await relaySql<{ request_id: string }>(
        relay,
        `select request_id from transfer_records where request_id like 'age-%' order by request_id`,
      );
      expect(left.map((row) => row.request_id)).toEqual(['age-1', 'age-29']);
      expect(await retention.sweep(new Date(now))).toBe(0);
    } finally {
      await relay.close();
    }
  });
});
