import { setTimeout as sleep } from 'node:timers/promises';
import { Client } from 'pg';
import { DatasourceDispatcher } from '../../src/agent/datasources/datasource-dispatcher';
import { adminClient, ADMIN_TOKEN } from '../utils/agent-admin';
import { makeCall, readReply } from '../utils/datasource-calls';
import { startIntranetPostgres, type IntranetPostgres } from '../utils/intranet-postgres';
import { MemoryProbe } from '../utils/memory-probe';
import { startAgent, type RunningApp } from '../utils/test-apps';

const ORDERS_SQL =
  'select id, customer_id, total, placed_on, note from orders where customer_id = $1 and placed_on >= $2 order by id';

describe('postgres datasource', () => {
  let intranet: IntranetPostgres;
  let agent: RunningApp<unknown>;
  let dispatcher: DatasourceDispatcher;

  const query = async (name: string, params: unknown, headers: Record<string, string> = {}) =>
    dispatcher.dispatch(
      makeCall({
        datasource: 'sales',
        method: 'POST',
        path: `/queries/${name}`,
        headers: { 'content-type': 'application/json', ...headers },
        body: typeof params === 'string' ? params : JSON.stringify(params),
      }),
    );

  beforeAll(async () => {
    intranet = await startIntranetPostgres();
    await intranet.execute(`
      create table orders (id serial primary key, customer_id integer not null,
        total numeric(10,2) not null, placed_on date not null, note text);
      insert into orders (customer_id, total, placed_on, note) values
        (1, 10.50, '2024-01-02', 'first'), (2, 99.99, '2024-02-03', 'has "quotes", and comma'),
        (2, 5.00, '2024-03-04', null), (3, 1.00, '2024-04-05', 'other');`);
    agent = await startAgent({ AGENT_ADMIN_TOKEN: ADMIN_TOKEN });
    dispatcher = agent.app.get(DatasourceDispatcher);
    const created = await adminClient(agent).post('/api/v1/datasources', {
      name: 'sales',
      type: 'postgres',
      postgres: {
        url: intranet.url,
        maxConnections: 4,
        queries: [
          {
            name: 'orders_by_customer',
            description: 'Orders of one customer since a date',
            sql: ORDERS_SQL,
            params: [
              { name: 'customerId', type: 'integer', required: true, min: 1 },
              { name: 'since', type: 'date', default: '2000-01-01' },
            ],
          },
          {
            name: 'series',
            sql: "select g as id, 'row-' || g as label from generate_series(1, $1::int) g",
            params: [{ name: 'count', type: 'integer', required: true, max: 2_000_000 }],
            maxRows: 2_000_000,
            timeoutMs: 120_000,
          },
          {
            name: 'limited',
            sql: 'select g from generate_series(1, 100) g',
            maxRows: 10,
          },
          {
            name: 'typed',
            sql: 'select $1::text as s, $2::numeric as n, $3::boolean as b, $4::uuid as u, $5::timestamptz as t',
            params: [
              { name: 's', type: 'string', maxLength: 5, enum: ['red', 'green'] },
              { name: 'n', type: 'number', max: 10 },
              { name: 'b', type: 'boolean' },
              { name: 'u', type: 'uuid' },
              { name: 't', type: 'timestamp' },
            ],
          },
          {
            name: 'sneaky_write',
            sql: "insert into orders (customer_id, total, placed_on) values (9, 1, '2024-01-01') returning id",
          },
          { name: 'sleepy', sql: 'select pg_sleep(3)', timeoutMs: 300 },
          { name: 'very_sleepy', sql: 'select pg_sleep(30)', timeoutMs: 60_000 },
        ],
      },
    });
    expect(created.status).toBe(201);
  });
  afterAll(async () => {
    await agent?.close();
    await intranet?.stop();
  });

  it('lists the queries with their parameters, never their SQL', async () => {
    const reply = await readReply(
      await dispatcher.dispatch(makeCall({ datasource: 'sales', path: '/queries' })),
    );
    expect(reply.status).toBe(200);
    const { queries } = reply.json();
    expect(queries.map((q: { name: string }) => q.name)).toContain('orders_by_customer');
    expect(queries[0]).toMatchObject({
      name: 'orders_by_customer',
      description: 'Orders of one customer since a date',
      params: [
        { name: 'customerId', type: 'integer', required: true, min: 1 },
        { name: 'since', type: 'date', required: false, default: '2000-01-01' },
      ],
    });
    expect(reply.text).not.toMatch(/select|generate_series|orders where/i);
    const one = await readReply(
      await dispatcher.dispatch(makeCall({ datasource: 'sales', path: '/queries/limited' })),
    );
    expect(one.json()).toMatchObject({ name: 'limited', maxRows: 10, params: [] });
  });

  it('runs a named query with typed parameters as streamed JSON', async () => {
    const reply = await readReply(await query('orders_by_customer', { customerId: 2 }));
    expect(reply.status).toBe(200);
    expect(reply.headers['content-type']).toMatch(/^application\/json/);
    expect(reply.json()).toEqual({
      columns: [
        { name: 'id', type: 'int4' },
        { name: 'customer_id', type: 'int4' },
        { name: 'total', type: 'numeric' },
        { name: 'placed_on', type: 'date' },
        { name: 'note', type: 'text' },
      ],
      rows: [
        [2, 2, '99.99', '2024-02-03', 'has "quotes", and comma'],
        [3, 2, '5.00', '2024-03-04', null],
      ],
      truncated: false,
    });
    const since = await readReply(
      await query('orders_by_customer', { customerId: 2, since: '2024-03-01' }),
    );
    expect(since.json().rows).toEqual([[3, 2, '5.00', '2024-03-04', null]]);
  });

  it('answers NDJSON and CSV by Accept', async () => {
    const ndjson = await readReply(
      await query('orders_by_customer', { customerId: 2 }, { accept: 'application/x-ndjson' }),
    );
    expect(ndjson.headers['content-type']).toMatch(/^application\/x-ndjson/);
    expect(
      ndjson.text
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line)),
    ).toEqual([
      {
        id: 2,
        customer_id: 2,
        total: '99.99',
        placed_on: '2024-02-03',
        note: 'has "quotes", and comma',
      },
      { id: 3, customer_id: 2, total: '5.00', placed_on: '2024-03-04', note: null },
    ]);
    const csv = await readReply(
      await query('orders_by_customer', { customerId: 2 }, { accept: 'text/csv' }),
    );
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    expect(csv.text).toBe(
      'id,customer_id,total,placed_on,note\r\n' +
        '2,2,99.99,2024-02-03,"has ""quotes"", and comma"\r\n' +
        '3,2,5.00,2024-03-04,\r\n',
    );
  });

  it('passes every parameter type through', async () => {
    const reply = await readReply(
      await query('typed', {
        s: 'green',
        n: 2.5,
        b: true,
        u: '6f1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d',
        t: '2024-05-01T10:00:00Z',
      }),
    );
    expect(reply.status).toBe(200);
    const [row] = reply.json().rows;
    expect(row.slice(0, 4)).toEqual(['green', '2.5', true, '6f1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d']);
    expect(row[4]).toMatch(/^2024-05-01/);
  });

  it.each([
    ['a string for an integer', { customerId: 'x' }, 'customerId', /integer/],
    ['a fraction for an integer', { customerId: 1.5 }, 'customerId', /integer/],
    ['a value below min', { customerId: 0 }, 'customerId', />= 1/],
    ['a missing required value', {}, 'customerId', /required/],
    ['an impossible date', { customerId: 1, since: '2024-02-30' }, 'since', /date/],
    ['an unknown parameter', { customerId: 1, sql: 'drop table orders' }, 'sql', /not a parameter/],
  ])('refuses %s with INVALID_PARAMETERS', async (_label, params, field, problem) => {
    const reply = await readReply(await query('orders_by_customer', params));
    expect(reply.status).toBe(400);
    const body = reply.json();
    expect(body.code).toBe('INVALID_PARAMETERS');
    const detail = body.details.find((d: { field: string }) => d.field === field);
    expect(detail.problems.join(' ')).toMatch(problem);
  });

  it.each([
    ['a value outside the enum', { s: 'blue' }, 's'],
    ['a string over maxLength', { s: 'greenish' }, 's'],
    ['a number above max', { n: 11 }, 'n'],
    ['a string for a boolean', { b: 'true' }, 'b'],
    ['a malformed uuid', { u: 'not-a-uuid' }, 'u'],
    ['a malformed timestamp', { t: 'yesterday' }, 't'],
  ])('refuses %s', async (_label, params, field) => {
    const reply = await readReply(await query('typed', params));
    expect(reply.status).toBe(400);
    expect(reply.json().details.map((d: { field: string }) => d.field)).toEqual([field]);
  });

  it('refuses bodies that are not a JSON object', async () => {
    const malformed = await readReply(await query('orders_by_customer', '{"customerId":'));
    expect(malformed.json().code).toBe('MALFORMED_JSON');
    const list = await readReply(await query('orders_by_customer', '[1]'));
    expect(list.json().code).toBe('INVALID_PARAMETERS');
    const sqlText = await readReply(
      await query('orders_by_customer', 'select 1', { 'content-type': 'text/plain' }),
    );
    expect(sqlText.status).toBe(415);
  });

  it('answers unknown queries, paths and methods with stable codes', async () => {
    const unknown = await readReply(await query('drop_everything', {}));
    expect([unknown.status, unknown.json().code]).toEqual([404, 'QUERY_NOT_FOUND']);
    const path = await readReply(
      await dispatcher.dispatch(makeCall({ datasource: 'sales', path: '/sql' })),
    );
    expect(path.status).toBe(404);
    const method = await readReply(
      await dispatcher.dispatch(
        makeCall({ datasource: 'sales', method: 'DELETE', path: '/queries/limited' }),
      ),
    );
    expect([method.status, method.headers.allow]).toEqual([405, 'GET, POST']);
  });

  it('stops at maxRows and marks the result truncated', async () => {
    const reply = await readReply(await query('limited', {}));
    const body = reply.json();
    expect(body.rows).toHaveLength(10);
    expect(body.rows.at(-1)).toEqual([10]);
    expect(body.truncated).toBe(true);
    expect(reply.headers['x-row-limit']).toBe('10');
  });

  it('refuses writes in a read-only query and leaves the data alone', async () => {
    const reply = await readReply(await query('sneaky_write', {}));
    expect(reply.status).toBe(403);
    expect(reply.json()).toMatchObject({
      code: 'READ_ONLY_VIOLATION',
      details: { sqlState: '25006' },
    });
    const rows = await readReply(await query('orders_by_customer', { customerId: 9 }));
    expect(rows.json()).toMatchObject({ rows: [] });
  });

  it('streams 1,000,000 rows with bounded memory', async () => {
    const probe = new MemoryProbe();
    const reply = await query('series', { count: 1_000_000 }, { accept: 'application/x-ndjson' });
    expect(reply.status).toBe(200);
    let lines = 0;
    let last = '';
    let chunks = 0;
    for await (const chunk of reply.body!) {
      const text = (chunk as Buffer).toString('utf8');
      for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) lines++;
      last = text;
      if (++chunks % 50 === 0) await sleep(1);
    }
    const growth = probe.stop();
    expect(lines).toBe(1_000_000);
    expect(last.trim().split('\n').pop()).toBe('{"id":1000000,"label":"row-1000000"}');
    expect(growth.heapMiB).toBeLessThan(16);
    expect(growth.rssMiB).toBeLessThan(128);
  });

  it('cancels the query when the call is aborted', async () => {
    const controller = new AbortController();
    const started = Date.now();
    const pending = dispatcher.dispatch(
      makeCall({
        datasource: 'sales',
        method: 'POST',
        path: '/queries/very_sleepy',
        signal: controller.signal,
      }),
    );
    await sleep(300);
    controller.abort();
    const reply = await readReply(await pending);
    expect([reply.status, reply.json().code]).toEqual([499, 'CANCELLED']);
    await expectNoActiveQuery(intranet.url, 'pg_sleep(30)');
    expect(Date.now() - started).toBeLessThan(5_000);
    // The connection was dropped and is replaced: the next query runs.
    const after = await readReply(await query('orders_by_customer', { customerId: 1 }));
    expect(after.json()).toMatchObject({ rows: [[1, 1, '10.50', '2024-01-02', 'first']] });
  });

  it('enforces the query timeout with 504 UPSTREAM_TIMEOUT', async () => {
    const started = Date.now();
    const reply = await readReply(await query('sleepy', {}));
    expect(reply.status).toBe(504);
    expect(reply.json().code).toBe('UPSTREAM_TIMEOUT');
    expect(Date.now() - started).toBeLessThan(2_500);
  });
});

async function expectNoActiveQuery(url: string, fragment: string): Promise<void> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    for (let attempt = 0; ; attempt++) {
      const { rows } = await client.query<{ count: string }>(
        `select count(*) from pg_stat_activity
          where state = 'active' and pid <> pg_backend_pid() and query like $1`,
        [`%${fragment}%`],
      );
      if (rows[0].count === '0') return;
      if (attempt > 40) throw new Error(`query still running: ${fragment}`);
      await sleep(50);
    }
  } finally {
    await client.end();
  }
}
