import { randomUUID } from 'node:crypto';
import { AgentsService, type AgentRevocation } from '../../src/relay/agents/agents.service';
import type { RelayConfig } from '../../src/relay/relay.config';
import type { AppException } from '../../src/shared/errors/app.exception';
import {
  ADMIN,
  Api,
  createUser,
  expectNoStoredSecrets,
  IDENTITY_ENV,
  loginAs,
  type TestUser,
} from '../utils/identity';
import { startRelay, type RunningApp } from '../utils/test-apps';

describe('agents', () => {
  let relay: RunningApp<RelayConfig>;
  let anonymous: Api;
  let admin: Api;
  let operator: TestUser;
  let agents: AgentsService;
  const revocations: AgentRevocation[] = [];

  beforeAll(async () => {
    relay = await startRelay(IDENTITY_ENV);
    anonymous = new Api(relay.url);
    admin = (await loginAs(relay.url, ADMIN.username, ADMIN.password)).api;
    operator = await createUser(admin, ['operator'], 'op');
    agents = relay.app.get(AgentsService);
    agents.revocations.subscribe((event) => revocations.push(event));
  });
  afterAll(async () => {
    await relay?.close();
  });

  const register = async (name: string) => {
    const created = await operator.api.post('/api/v1/agents', { name, description: 'test' });
    expect(created.status).toBe(201);
    return created.body as { id: string; name: string; secret: string };
  };
  const exchange = (agentId: string, secret: string) =>
    anonymous.post('/api/v1/agents/token', { agentId, secret });
  const verifyCode = async (token: string) => {
    try {
      await agents.verifyAgentToken(token);
      return 'ok';
    } catch (error) {
      return (error as AppException).code;
    }
  };

  it('an operator registers an agent and sees its secret once', async () => {
    const created = await operator.api.post('/api/v1/agents', {
      name: 'plant-1',
      description: 'Plant one',
    });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      name: 'plant-1',
      description: 'Plant one',
      enabled: true,
      secret: expect.stringMatching(/^ibas_[\w-]{43}$/),
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
      lastSeenAt: null,
    });
    expectNoStoredSecrets(created.body);

    const fetched = await operator.api.get(`/api/v1/agents/${created.body.id}`);
    expect(fetched.status).toBe(200);
    expect(fetched.body).not.toHaveProperty('secret');
    expectNoStoredSecrets(fetched.body);
    const list = await operator.api.get('/api/v1/agents?q=plant');
    expect(list.body.items.map((a: { name: string }) => a.name)).toContain('plant-1');
    expectNoStoredSecrets(list.body);
  });

  it('refuses a second agent with the same name, whatever its case', async () => {
    await register('unique-name');
    const again = await operator.api.post('/api/v1/agents', { name: 'UNIQUE-name' });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('AGENT_NAME_TAKEN');
  });

  it('refuses bad names and unknown fields', async () => {
    for (const body of [{ name: 'has space' }, { name: '' }, { name: 'ok', secretHash: 'x' }]) {
      const result = await operator.api.post('/api/v1/agents', body);
      expect(result.status).toBe(400);
      expect(result.body.code).toBe('VALIDATION_FAILED');
    }
  });

  it('exchanges id and secret for an agent token the tunnel can verify', async () => {
    const agent = await register('exchange-1');
    const token = await exchange(agent.id, agent.secret);
    expect(token.status).toBe(200);
    expect(token.body).toEqual({
      accessToken: expect.any(String),
      expiresIn: 900,
      tokenType: 'Bearer',
    });
    await expect(agents.verifyAgentToken(token.body.accessToken)).resolves.toEqual({
      agentId: agent.id,
      name: 'exchange-1',
    });
    await expect(agents.findById(agent.id)).resolves.toMatchObject({ id: agent.id });
    expectNoStoredSecrets(await agents.findById(agent.id));
  });

  it('answers a wrong secret and an unknown agent alike', async () => {
    const agent = await register('exchange-2');
    const wrong = await exchange(agent.id, 'ibas_wrong');
    const unknown = await exchange(randomUUID(), agent.secret);
    for (const result of [wrong, unknown]) {
      expect(result.status).toBe(401);
      expect(result.body).toMatchObject({
        code: 'INVALID_AGENT_CREDENTIALS',
        message: 'Invalid agent id or secret',
      });
    }
    const malformed = await anonymous.post('/api/v1/agents/token', { agentId: 'x', secret: 's' });
    expect(malformed.status).toBe(400);
  });

  it('keeps agent tokens and user tokens apart', async () => {
    const agent = await register('apart-1');
    const agentToken = (await exchange(agent.id, agent.secret)).body.accessToken as string;
    const asUser = await anonymous.withBearer(agentToken).get('/api/v1/auth/me');
    expect(asUser.status).toBe(401);
    expect(asUser.body.code).toBe('INVALID_TOKEN');
    expect(await verifyCode(operator.tokens.accessToken)).toBe('INVALID_TOKEN');
    expect(await verifyCode('')).toBe('INVALID_TOKEN');
    expect(await verifyCode('not.a.jwt')).toBe('INVALID_TOKEN');
  });

  it('disabling refuses the secret, kills its tokens and announces the revocation', async () => {
    const agent = await register('disable-1');
    const token = (await exchange(agent.id, agent.secret)).body.accessToken as string;
    const disabled = await operator.api.post(`/api/v1/agents/${agent.id}/disable`);
    expect(disabled.status).toBe(200);
    expect(disabled.body.enabled).toBe(false);
    expect(revocations).toContainEqual({ agentId: agent.id, reason: 'disabled' });
    expect(await verifyCode(token)).toBe('AGENT_DISABLED');
    expect((await exchange(agent.id, agent.secret)).body.code).toBe('INVALID_AGENT_CREDENTIALS');

    expect((await operator.api.post(`/api/v1/agents/${agent.id}/enable`)).status).toBe(200);
    expect(await verifyCode(token)).toBe('TOKEN_REVOKED');
    const fresh = await exchange(agent.id, agent.secret);
    expect(fresh.status).toBe(200);
    expect(await verifyCode(fresh.body.accessToken)).toBe('ok');
  });

  it('rotating the secret invalidates the old secret and tokens', async () => {
    const agent = await register('rotate-1');
    const oldToken = (await exchange(agent.id, agent.secret)).body.accessToken as string;
    const rotated = await operator.api.post(`/api/v1/agents/${agent.id}/rotate-secret`);
    expect(rotated.status).toBe(200);
    expect(rotated.body.secret).toMatch(/^ibas_/);
    expect(rotated.body.secret).not.toBe(agent.secret);
    expectNoStoredSecrets(rotated.body);
    expect(revocations).toContainEqual({ agentId: agent.id, reason: 'rotated' });
    expect(await verifyCode(oldToken)).toBe('TOKEN_REVOKED');
    expect((await exchange(agent.id, agent.secret)).status).toBe(401);
    const fresh = await exchange(agent.id, rotated.body.secret);
    expect(await verifyCode(fresh.body.accessToken)).toBe('ok');
  });

  it('deleting an agent ends its tokens and announces it', async () => {
    const agent = await register('delete-1');
    const token = (await exchange(agent.id, agent.secret)).body.accessToken as string;
    expect((await operator.api.delete(`/api/v1/agents/${agent.id}`)).status).toBe(204);
    expect(revocations).toContainEqual({ agentId: agent.id, reason: 'deleted' });
    expect(await verifyCode(token)).toBe('TOKEN_REVOKED');
    await expect(agents.findById(agent.id)).resolves.toBeNull();
    expect((await operator.api.get(`/api/v1/agents/${agent.id}`)).body.code).toBe(
      'AGENT_NOT_FOUND',
    );
    expect((await operator.api.delete(`/api/v1/agents/${agent.id}`)).status).toBe(404);
  });

  it('renames and describes, refusing other changes', async () => {
    const agent = await register('rename-1');
    const renamed = await operator.api.patch(`/api/v1/agents/${agent.id}`, {
      name: 'renamed-1',
      description: null,
    });
    expect(renamed.status).toBe(200);
    expect(renamed.body).toMatchObject({ name: 'renamed-1', description: null });
    const noop = await operator.api.patch(`/api/v1/agents/${agent.id}`, {});
    expect(noop.body).toMatchObject({ name: 'renamed-1' });
    const sneaky = await operator.api.patch(`/api/v1/agents/${agent.id}`, { enabled: false });
    expect(sneaky.status).toBe(400);
    const sneakier = await operator.api.patch(`/api/v1/agents/${agent.id}`, { secretHash: 'x' });
    expect(sneakier.status).toBe(400);
  });

  it('findById answers null for ids that are not UUIDs or unknown', async () => {
    await expect(agents.findById('not-a-uuid')).resolves.toBeNull();
    await expect(agents.findById(randomUUID())).resolves.toBeNull();
  });
});
