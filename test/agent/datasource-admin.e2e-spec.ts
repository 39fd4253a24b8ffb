import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { firstValueFrom, take, toArray } from 'rxjs';
import { DatasourceCatalog } from '../../src/agent/datasources/datasource-catalog';
import { DatasourceDispatcher } from '../../src/agent/datasources/datasource-dispatcher';
import { DatasourceRegistry } from '../../src/agent/datasources/datasource-registry';
import { adminClient, ADMIN_TOKEN } from '../utils/agent-admin';
import { makeCall, readReply } from '../utils/datasource-calls';
import { spawnProfile } from '../utils/spawn-profile';
import { startAgent, type RunningApp } from '../utils/test-apps';

const CRM = {
  name: 'crm',
  type: 'http',
  description: 'CRM API',
  http: {
    baseUrl: 'http://crm.intranet:8080',
    allowedMethods: ['GET', 'POST'],
    allowedPathPrefixes: ['/api/'],
    injectHeaders: { 'X-Api-Key': 'crm-secret-key' },
  },
};

const SALES = {
  name: 'sales',
  type: 'postgres',
  postgres: {
    url: 'postgres://reader:db-password@db.intranet/sales',
    queries: [
      {
        name: 'orders_by_customer',
        sql: 'select * from orders where customer_id = $1',
        params: [{ name: 'customerId', type: 'integer', required: true }],
      },
    ],
  },
};

