import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { DataLogRetention } from '../../src/agent/data-log/data-log-retention';
import { DataLogWriter } from '../../src/agent/data-log/data-log.writer';
import { DatasourceDispatcher } from '../../src/agent/datasources/datasource-dispatcher';
import { AgentMetrics } from '../../src/agent/metrics/agent-metrics';
import { adminClient, ADMIN_TOKEN } from '../utils/agent-admin';
import { startAgentOn } from '../utils/agent-on-database';
import { makeCall, readReply } from '../utils/datasource-calls';
import { TestUpstream } from '../utils/test-upstream';
import { startAgent, type RunningApp } from '../utils/test-apps';
import { provisionTestDatabase } from '../utils/test-database';

const ENV = { AGENT_ADMIN_TOKEN: ADMIN_TOKEN };

describe('data log', () => {
  let agent: RunningApp<unknown>;
  let intranet: TestUpstream;
  let dir: string;
  let admin: ReturnType<typeof adminClient>;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ib-log-'));
    await writeFile(join(dir, 'a.txt'), 'hello data log');
    intranet = await new TestUpstream().start();
    agent = await startAgent(ENV);
    admin = adminClient(agent);
    await admin.post('/api/v1/datasources', {
      name: 'crm',
      type: 'http',
      http: {
        baseUrl: intranet.url,
        allowedMethods: ['GET', 'POST'],
        allowedPathPrefixes: ['/svc/'],
      },
    });
    await admin.post('/api/v1/datasources', { name: 'docs', type: 'file', file: { root: dir } });
    const dispatcher = agent.app.get(DatasourceDispatcher);
    const user = { type: 'user' as const, id: 'u-1', name: 'alice' };
    const calls = [
      makeCall({
        requestId: 'r-echo',
        datasource: 'crm',
        method: 'POST',
        path: '/svc/api/echo',
        body: '12345',
        principal: user,
      }),
      makeCall({ requestId: 'r-file', datasource: 'docs', path: '/a.txt' }),
      makeCall({ requestId: 'r-refused', datasource: 'crm', path: '/admin', principal: user }),
      makeCall({ requestId: 'r-unknown', datasource: 'ghost', path: '/x' }),
    ];
    for (const call of calls) await readReply(await dispatcher.dispatch(call));
    await agent.app.get(DataLogWriter).flush();
  });
  afterAll(async () => {
    await agent?.close();
    await intranet?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('records one row per call with the relay request id, newest first', async () => {
    const page = (await admin.get('/api/v1/data-log')).body;
    expect(page.items.map((row: { requestId: string }) => row.requestId)).toEqual([
      'r-unknown',
      'r-refused',
      'r-file',
      'r-echo',
    ]);
    const byId = Object.fromEntries(
      page.items.map((row: { requestId: string }) => [row.requestId, row]),
    );
    expect(byId['r-echo']).toMatchObject({
      datasource: 'crm',
      operation: 'POST /svc/api/echo',
      principal: { type: 'user', id: 'u-1', name: 'alice' },
      status: 200,
      bytesIn: 5,
      bytesOut: expect.any(Number),
      durationMs: expect.any(Number),
      errorCode: null,
    });
    expect(byId['r-echo'].bytesOut).toBeGreaterThan(100);
    expect(byId['r-file']).toMatchObject({
      datasource: 'docs',
      operation: 'GET /a.txt',
      principal: { type: 'apiKey', id: 'key-1', name: 'reporting' },
      status: 200,
      bytesIn: 0,
      bytesOut: 14,
    });
    expect(byId['r-refused']).toMatchObject({ status: 403, errorCode: 'PATH_NOT_ALLOWED' });
    expect(byId['r-unknown']).toMatchObject({
      datasource: 'ghost',
      status: 404,
      errorCode: 'DATASOURCE_NOT_FOUND',
    });
    expect(page.nextCursor).toBeNull();
  });

  it('filters and pages', async () => {
    const ids = async (query: string) =>
      (await admin.get(`/api/v1/data-log?${query}`)).body.items.map(
        (row: { requestId: string }) => row.requestId,
      );
    expect(await ids('datasource=docs')).toEqual(['r-file']);
    expect(await ids('status=4xx')).toEqual(['r-unknown', 'r-refused']);
    expect(await ids('status=403')).toEqual(['r-refused']);
    expect(await ids('principal=alice')).toEqual(['r-refused', 'r-echo']);
    expect(await ids('principal=u-1&status=2xx')).toEqual(['r-echo']);
    expect(await ids('requestId=r-file')).toEqual(['r-file']);
    expect(await ids('errorCode=DATASOURCE_NOT_FOUND')).toEqual(['r-unknown']);
    expect(
      await ids(`from=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`),
    ).toEqual([]);
    expect(
      await ids(`to=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`),
    ).toHaveLength(4);

    const first = (await admin.get('/api/v1/data-log?limit=3')).body;
    expect(first.items).toHaveLength(3);
    const second = (await admin.get(`/api/v1/data-log?limit=3&cursor=${first.nextCursor}`)).body;
    expect(second.items.map((row: { requestId: string }) => row.requestId)).toEqual(['r-echo']);
    expect(second.nextCursor).toBeNull();
  });

  it('refuses bad filters', async () => {
    for (const query of [
      'status=600',
      'limit=0',
      'limit=5000',
      'cursor=abc',
      'from=yesterday',
      'verbose=1',
    ]) {
      const response = await admin.get(`/api/v1/data-log?${query}`);
      expect([query, response.status, response.body.code]).toEqual([
        query,
        400,
        'VALIDATION_FAILED',
      ]);
    }
  });

  it('deletes rows older than the retention period', async () => {
    const dataSource = agent.app.get(DataSource);
    await dataSource.query(
      `insert into data_log (at, request_id, datasource, operation, principal_type, principal_id,
         principal_name, status, bytes_in, bytes_out, duration_ms)
       values (now() - interval '31 days', 'r-old', 'crm', 'GET /', 'user', 'u', 'u', 200, 0, 0, 1)`,
    );
    expect(await agent.app.get(DataLogRetention).sweep()).toBe(1);
    const rows = await dataSource.query(
      `select request_id from data_log where request_id = 'r-old'`,
    );
    expect(rows).toEqual([]);
    expect((await admin.get('/api/v1/data-log')).body.items).toHaveLength(4);
  });
});

