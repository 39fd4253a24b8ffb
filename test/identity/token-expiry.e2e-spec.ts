import { AgentsService } from '../../src/relay/agents/agents.service';
import type { RelayConfig } from '../../src/relay/relay.config';
import { ADMIN, Api, IDENTITY_ENV, loginAs, sleep } from '../utils/identity';
import { startRelay, type RunningApp } from '../utils/test-apps';

/** Two-second lifetimes: long enough to use a token, short enough to watch it expire. */
const SHORT_LIVED = {
  ...IDENTITY_ENV,
  JWT_ACCESS_TTL: '2',
  REFRESH_TOKEN_TTL: '2',
  AGENT_TOKEN_TTL: '2',
};

describe('token expiry', () => {
  let relay: RunningApp<RelayConfig>;

  beforeAll(async () => {
    relay = await startRelay(SHORT_LIVED);
  });
  afterAll(async () => {
    await relay?.close();
  });

  it('access, refresh and agent tokens stop working when they expire', async () => {
    const { api, tokens } = await loginAs(relay.url, ADMIN.username, ADMIN.password);
    expect(tokens.expiresIn).toBe(2);
    expect((await api.get('/api/v1/auth/me')).status).toBe(200);

    const agent = (await api.post('/api/v1/agents', { name: 'expiring' })).body;
    const agentToken = (
      await api
        .anonymous()
        .post('/api/v1/agents/token', { agentId: agent.id, secret: agent.secret })
    ).body;
    expect(agentToken.expiresIn).toBe(2);
    const agents = relay.app.get(AgentsService);
    await expect(agents.verifyAgentToken(agentToken.accessToken)).resolves.toMatchObject({
      agentId: agent.id,
    });

    await sleep(3_000);

    const me = await api.get('/api/v1/auth/me');
    expect(me.status).toBe(401);
    expect(me.body.code).toBe('TOKEN_EXPIRED');
    expect(me.headers.get('www-authenticate')).toContain('invalid_token');
    const refreshed = await new Api(relay.url).post('/api/v1/auth/refresh', {
      refreshToken: tokens.refreshToken,
    });
    expect(refreshed.status).toBe(401);
    expect(refreshed.body.code).toBe('TOKEN_EXPIRED');
    await expect(agents.verifyAgentToken(agentToken.accessToken)).rejects.toMatchObject({
      code: 'TOKEN_EXPIRED',
    });
  });

  it('a refresh before expiry yields a working pair', async () => {
    const { tokens } = await loginAs(relay.url, ADMIN.username, ADMIN.password);
    const refreshed = await new Api(relay.url).post('/api/v1/auth/refresh', {
      refreshToken: tokens.refreshToken,
    });
    expect(refreshed.status).toBe(200);
    const me = await new Api(relay.url)
      .withBearer(refreshed.body.accessToken)
      .get('/api/v1/auth/me');
    expect(me.status).toBe(200);
  });
});
