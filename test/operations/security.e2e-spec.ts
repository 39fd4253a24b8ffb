import type { RelayConfig } from '../../src/relay/relay.config';
import { ADMIN, createUser, IDENTITY_ENV, loginAs, type Api } from '../utils/identity';
import { rawRequest } from '../utils/http';
import type { Json } from '../utils/operations';
import { startRelay, type RunningApp } from '../utils/test-apps';

const PROXY_PATH = '/api/v1/proxy/00000000-0000-4000-8000-000000000001/svc/x';

/** A request as if relayed by a proxy at the loopback address for `client`. */
function forwarded(relay: RunningApp<RelayConfig>, path: string, client: string, token?: string) {
  return rawRequest(`${relay.url}${path}`, {
    headers: {
      'x-forwarded-for': client,
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
  });
}

/**
 * The error code a proxied call got. An authenticated caller past security reaches the grant
 * check, the last gate, which refuses PROXY_PATH's agent (granted to nobody) with GRANT_REQUIRED.
 */
async function proxyCode(
  relay: RunningApp<RelayConfig>,
  client: string,
  token: string,
): Promise<string> {
  const response = await forwarded(relay, PROXY_PATH, client, token);
  return (JSON.parse(response.body.toString()) as { code: string }).code;
}

async function auditEvents(admin: Api, query: string) {
  const result = await admin.get(`/api/v1/audit-events?limit=500&${query}`);
  expect(result.status).toBe(200);
  return result.body.items as Json[];
}

describe('security control behind a trusted proxy', () => {
  let relay: RunningApp<RelayConfig>;
  let admin: Api;
  let adminToken: string;

  beforeAll(async () => {
    relay = await startRelay({
      ...IDENTITY_ENV,
      TRUSTED_PROXIES: 'loopback',
      AUDIT_DENIAL_DEDUP: '0',
    });
    const session = await loginAs(relay.url, ADMIN.username, ADMIN.password);
    admin = session.api;
    adminToken = session.tokens.accessToken;
  });
  afterAll(async () => {
    await relay?.close();
  });

  it('attributes requests to the forwarded client address', async () => {
    const direct = await admin.get('/api/v1/security/client-address');
    expect(direct.body).toMatchObject({
      ip: '127.0.0.1',
      peer: '127.0.0.1',
      peerIsTrustedProxy: true,
    });
    const via = await forwarded(
      relay,
      '/api/v1/security/client-address',
      '198.51.100.7',
      adminToken,
    );
    expect(JSON.parse(via.body.toString())).toMatchObject({
      ip: '198.51.100.7',
      peer: '127.0.0.1',
      forwardedFor: '198.51.100.7',
    });
  });

  it('denies a forwarded client by an IP deny rule, with 403 IP_DENIED, audited', async () => {
    const created = await admin.post('/api/v1/security/ip-rules', {
      action: 'deny',
      cidr: '198.51.100.0/24',
      scopes: ['proxy', 'admin'],
      note: 'abuse',
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ cidr: '198.51.100.0/24', priority: 100, enabled: true });

    const denied = await forwarded(relay, PROXY_PATH, '198.51.100.7', adminToken);
    expect(denied.status).toBe(403);
    expect(JSON.parse(denied.body.toString())).toMatchObject({
      code: 'IP_DENIED',
      statusCode: 403,
    });
    // Another client through the same proxy is not affected (past security, to the grants).
    expect(await proxyCode(relay, '203.0.113.9', adminToken)).toBe('GRANT_REQUIRED');
    // Denied before authentication: no credential needed to be refused.
    expect((await forwarded(relay, '/api/v1/auth/me', '198.51.100.8')).status).toBe(403);

    const events = await auditEvents(admin, 'action=access.ip_denied');
    expect(events[0]).toMatchObject({
      outcome: 'denied',
      actor: { ip: '198.51.100.8' },
      target: { type: 'route', id: '/api/v1/auth/me' },
      details: { scope: 'admin', layer: 'global', rule: { id: created.body.id, action: 'deny' } },
    });
    expect(events.some((e) => e.actor.ip === '198.51.100.7' && e.details.scope === 'proxy')).toBe(
      true,
    );
    await admin.delete(`/api/v1/security/ip-rules/${created.body.id}`);
    expect(await proxyCode(relay, '198.51.100.7', adminToken)).toBe('GRANT_REQUIRED');
  });

  it('matches IPv6 rules', async () => {
    const rule = await admin.post('/api/v1/security/ip-rules', {
      action: 'deny',
      cidr: '2001:db8:bad::/48',
      scopes: ['proxy'],
    });
    expect(rule.status).toBe(201);
    expect(await proxyCode(relay, '2001:db8:bad::17', adminToken)).toBe('IP_DENIED');
    expect(await proxyCode(relay, '2001:db8:900d::17', adminToken)).toBe('GRANT_REQUIRED');
    await admin.delete(`/api/v1/security/ip-rules/${rule.body.id}`);
  });

  it('turns a scope into an allowlist once it has allow rules; priority orders rules', async () => {
    const allow = await admin.post('/api/v1/security/ip-rules', {
      action: 'allow',
      cidr: '10.0.0.0/8',
      scopes: ['proxy'],
      priority: 20,
    });
    const carveOut = await admin.post('/api/v1/security/ip-rules', {
      action: 'deny',
      cidr: '10.66.0.0/16',
      scopes: ['proxy'],
      priority: 10,
    });
    expect(await proxyCode(relay, '10.1.2.3', adminToken)).toBe('GRANT_REQUIRED');
    expect(await proxyCode(relay, '10.66.2.3', adminToken)).toBe('IP_DENIED');
    expect(await proxyCode(relay, '192.0.2.1', adminToken)).toBe('IP_DENIED');
    // The admin API is another scope and is not affected.
    expect((await forwarded(relay, '/api/v1/auth/me', '192.0.2.1', adminToken)).status).toBe(200);
    const evaluation = await admin.get(
      '/api/v1/security/ip-rules/evaluate?ip=10.66.0.1&scope=proxy',
    );
    expect(evaluation.body).toMatchObject({
      allowed: false,
      global: { allowed: false, basis: 'rule', rule: { id: carveOut.body.id } },
    });
    const listed = await admin.get('/api/v1/security/ip-rules?scope=proxy');
    expect(listed.body.map((r: { id: string }) => r.id)).toEqual([carveOut.body.id, allow.body.id]);
    await admin.delete(`/api/v1/security/ip-rules/${allow.body.id}`);
    await admin.delete(`/api/v1/security/ip-rules/${carveOut.body.id}`);
  });

  it("applies a principal's own rules after authentication", async () => {
    const user = await createUser(admin, ['operator'], 'ipbound');
    const rule = await admin.post('/api/v1/security/ip-rules', {
      action: 'allow',
      cidr: '192.0.2.0/24',
      scopes: ['admin'],
      userId: user.id,
    });
    expect(rule.status).toBe(201);
    const token = user.tokens.accessToken;
    expect((await forwarded(relay, '/api/v1/connections', '192.0.2.44', token)).status).toBe(200);
    const denied = await forwarded(relay, '/api/v1/connections', '203.0.113.44', token);
    expect(denied.status).toBe(403);
    expect(JSON.parse(denied.body.toString()).code).toBe('IP_DENIED');
    // Other principals are not bound by it.
    expect((await forwarded(relay, '/api/v1/connections', '203.0.113.44', adminToken)).status).toBe(
      200,
    );
    const [event] = await auditEvents(admin, `action=access.ip_denied&actor=${user.id}`);
    expect(event).toMatchObject({
      actor: { type: 'user', id: user.id, ip: '203.0.113.44' },
      details: { layer: 'principal', basis: 'default-deny' },
    });
    expect(
      (
        await admin.post('/api/v1/security/ip-rules', {
          action: 'deny',
          cidr: '0.0.0.0/0',
          scopes: ['tunnel'],
          userId: user.id,
        })
      ).status,
    ).toBe(400);
  });

  it('refuses a rule that would lock the acting admin out of the admin API', async () => {
    const result = await admin.post('/api/v1/security/ip-rules', {
      action: 'deny',
      cidr: '127.0.0.0/8',
      scopes: ['admin'],
    });
    expect(result.status).toBe(409);
    expect(result.body.code).toBe('IP_RULE_LOCKOUT');
  });

  it('validates rules', async () => {
    for (const body of [
      { action: 'deny', cidr: '10.0.0.0/33' },
      { action: 'deny', cidr: 'example.com' },
      { action: 'block', cidr: '10.0.0.0/8' },
      { action: 'deny', cidr: '10.0.0.0/8', scopes: ['everything'] },
      { action: 'deny', cidr: '10.0.0.0/8', priority: -1 },
    ]) {
      const result = await admin.post('/api/v1/security/ip-rules', body);
      expect([result.status, result.body.code]).toEqual([400, 'VALIDATION_FAILED']);
    }
    const unknownUser = await admin.post('/api/v1/security/ip-rules', {
      action: 'deny',
      cidr: '10.0.0.0/8',
      userId: '00000000-0000-4000-8000-00000000abcd',
    });
    expect([unknownUser.status, unknownUser.body.code]).toEqual([404, 'SUBJECT_NOT_FOUND']);
    const normalised = await admin.post('/api/v1/security/ip-rules', {
      action: 'deny',
      cidr: '10.9.8.7/16',
    });
    expect(normalised.body.cidr).toBe('10.9.0.0/16');
    await admin.delete(`/api/v1/security/ip-rules/${normalised.body.id}`);
  });

  it('is for admins only', async () => {
    const operator = await createUser(admin, ['operator'], 'op');
    expect((await operator.api.get('/api/v1/security/ip-rules')).status).toBe(403);
    expect((await operator.api.get('/api/v1/security/rate-limits')).status).toBe(403);
  });
});

describe('security control without a trusted proxy', () => {
  let relay: RunningApp<RelayConfig>;
  let admin: Api;

  beforeAll(async () => {
    relay = await startRelay({ ...IDENTITY_ENV, HOST: '::' });
    admin = (await loginAs(relay.url, ADMIN.username, ADMIN.password)).api;
  });
  afterAll(async () => {
    await relay?.close();
  });

  it('ignores X-Forwarded-For and judges the peer address', async () => {
    const rule = await admin.post('/api/v1/security/ip-rules', {
      action: 'deny',
      cidr: '198.51.100.0/24',
      scopes: ['proxy'],
    });
    // The header claims a denied address, but nobody is trusted to say so.
    expect((await forwarded(relay, PROXY_PATH, '198.51.100.7')).status).toBe(401);
    const self = await admin.get('/api/v1/security/client-address');
    expect(self.body).toMatchObject({ ip: '127.0.0.1', peerIsTrustedProxy: false });
    await admin.delete(`/api/v1/security/ip-rules/${rule.body.id}`);

    const loopback = await admin.post('/api/v1/security/ip-rules', {
      action: 'deny',
      cidr: '127.0.0.1',
      scopes: ['proxy'],
    });
    expect(loopback.body.cidr).toBe('127.0.0.1/32');
    expect((await forwarded(relay, PROXY_PATH, '203.0.113.1')).status).toBe(403);
    await admin.delete(`/api/v1/security/ip-rules/${loopback.body.id}`);
  });

  it('applies IPv6 rules to callers connecting over IPv6', async () => {
    const v6Url = relay.url.replace('127.0.0.1', '[::1]');
    const rule = await admin.post('/api/v1/security/ip-rules', {
      action: 'deny',
      cidr: '::1/128',
      scopes: ['proxy'],
    });
    expect(rule.status).toBe(201);
    const overV6 = await fetch(`${v6Url}${PROXY_PATH}`);
    expect(overV6.status).toBe(403);
    expect(((await overV6.json()) as { code: string }).code).toBe('IP_DENIED');
    // The same relay over IPv4 is not denied (401: past security, no credential).
    expect((await fetch(`${relay.url}${PROXY_PATH}`)).status).toBe(401);
    const whoami = await new (admin.constructor as typeof Api)(v6Url, {
      bearer: (await loginAs(relay.url, ADMIN.username, ADMIN.password)).tokens.accessToken,
    }).get('/api/v1/security/client-address');
    expect(whoami.body.ip).toBe('::1');
    await admin.delete(`/api/v1/security/ip-rules/${rule.body.id}`);
  });

  it('leaves admin-scope rules unenforced when IP_RULES_ENFORCE_ADMIN=false', async () => {
    const lenient = await startRelay({ ...IDENTITY_ENV, IP_RULES_ENFORCE_ADMIN: 'false' });
    try {
      const api = (await loginAs(lenient.url, ADMIN.username, ADMIN.password)).api;
      // With enforcement off the lock-out guard has nothing to protect, so this is accepted.
      const rule = await api.post('/api/v1/security/ip-rules', {
        action: 'deny',
        cidr: '127.0.0.0/8',
        scopes: ['admin', 'proxy'],
      });
      expect(rule.status).toBe(201);
      expect((await api.get('/api/v1/auth/me')).status).toBe(200);
      expect((await fetch(`${lenient.url}${PROXY_PATH}`)).status).toBe(403);
    } finally {
      await lenient.close();
    }
  });
});

describe('rate limits', () => {
  let relay: RunningApp<RelayConfig>;
  let admin: Api;

  beforeAll(async () => {
    relay = await startRelay({
      ...IDENTITY_ENV,
      RATE_LIMIT_PER_PRINCIPAL: '1000',
      RATE_LIMIT_PER_IP: '100000',
      AUDIT_DENIAL_DEDUP: '0',
    });
    admin = (await loginAs(relay.url, ADMIN.username, ADMIN.password)).api;
  });
  afterAll(async () => {
    await relay?.close();
  });

  it('applies a per-principal limit changed at run time at once, with 429 and Retry-After', async () => {
    const user = await createUser(admin, ['operator'], 'limited');
    expect((await user.api.get('/api/v1/connections')).headers.get('ratelimit-limit')).toBe('1000');

    const override = await admin.post('/api/v1/security/rate-limits', {
      userId: user.id,
      maxRequests: 3,
      windowSeconds: 60,
      note: 'noisy dashboard',
    });
    expect(override.status).toBe(201);
    const statuses: number[] = [];
    let refused: Awaited<ReturnType<Api['get']>> | undefined;
    for (let i = 0; i < 5; i++) {
      const result = await user.api.get('/api/v1/connections');
      statuses.push(result.status);
      if (result.status === 429) refused ??= result;
    }
    // The override counts from the first request under it: three pass, the rest are refused.
    expect(statuses.filter((s) => s === 200).length).toBeLessThanOrEqual(3);
    expect(statuses.slice(-2)).toEqual([429, 429]);
    expect(refused!.body).toMatchObject({ code: 'RATE_LIMITED', statusCode: 429 });
    const retryAfter = Number(refused!.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    // Other principals have their own count.
    expect((await admin.get('/api/v1/connections')).status).toBe(200);

    // Raising the limit applies to the very next request.
    const raised = await admin.patch(`/api/v1/security/rate-limits/${override.body.id}`, {
      maxRequests: 50,
    });
    expect(raised.body).toMatchObject({ maxRequests: 50, windowSeconds: 60 });
    const after = await user.api.get('/api/v1/connections');
    expect(after.status).toBe(200);
    expect(after.headers.get('ratelimit-limit')).toBe('50');

    // Removing the override restores the default.
    expect((await admin.delete(`/api/v1/security/rate-limits/${override.body.id}`)).status).toBe(
      204,
    );
    expect((await user.api.get('/api/v1/connections')).headers.get('ratelimit-limit')).toBe('1000');

    const [event] = await auditEvents(admin, `action=access.rate_limited&actor=${user.id}`);
    expect(event).toMatchObject({
      outcome: 'denied',
      actor: { type: 'user', id: user.id },
      details: { limitedBy: 'principal', limit: 3, windowSeconds: 60 },
    });
    const changes = await auditEvents(admin, 'action=rate_limit.*');
    expect(changes.map((e) => e.action)).toEqual([
      'rate_limit.delete',
      'rate_limit.update',
      'rate_limit.create',
    ]);
    expect(changes[1].details).toMatchObject({
      before: { maxRequests: 3 },
      after: { maxRequests: 50 },
    });
  });

  it("uses an API key's own override before its owner's", async () => {
    const key = await admin.post('/api/v1/api-keys', { name: 'limited-key' });
    expect(key.status).toBe(201);
    const me = await admin.get('/api/v1/auth/me');
    const owner = await admin.post('/api/v1/security/rate-limits', {
      userId: me.body.userId ?? me.body.id,
      maxRequests: 900,
    });
    expect(owner.status).toBe(201);
    const keyApi = admin.withApiKey(key.body.key);
    expect((await keyApi.get('/api/v1/connections')).headers.get('ratelimit-limit')).toBe('900');
    const own = await admin.post('/api/v1/security/rate-limits', {
      apiKeyId: key.body.id,
      maxRequests: 2,
    });
    expect(own.status).toBe(201);
    expect((await keyApi.get('/api/v1/connections')).headers.get('ratelimit-limit')).toBe('2');
    const duplicate = await admin.post('/api/v1/security/rate-limits', {
      apiKeyId: key.body.id,
      maxRequests: 5,
    });
    expect([duplicate.status, duplicate.body.code]).toEqual([409, 'RATE_LIMIT_EXISTS']);
    const both = await admin.post('/api/v1/security/rate-limits', {
      apiKeyId: key.body.id,
      userId: owner.body.userId,
      maxRequests: 5,
    });
    expect(both.status).toBe(400);
    const listed = await admin.get('/api/v1/security/rate-limits');
    expect(listed.body.defaults).toMatchObject({
      perPrincipal: 1000,
      perIp: 100000,
      store: 'memory',
    });
    expect(listed.body.overrides).toHaveLength(2);
    await admin.delete(`/api/v1/security/rate-limits/${owner.body.id}`);
  });
});

describe('per-address rate limit and body sizes', () => {
  let relay: RunningApp<RelayConfig>;

  beforeAll(async () => {
    relay = await startRelay({
      ...IDENTITY_ENV,
      RATE_LIMIT_PER_IP: '5',
      RATE_LIMIT_WINDOW: '1m',
      MAX_BODY_BYTES_AUTH: '1024',
    });
  });
  afterAll(async () => {
    await relay?.close();
  });

  it('limits each client address before authentication, but never health checks', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) statuses.push((await fetch(`${relay.url}/api/v1/auth/me`)).status);
    expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expect(statuses.slice(5)).toEqual([429, 429]);
    const refused = await fetch(`${relay.url}${PROXY_PATH}`);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(((await refused.json()) as { code: string }).code).toBe('RATE_LIMITED');
    expect((await fetch(`${relay.url}/healthz`)).status).toBe(200);
    expect((await fetch(`${relay.url}/readyz`)).status).toBe(200);
  });

  it('refuses bodies larger than the route group allows', async () => {
    const small = await startRelay({
      ...IDENTITY_ENV,
      MAX_BODY_BYTES_AUTH: '1024',
      MAX_BODY_BYTES_PROXY: '2048',
    });
    try {
      const big = await fetch(`${small.url}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'x', password: 'y'.repeat(2000) }),
      });
      expect(big.status).toBe(413);
      expect(((await big.json()) as { code: string }).code).toBe('PAYLOAD_TOO_LARGE');
      const proxied = await fetch(`${small.url}${PROXY_PATH}`, {
        method: 'POST',
        body: 'z'.repeat(4096),
      });
      expect(proxied.status).toBe(413);
      const fine = await fetch(`${small.url}${PROXY_PATH}`, {
        method: 'POST',
        body: 'z'.repeat(100),
      });
      expect(fine.status).toBe(401);
    } finally {
      await small.close();
    }
  });
});
