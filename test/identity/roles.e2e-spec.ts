import { randomUUID } from 'node:crypto';
import type { RelayConfig } from '../../src/relay/relay.config';
import { ADMIN, Api, createUser, IDENTITY_ENV, loginAs, type TestUser } from '../utils/identity';
import { startRelay, type RunningApp } from '../utils/test-apps';

type Role = 'admin' | 'operator' | 'auditor' | 'client';

/**
 * Every management route, with the roles allowed on it (admins always are). Random ids keep
 * the calls harmless: an allowed caller gets 400 or 404, never a change.
 */
const ID = randomUUID();
const ADMIN_ROUTES: Array<[method: string, path: string, allowed: Role[]]> = [
  ['POST', '/api/v1/users', []],
  ['GET', '/api/v1/users', []],
  ['GET', `/api/v1/users/${ID}`, []],
  ['PATCH', `/api/v1/users/${ID}`, []],
  ['DELETE', `/api/v1/users/${ID}`, []],
  ['POST', `/api/v1/users/${ID}/disable`, []],
  ['POST', `/api/v1/users/${ID}/enable`, []],
  ['POST', `/api/v1/users/${ID}/password`, []],
  ['POST', '/api/v1/agents', ['operator']],
  ['GET', '/api/v1/agents', ['operator']],
  ['GET', `/api/v1/agents/${ID}`, ['operator']],
  ['PATCH', `/api/v1/agents/${ID}`, ['operator']],
  ['DELETE', `/api/v1/agents/${ID}`, ['operator']],
  ['POST', `/api/v1/agents/${ID}/disable`, ['operator']],
  ['POST', `/api/v1/agents/${ID}/enable`, ['operator']],
  ['POST', `/api/v1/agents/${ID}/rotate-secret`, ['operator']],
  ['GET', `/api/v1/agents/${ID}/datasources`, ['operator', 'auditor']],
  ['POST', '/api/v1/grants', []],
  ['GET', '/api/v1/grants', ['operator', 'auditor']],
  ['GET', `/api/v1/grants/${ID}`, ['operator', 'auditor']],
  ['DELETE', `/api/v1/grants/${ID}`, []],
];

/** Routes any authenticated principal may call. */
const SELF_SERVICE_ROUTES: Array<[string, string]> = [
  ['GET', '/api/v1/auth/me'],
  ['POST', '/api/v1/auth/password'],
  ['POST', '/api/v1/api-keys'],
  ['GET', '/api/v1/api-keys'],
  ['GET', `/api/v1/api-keys/${ID}`],
  ['DELETE', `/api/v1/api-keys/${ID}`],
];

const PUBLIC_ROUTES = [
  'POST /api/v1/auth/login',
  'POST /api/v1/auth/refresh',
  'POST /api/v1/auth/logout',
  'POST /api/v1/agents/token',
];

describe('role checks on every management route', () => {
  let relay: RunningApp<RelayConfig>;
  let admin: Api;
  const users = {} as Record<Exclude<Role, 'admin'>, TestUser>;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  let openapi: any;

  beforeAll(async () => {
    relay = await startRelay(IDENTITY_ENV);
    admin = (await loginAs(relay.url, ADMIN.username, ADMIN.password)).api;
    for (const role of ['operator', 'auditor', 'client'] as const) {
      users[role] = await createUser(admin, [role], role);
    }
    openapi = await (await fetch(`${relay.url}/docs-json`)).json();
  });
  afterAll(async () => {
    await relay?.close();
  });

  /** Method and templated path of every documented identity route. */
  function documentedRoutes(): string[] {
    const routes: string[] = [];
    for (const [path, operations] of Object.entries<Record<string, unknown>>(openapi.paths)) {
      if (!/^\/api\/v1\/(users|agents|grants|api-keys|auth)\b/.test(path)) continue;
      for (const method of Object.keys(operations)) routes.push(`${method.toUpperCase()} ${path}`);
    }
    return routes.sort();
  }
  const template = (path: string) => path.replace(ID, '{id}');

  it('the tables cover every documented identity route', () => {
    const tabled = [
      ...ADMIN_ROUTES.map(([method, path]) => `${method} ${template(path)}`),
      ...SELF_SERVICE_ROUTES.map(([method, path]) => `${method} ${template(path)}`),
      ...PUBLIC_ROUTES,
    ].sort();
    expect(tabled).toEqual(documentedRoutes());
  });

  it.each(ADMIN_ROUTES)('a client gets 403 FORBIDDEN on %s %s', async (method, path) => {
    const result = await users.client.api.request(method, path, method === 'GET' ? undefined : {});
    expect(result.status).toBe(403);
    expect(result.body.code).toBe('FORBIDDEN');
  });

  it.each(ADMIN_ROUTES)('an anonymous caller gets 401 on %s %s', async (method, path) => {
    const result = await admin.anonymous().request(method, path, method === 'GET' ? undefined : {});
    expect(result.status).toBe(401);
    expect(result.headers.get('www-authenticate')).toMatch(/^Bearer/);
  });

  it.each(['operator', 'auditor'] as const)(
    'a %s is allowed exactly the routes of its role',
    async (role) => {
      for (const [method, path, allowed] of ADMIN_ROUTES) {
        const result = await users[role].api.request(
          method,
          path,
          method === 'GET' ? undefined : {},
        );
        const outcome = result.status === 403 ? 'forbidden' : 'allowed';
        const expected = allowed.includes(role) ? 'allowed' : 'forbidden';
        expect(`${method} ${path}: ${outcome}`).toBe(`${method} ${path}: ${expected}`);
      }
    },
  );

  it('an admin passes every role check', async () => {
    for (const [method, path] of ADMIN_ROUTES) {
      const result = await admin.request(method, path, method === 'GET' ? undefined : {});
      expect(`${method} ${path}: ${result.status}`).toMatch(/: (200|400|404)$/);
    }
  });

  it('documents both auth schemes on every protected identity route, none on public ones', () => {
    expect(Object.keys(openapi.components.securitySchemes)).toEqual(
      expect.arrayContaining(['api-key', 'bearer']),
    );
    for (const route of documentedRoutes()) {
      const [method, path] = route.split(' ');
      const operation = openapi.paths[path][method.toLowerCase()];
      const expected = PUBLIC_ROUTES.includes(route)
        ? undefined
        : expect.arrayContaining([{ bearer: [] }, { 'api-key': [] }]);
      expect({ route, security: operation.security }).toEqual({ route, security: expected });
      const statuses = Object.keys(operation.responses);
      expect({ route, ok: statuses.some((status) => status.startsWith('2')) }).toEqual({
        route,
        ok: true,
      });
      if (expected) expect(statuses).toEqual(expect.arrayContaining(['401', '403']));
    }
  });

  it('documents no identity schema that could carry a stored hash', () => {
    const views = [
      'UserView',
      'UserPageView',
      'TokenPairView',
      'PrincipalView',
      'ApiKeyView',
      'CreatedApiKeyView',
      'ApiKeyPageView',
      'AgentStatusView',
      'AgentCredentialsView',
      'AgentPageView',
      'AgentTokenView',
      'GrantView',
      'GrantPageView',
    ];
    for (const view of views) {
      const properties = Object.keys(openapi.components.schemas[view]?.properties ?? {});
      expect({ view, documented: properties.length > 0 }).toEqual({ view, documented: true });
      expect(properties.filter((name) => /hash|generation/i.test(name))).toEqual([]);
    }
    expect(openapi.components.schemas.ErrorResponseDto).toBeDefined();
  });
});