describe('datasource management', () => {
  let agent: RunningApp<unknown>;
  let admin: ReturnType<typeof adminClient>;
  let catalog: DatasourceCatalog;
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ib-ds-'));
    agent = await startAgent({ AGENT_ADMIN_TOKEN: ADMIN_TOKEN });
    admin = adminClient(agent);
    catalog = agent.app.get(DatasourceCatalog);
  });
  afterAll(async () => {
    await agent?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('creates datasources with defaults and never returns their secrets', async () => {
    const created = await admin.post('/api/v1/datasources', CRM);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      name: 'crm',
      type: 'http',
      enabled: true,
      description: 'CRM API',
      http: {
        baseUrl: 'http://crm.intranet:8080',
        injectHeaders: { 'X-Api-Key': '***' },
        timeoutMs: 30000,
        maxBodyBytes: 10485760,
        tls: { rejectUnauthorized: true },
      },
    });
    const sales = await admin.post('/api/v1/datasources', SALES);
    expect(sales.status).toBe(201);
    expect(sales.body.postgres.url).toBe('postgres://reader:***@db.intranet/sales');
    expect(sales.body.postgres.queries[0]).toMatchObject({ maxRows: 10000, readOnly: true });
    for (const response of [
      await admin.get('/api/v1/datasources'),
      await admin.get('/api/v1/datasources/crm'),
    ]) {
      expect(response.status).toBe(200);
      expect(JSON.stringify(response.body)).not.toMatch(/crm-secret-key|db-password/);
    }
    expect(
      (await admin.get('/api/v1/datasources')).body.map((d: { name: string }) => d.name),
    ).toEqual(['crm', 'sales']);
  });

  it('refuses a taken name with 409 DATASOURCE_EXISTS', async () => {
    const again = await admin.post('/api/v1/datasources', CRM);
    expect([again.status, again.body.code]).toEqual([409, 'DATASOURCE_EXISTS']);
  });

  it.each([
    ['a name that is not a slug', { ...CRM, name: 'CRM_1' }, 'name'],
    ['a name starting with a dash', { ...CRM, name: '-crm' }, 'name'],
    ['an unknown type', { ...CRM, type: 'ftp' }, 'type'],
    ['settings of another type', { ...CRM, type: 'file' }, 'type'],
    ['two settings objects', { ...CRM, file: { root: '/srv' } }, 'type'],
    ['an unknown top-level field', { ...CRM, name: 'x1', owner: 'me' }, 'owner'],
    [
      'an unknown settings field',
      { ...CRM, name: 'x2', http: { ...CRM.http, proxy: 'x' } },
      'http.proxy',
    ],
    [
      'a base URL with credentials',
      { ...CRM, name: 'x3', http: { baseUrl: 'http://u:p@h/' } },
      'http.baseUrl',
    ],
    [
      'a base URL of another scheme',
      { ...CRM, name: 'x4', http: { baseUrl: 'ftp://h/' } },
      'http.baseUrl',
    ],
    [
      'an unknown method',
      { ...CRM, name: 'x5', http: { ...CRM.http, allowedMethods: ['TRACE'] } },
      'http.allowedMethods',
    ],
    [
      'a traversing path prefix',
      { ...CRM, name: 'x6', http: { ...CRM.http, allowedPathPrefixes: ['/api/../'] } },
      'http.allowedPathPrefixes',
    ],
    [
      'an injected hop-by-hop header',
      {
        ...CRM,
        name: 'x7',
        http: { ...CRM.http, injectHeaders: { 'Transfer-Encoding': 'chunked' } },
      },
      'http.injectHeaders',
    ],
    [
      'an injected header value with CR/LF',
      { ...CRM, name: 'x8', http: { ...CRM.http, injectHeaders: { 'X-A': 'a\r\nX-B: b' } } },
      'http.injectHeaders',
    ],
    [
      'a relative file root',
      { name: 'x9', type: 'file', file: { root: 'srv/reports' } },
      'file.root',
    ],
    [
      'a query whose placeholders do not match its params',
      {
        ...SALES,
        name: 'x10',
        postgres: { ...SALES.postgres, queries: [{ name: 'q', sql: 'select $2' }] },
      },
      'postgres.queries.0.sql',
    ],
    [
      'an unknown parameter type',
      {
        ...SALES,
        name: 'x11',
        postgres: {
          ...SALES.postgres,
          queries: [{ name: 'q', sql: 'select $1', params: [{ name: 'a', type: 'blob' }] }],
        },
      },
      'postgres.queries.0.params.0.type',
    ],
    [
      'a default of the wrong type',
      {
        ...SALES,
        name: 'x12',
        postgres: {
          ...SALES.postgres,
          queries: [
            { name: 'q', sql: 'select $1', params: [{ name: 'a', type: 'integer', default: 'x' }] },
          ],
        },
      },
      'postgres.queries.0.params.0.default',
    ],
    [
      'a non-postgres URL',
      { ...SALES, name: 'x13', postgres: { url: 'mysql://db/x' } },
      'postgres.url',
    ],
  ])('refuses %s with VALIDATION_FAILED', async (_label, body, field) => {
    const response = await admin.post('/api/v1/datasources', body);
    expect(response.status).toBe(400);
    expect(response.body.code).toBe('VALIDATION_FAILED');
    expect(response.body.details.map((d: { field: string }) => d.field)).toContain(field);
    expect(JSON.stringify(response.body)).not.toContain('crm-secret-key');
  });

  it('updates by merging settings and keeps secrets sent back as ***', async () => {
    const shown = (await admin.get('/api/v1/datasources/crm')).body;
    const updated = await admin.patch('/api/v1/datasources/crm', {
      description: 'CRM v2',
      http: {
        ...shown.http,
        allowedMethods: ['GET'],
        injectHeaders: { 'X-Api-Key': '***', 'X-Tenant': 't1' },
      },
    });
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({
      description: 'CRM v2',
      http: { allowedMethods: ['GET'], injectHeaders: { 'X-Api-Key': '***', 'X-Tenant': '***' } },
    });
    const salesShown = (await admin.get('/api/v1/datasources/sales')).body;
    const moved = await admin.patch('/api/v1/datasources/sales', {
      postgres: { url: salesShown.postgres.url.replace('db.intranet', 'db2.intranet') },
    });
    expect(moved.body.postgres.url).toBe('postgres://reader:***@db2.intranet/sales');
    expect(moved.body.postgres.queries).toHaveLength(1);
    const registry = agent.app.get(DatasourceRegistry);
    const stored = registry.lookup('sales')?.definition;
    expect(stored).toMatchObject({
      postgres: { url: 'postgres://reader:db-password@db2.intranet/sales' },
    });
    const crm = registry.lookup('crm')?.definition;
    expect(crm).toMatchObject({
      http: { injectHeaders: { 'X-Api-Key': 'crm-secret-key', 'X-Tenant': 't1' } },
    });
  });

  it('refuses updates that do not fit the datasource', async () => {
    const wrongType = await admin.patch('/api/v1/datasources/crm', { file: { root: '/srv' } });
    expect([wrongType.status, wrongType.body.code]).toEqual([400, 'VALIDATION_FAILED']);
    const rename = await admin.patch('/api/v1/datasources/crm', { name: 'other' });
    expect(rename.status).toBe(400);
    const invalid = await admin.patch('/api/v1/datasources/crm', { http: { timeoutMs: -1 } });
    expect(invalid.body.details.map((d: { field: string }) => d.field)).toEqual(['http.timeoutMs']);
    const missing = await admin.patch('/api/v1/datasources/nope', { enabled: false });
    expect([missing.status, missing.body.code]).toEqual([404, 'DATASOURCE_NOT_FOUND']);
  });

  it('announces every change on the catalog, and disabled sources answer 404', async () => {
    const dispatcher = agent.app.get(DatasourceDispatcher);
    expect(catalog.catalog()).toEqual([
      { name: 'crm', type: 'http', description: 'CRM v2', operations: ['GET'] },
      { name: 'sales', type: 'postgres', operations: ['query', 'GET'] },
    ]);
    const emitted = firstValueFrom(catalog.changes.pipe(take(5), toArray()));
    expect((await admin.post('/api/v1/datasources/crm/disable')).body.enabled).toBe(false);
    const disabled = await readReply(
      await dispatcher.dispatch(makeCall({ datasource: 'crm', path: '/api/x' })),
    );
    expect([disabled.status, disabled.json().code]).toEqual([404, 'DATASOURCE_NOT_FOUND']);
    expect((await admin.post('/api/v1/datasources/crm/enable')).body.enabled).toBe(true);
    await admin.patch('/api/v1/datasources/crm', { http: { allowedMethods: ['GET', 'HEAD'] } });
    await admin.post('/api/v1/datasources', { name: 'reports', type: 'file', file: { root: dir } });
    expect((await admin.delete('/api/v1/datasources/sales')).status).toBe(204);
    const names = (await emitted).map((entries) => entries.map((entry) => entry.name).join(','));
    expect(names).toEqual(['sales', 'crm,sales', 'crm,sales', 'crm,reports,sales', 'crm,reports']);
    expect(catalog.catalog()).toContainEqual({
      name: 'reports',
      type: 'file',
      operations: ['GET', 'HEAD'],
    });
    expect(JSON.stringify(catalog.catalog())).not.toMatch(/secret|password|intranet/);
    expect((await admin.get('/api/v1/datasources/sales')).status).toBe(404);
    expect((await admin.delete('/api/v1/datasources/sales')).status).toBe(404);
  });

  it('tests reachability', async () => {
    const reachable = await admin.post('/api/v1/datasources/reports/test');
    expect(reachable.body).toMatchObject({
      name: 'reports',
      reachable: true,
      latencyMs: expect.any(Number),
    });
    await admin.post('/api/v1/datasources', {
      name: 'closed',
      type: 'http',
      enabled: false,
      http: { baseUrl: 'http://127.0.0.1:1' },
    });
    const unreachable = await admin.post('/api/v1/datasources/closed/test');
    expect(unreachable.body).toMatchObject({
      reachable: false,
      detail: expect.stringContaining('UPSTREAM_UNREACHABLE'),
    });
  });
});

