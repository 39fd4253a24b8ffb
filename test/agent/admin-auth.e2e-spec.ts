import { startAgent, type RunningApp } from '../utils/test-apps';
import { ADMIN_TOKEN, adminClient } from '../utils/agent-admin';

const ADMIN_ROUTES = ['/api/v1/datasources', '/api/v1/data-log', '/api/v1/connection'];

describe('agent admin API authentication', () => {
  let agent: RunningApp<unknown>;

  beforeAll(async () => {
    agent = await startAgent({ AGENT_ADMIN_TOKEN: ADMIN_TOKEN });
  });
  afterAll(async () => {
    await agent?.close();
  });

  it.each(ADMIN_ROUTES)('refuses %s without a token, with WWW-Authenticate', async (path) => {
    const response = await adminClient(agent, null).get(path);
    expect(response.status).toBe(401);
    expect(response.body).toMatchObject({ statusCode: 401, code: 'UNAUTHORIZED' });
    expect(response.headers.get('www-authenticate')).toMatch(/^Bearer/);
  });

  it.each([
    ['a wrong token', 'wrong-token-0123456789abcdef0123'],
    ['a prefix of the token', ADMIN_TOKEN.slice(0, -1)],
    ['the token plus a character', `${ADMIN_TOKEN}x`],
  ])('refuses %s', async (_label, token) => {
    const response = await adminClient(agent, token).get('/api/v1/datasources');
    expect(response.status).toBe(401);
    expect(response.body.code).toBe('UNAUTHORIZED');
  });

  it('refuses other schemes', async () => {
    const response = await fetch(`${agent.url}/api/v1/datasources`, {
      headers: { authorization: `Basic ${ADMIN_TOKEN}` },
    });
    expect(response.status).toBe(401);
  });

  it('admits the admin token', async () => {
    const response = await adminClient(agent).get('/api/v1/datasources');
    expect(response.status).toBe(200);
    expect(response.body).toEqual([]);
  });

  it('keeps health and the API document public', async () => {
    expect((await fetch(`${agent.url}/healthz`)).status).toBe(200);
    // Public, and honest: this agent has no relay configured, so it is not ready.
    expect((await fetch(`${agent.url}/readyz`)).status).toBe(503);
    expect((await fetch(`${agent.url}/docs-json`)).status).toBe(200);
  });
});

describe('agent admin API without AGENT_ADMIN_TOKEN', () => {
  let agent: RunningApp<unknown>;

  beforeAll(async () => {
    agent = await startAgent();
  });
  afterAll(async () => {
    await agent?.close();
  });

  it.each(ADMIN_ROUTES)('keeps %s closed with ADMIN_TOKEN_NOT_CONFIGURED', async (path) => {
    for (const token of [null, 'anything-at-all-0123456789']) {
      const response = await adminClient(agent, token).get(path);
      expect(response.status).toBe(503);
      expect(response.body.code).toBe('ADMIN_TOKEN_NOT_CONFIGURED');
    }
  });

  it('still serves health', async () => {
    expect((await fetch(`${agent.url}/healthz`)).status).toBe(200);
  });
});
