import type { RelayConfig } from '../../src/relay/relay.config';
import { ADMIN, createUser, IDENTITY_ENV, loginAs, type TestUser } from '../utils/identity';
import type { Json } from '../utils/operations';
import { startRelay, type RunningApp } from '../utils/test-apps';

const ID = '00000000-0000-4000-8000-000000000000';
type Role = 'operator' | 'auditor' | 'client';

/** Every operations route and the roles (besides admin) that may use it. */
const ROUTES: Array<[string, string, Role[]]> = [
  ['GET', '/api/v1/connections', ['operator']],
  ['GET', '/api/v1/connections/events', ['operator']],
  ['GET', '/api/v1/connections/blocks', ['operator']],
  ['DELETE', `/api/v1/connections/blocks/${ID}`, ['operator']],
  ['GET', `/api/v1/connections/${ID}`, ['operator']],
  ['DELETE', `/api/v1/connections/${ID}`, ['operator']],
  ['GET', '/api/v1/audit-events', ['auditor']],
  ['GET', '/api/v1/audit-events/verify', ['auditor']],
  ['GET', '/api/v1/audit-events/export', ['auditor']],
  ['GET', '/api/v1/audit-events/1', ['auditor']],
  ['GET', '/api/v1/transfer-stats', ['operator', 'auditor']],
  ['GET', '/api/v1/transfer-stats/records', ['operator', 'auditor']],
  ['GET', '/api/v1/security/ip-rules', []],
  ['POST', '/api/v1/security/ip-rules', []],
  ['GET', '/api/v1/security/ip-rules/evaluate', []],
  ['GET', `/api/v1/security/ip-rules/${ID}`, []],
  ['PATCH', `/api/v1/security/ip-rules/${ID}`, []],
  ['DELETE', `/api/v1/security/ip-rules/${ID}`, []],
  ['GET', '/api/v1/security/rate-limits', []],
  ['POST', '/api/v1/security/rate-limits', []],
  ['GET', `/api/v1/security/rate-limits/${ID}`, []],
  ['PATCH', `/api/v1/security/rate-limits/${ID}`, []],
  ['DELETE', `/api/v1/security/rate-limits/${ID}`, []],
  ['GET', '/api/v1/security/client-address', []],
  ['GET', '/api/v1/login-throttle/locks', []],
  ['DELETE', '/api/v1/login-throttle/names/someone', []],
  ['DELETE', '/api/v1/login-throttle/addresses/192.0.2.1', []],
];

const OPERATIONS_PATH =
  /^\/api\/v1\/(connections|audit-events|transfer-stats|security|login-throttle)\b/;

describe('operations routes: roles and OpenAPI', () => {
  let relay: RunningApp<RelayConfig>;
  const users = {} as Record<Role, TestUser>;
  let openapi: Json;

  beforeAll(async () => {
    relay = await startRelay(IDENTITY_ENV);
    const { api } = await loginAs(relay.url, ADMIN.username, ADMIN.password);
    for (const role of ['operator', 'auditor', 'client'] as Role[]) {
      users[role] = await createUser(api, [role], role);
    }
    openapi = await (await fetch(`${relay.url}/docs-json`)).json();
  });
  afterAll(async () => {
    await relay?.close();
  });

  /** Status of a call; the event stream is cut off once its headers arrive. */
  async function statusFor(role: Role, method: string, path: string): Promise<number> {
    const controller = new AbortController();
    const response = await fetch(`${relay.url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${users[role].tokens.accessToken}`,
        ...(method === 'GET' || method === 'DELETE' ? {} : { 'content-type': 'application/json' }),
      },
      body: method === 'GET' || method === 'DELETE' ? undefined : '{}',
      signal: controller.signal,
    });
    controller.abort();
    return response.status;
  }

  it('the table covers every documented operations route', () => {
    const documented: string[] = [];
    for (const [path, operations] of Object.entries<Record<string, unknown>>(openapi.paths)) {
      if (!OPERATIONS_PATH.test(path)) continue;
      for (const method of Object.keys(operations))
        documented.push(`${method.toUpperCase()} ${path}`);
    }
    const tabled = ROUTES.map(
      ([method, path]) =>
        `${method} ${path
          .replace(ID, path.includes('blocks') ? '{agentId}' : '{id}')
          .replace('/audit-events/1', '/audit-events/{seq}')
          .replace('/names/someone', '/names/{name}')
          .replace('/addresses/192.0.2.1', '/addresses/{address}')}`,
    );
    expect(tabled.sort()).toEqual(documented.sort());
  });

  it.each(ROUTES)('%s %s is refused to roles without access', async (method, path, allowed) => {
    for (const role of ['operator', 'auditor', 'client'] as Role[]) {
      const status = await statusFor(role, method, path);
      if (allowed.includes(role)) expect([role, status]).not.toEqual([role, 403]);
      else expect([role, status]).toEqual([role, 403]);
    }
  });

  it('documents roles, credentials and error answers on every route', () => {
    for (const [path, operations] of Object.entries<Record<string, Json>>(openapi.paths)) {
      if (!OPERATIONS_PATH.test(path)) continue;
      for (const [method, operation] of Object.entries<Json>(operations)) {
        const where = `${method.toUpperCase()} ${path}`;
        expect([where, operation.summary]).toEqual([
          where,
          expect.stringMatching(/\((.*admin)\)$/),
        ]);
        expect([where, operation.security]).toEqual([where, [{ bearer: [] }, { 'api-key': [] }]]);
        for (const status of ['401', '403', '429']) {
          expect([where, status, operation.responses[status]?.content]).toEqual([
            where,
            status,
            expect.anything(),
          ]);
        }
        expect(operation.responses['403'].description).toContain('IP_DENIED');
        expect(operation.responses['429'].description).toContain('RATE_LIMITED');
        expect([where, operation.responses['503']?.description]).toEqual([
          where,
          expect.stringContaining('DATABASE_UNAVAILABLE'),
        ]);
      }
    }
    expect(openapi.paths['/metrics'].get.summary).toContain('METRICS_TOKEN');
  });
});