describe('AGENT_DATASOURCES_FILE', () => {
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ib-dsfile-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('applies a YAML list at start, validated like the API', async () => {
    const file = join(dir, 'datasources.yaml');
    await writeFile(
      file,
      [
        '- name: crm',
        '  type: http',
        '  http:',
        '    baseUrl: http://crm.intranet:8080',
        '    injectHeaders: { X-Api-Key: from-file-secret }',
        '- name: reports',
        '  type: file',
        '  enabled: false',
        `  file: { root: ${dir} }`,
      ].join('\n'),
    );
    const agent = await startAgent({
      AGENT_ADMIN_TOKEN: ADMIN_TOKEN,
      AGENT_DATASOURCES_FILE: file,
    });
    try {
      const listed = (await adminClient(agent).get('/api/v1/datasources')).body;
      expect(listed.map((d: { name: string; enabled: boolean }) => [d.name, d.enabled])).toEqual([
        ['crm', true],
        ['reports', false],
      ]);
      expect(JSON.stringify(listed)).not.toContain('from-file-secret');
      expect(
        agent.app
          .get(DatasourceCatalog)
          .catalog()
          .map((entry) => entry.name),
      ).toEqual(['crm']);
    } finally {
      await agent.close();
    }
  });

  it('refuses to start on an invalid file, naming the entry and field but no value', async () => {
    const file = join(dir, 'bad.json');
    await writeFile(
      file,
      JSON.stringify([
        { name: 'ok', type: 'http', http: { baseUrl: 'ftp://x', injectHeaders: { A: 'hunter2' } } },
      ]),
    );
    await expect(startAgent({ AGENT_DATASOURCES_FILE: file })).rejects.toThrow(
      /entry 0 \(ok\): http\.baseUrl/,
    );
    await expect(startAgent({ AGENT_DATASOURCES_FILE: file })).rejects.not.toThrow(/hunter2/);
  });

  it('says when the file is not there', async () => {
    const file = join(dir, 'missing.yaml');
    await expect(startAgent({ AGENT_DATASOURCES_FILE: file })).rejects.toThrow(
      `AGENT_DATASOURCES_FILE: there is no file at ${file}`,
    );
  });

  it('parses a .json file as JSON only: a trailing comma is an error, quoted without values', async () => {
    const file = join(dir, 'trailing.json');
    await writeFile(file, '[{"name": "crm", "type": "http", "http": {"baseUrl": "hunter2"},}]');
    const attempt = startAgent({ AGENT_DATASOURCES_FILE: file });
    await expect(attempt).rejects.toThrow(
      `AGENT_DATASOURCES_FILE ${file} is not valid JSON (line 1 column 65)`,
    );
    await expect(attempt).rejects.not.toThrow(/hunter2/);
  });

  it('stops a real agent process with one plain message and no stack trace', async () => {
    const file = join(dir, 'bad-entry.json');
    await writeFile(file, JSON.stringify([{ name: 'crm', type: 'http', http: {} }]));
    const attempt = spawnProfile('agent', { env: { AGENT_DATASOURCES_FILE: file } });
    const error = await attempt.then(
      () => new Error('started'),
      (reason: Error) => reason,
    );
    expect(error.message).toContain(
      'exited with 1: intrabridge: Invalid configuration:\n  - AGENT_DATASOURCES_FILE entry 0 (crm): http.baseUrl',
    );
    expect(error.message).not.toMatch(/^\s+at /m);
  });
});