describe('data log row budget', () => {
  it('keeps the newest DATA_LOG_MAX_ROWS rows and warns near the budget', async () => {
    const agent = await startAgent({ ...ENV, DATA_LOG_MAX_ROWS: '10' });
    try {
      const retention = agent.app.get(DataLogRetention);
      const logger = (retention as unknown as { logger: { warn(...args: unknown[]): void } })
        .logger;
      const warnings: unknown[][] = [];
      logger.warn = (...args: unknown[]) => void warnings.push(args);
      const dataSource = agent.app.get(DataSource);
      const insert = (from: number, to: number) =>
        dataSource.query(
          `insert into data_log (at, request_id, datasource, operation, principal_type,
             principal_id, principal_name, status, bytes_in, bytes_out, duration_ms)
           select now(), 'r-' || i, 'crm', 'GET /', 'user', 'u', 'u', 200, 0, 0, 1
             from generate_series($1::int, $2::int) as i order by i`,
          [from, to],
        );
      await insert(1, 7);
      expect(await retention.sweep()).toBe(0);
      expect(warnings).toEqual([]);
      expect(retention.usage).toEqual({ table: 'data_log', rows: 7, maxRows: 10 });
      await insert(8, 8);
      expect(await retention.sweep()).toBe(0);
      expect(warnings).toHaveLength(1);
      expect(String(warnings[0][1])).toContain('80% of the row budget');
      await insert(9, 13);
      expect(await retention.sweep()).toBe(3);
      const rows = await dataSource.query<{ request_id: string }[]>(
        'select request_id from data_log order by id',
      );
      expect(rows.map((row) => row.request_id)).toEqual(
        Array.from({ length: 10 }, (_, i) => `r-${i + 4}`),
      );
      const { body } = await agent.app.get(AgentMetrics).scrape();
      expect(body).toContain(`\nintrabridge_agent_data_log_rows ${retention.usage.rows}\n`);
      expect(body).toMatch(/^intrabridge_agent_data_log_row_budget 10$/m);
    } finally {
      await agent.close();
    }
  });
});

describe('data log durability', () => {
  it('flushes buffered rows on graceful shutdown, before the database closes', async () => {
    const database = await provisionTestDatabase();
    try {
      const env = { ...ENV, DATA_LOG_FLUSH_INTERVAL_MS: '60000', DATA_LOG_BATCH_SIZE: '5000' };
      const first = await startAgentOn(database, env);
      const dispatcher = first.app.get(DatasourceDispatcher);
      for (let i = 0; i < 25; i++) {
        await readReply(
          await dispatcher.dispatch(makeCall({ requestId: `shutdown-${i}`, datasource: 'none' })),
        );
      }
      expect(first.app.get(DataLogWriter).pending).toBe(25);
      await first.close();

      const second = await startAgentOn(database, env);
      try {
        const page = (await adminClient(second).get('/api/v1/data-log?limit=100')).body;
        expect(page.items).toHaveLength(25);
        expect(page.items.map((row: { requestId: string }) => row.requestId)).toContain(
          'shutdown-0',
        );
      } finally {
        await second.close();
      }
    } finally {
      await database.release();
    }
  });

  it('keeps a bounded buffer while the database is down, dropping the oldest', async () => {
    const agent = await startAgent({
      ...ENV,
      DATA_LOG_MAX_BUFFERED: '100',
      DATA_LOG_FLUSH_INTERVAL_MS: '60000',
    });
    try {
      const writer = agent.app.get(DataLogWriter);
      const dispatcher = agent.app.get(DatasourceDispatcher);
      await agent.app.get(DataSource).destroy();
      for (let i = 0; i < 150; i++) {
        await readReply(
          await dispatcher.dispatch(makeCall({ requestId: `down-${i}`, datasource: 'none' })),
        );
      }
      await writer.flush();
      expect(writer.pending).toBe(100);
      expect(writer.dropped).toBe(50);
    } finally {
      await agent.close().catch(() => undefined);
    }
  });
});
