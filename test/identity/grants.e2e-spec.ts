import { randomUUID } from 'node:crypto';
import { getRepositoryToken } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { GrantEntity } from '../../src/relay/grants/grant.entity';
import { GrantsService } from '../../src/relay/grants/grants.service';
import type { RelayConfig } from '../../src/relay/relay.config';
import type { Principal } from '../../src/shared/auth/principal';
import type { AppException } from '../../src/shared/errors/app.exception';
import {
  ADMIN,
  Api,
  createUser,
  expectNoStoredSecrets,
  IDENTITY_ENV,
  loginAs,
  sleep,
  type TestUser,
} from '../utils/identity';
import { startRelay, type RunningApp } from '../utils/test-apps';

describe('grants', () => {
  let relay: RunningApp<RelayConfig>;
  let admin: Api;
  let grants: GrantsService;
  let client: TestUser;
  let clientPrincipal: Principal;
  let keyId: string;
  let keyPrincipal: Principal;
  let agentId: string;
  let otherAgentId: string;

  /** The principal the guard would build, as /auth/me reports it. */
  const principalOf = async (api: Api): Promise<Principal> =>
    (await api.get('/api/v1/auth/me')).body as Principal;

  const grant = (body: object) => admin.post('/api/v1/grants', body);
  const check = (principal: Principal, datasource: string, operation: string, agent = agentId) =>
    grants.check(principal, agent, datasource, operation);

  beforeAll(async () => {
    relay = await startRelay(IDENTITY_ENV);
    admin = (await loginAs(relay.url, ADMIN.username, ADMIN.password)).api;
    grants = relay.app.get(GrantsService);
    client = await createUser(admin, ['client'], 'grantee');
    clientPrincipal = await principalOf(client.api);
    const key = await client.api.post('/api/v1/api-keys', { name: 'system-a' });
    keyId = key.body.id;
    keyPrincipal = await principalOf(new Api(relay.url).withApiKey(key.body.key));
    agentId = (await admin.post('/api/v1/agents', { name: 'grants-agent' })).body.id;
    otherAgentId = (await admin.post('/api/v1/agents', { name: 'other-agent' })).body.id;
  });
  afterAll(async () => {
    await relay?.close();
  });

  it('denies by default', async () => {
    expect(await check(clientPrincipal, 'crm', 'GET')).toBe(false);
    expect(await check(keyPrincipal, 'crm', 'GET')).toBe(false);
  });

  it('a user grant allows exactly its agent, datasource and operations', async () => {
    const created = await grant({
      userId: client.id,
      agentId,
      datasource: 'crm',
      operations: ['get', 'POST'],
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      userId: client.id,
      apiKeyId: null,
      agentId,
      datasource: 'crm',
      operations: ['GET', 'POST'],
      expiresAt: null,
    });
    expectNoStoredSecrets(created.body);

    expect(await check(clientPrincipal, 'crm', 'GET')).toBe(true);
    expect(await check(clientPrincipal, 'crm', 'HEAD')).toBe(true);
    expect(await check(clientPrincipal, 'crm', 'POST')).toBe(true);
    expect(await check(clientPrincipal, 'crm', 'DELETE')).toBe(false);
    expect(await check(clientPrincipal, 'crm', 'query')).toBe(false);
    expect(await check(clientPrincipal, 'sales', 'GET')).toBe(false);
    expect(await check(clientPrincipal, 'crm', 'GET', otherAgentId)).toBe(false);
    // The user's grant is not the API key's: keys are scoped by their own grants only.
    expect(await check(keyPrincipal, 'crm', 'GET')).toBe(false);
  });

  it('an API key grant applies to that key only', async () => {
    const created = await grant({
      apiKeyId: keyId,
      agentId,
      datasource: 'sales',
      operations: ['query'],
    });
    expect(created.status).toBe(201);
    expect(await check(keyPrincipal, 'sales', 'query')).toBe(true);
    expect(await check(keyPrincipal, 'sales', 'GET')).toBe(false);
    expect(await check(clientPrincipal, 'sales', 'query')).toBe(false);
  });

  it('datasource * covers every datasource of that agent only', async () => {
    const wide = await createUser(admin, ['client'], 'wide');
    const principal = await principalOf(wide.api);
    await grant({ userId: wide.id, agentId, datasource: '*', operations: ['GET'] });
    expect(await check(principal, 'anything', 'GET')).toBe(true);
    expect(await check(principal, 'crm', 'GET')).toBe(true);
    expect(await check(principal, 'crm', 'PUT')).toBe(false);
    expect(await check(principal, 'crm', 'GET', otherAgentId)).toBe(false);
  });

  it('an expired grant denies', async () => {
    const brief = await createUser(admin, ['client'], 'brief');
    const principal = await principalOf(brief.api);
    const expiresAt = new Date(Date.now() + 1_500).toISOString();
    const created = await grant({
      userId: brief.id,
      agentId,
      datasource: 'crm',
      operations: ['GET'],
      expiresAt,
    });
    expect(created.status).toBe(201);
    expect(await check(principal, 'crm', 'GET')).toBe(true);
    await sleep(1_600);
    expect(await check(principal, 'crm', 'GET')).toBe(false);
    const past = await grant({
      userId: brief.id,
      agentId,
      datasource: 'crm',
      operations: ['GET'],
      expiresAt: '2001-01-01T00:00:00Z',
    });
    expect(past.status).toBe(400);
  });

  it('deleting a grant takes effect at once (the cache is invalidated)', async () => {
    const temp = await createUser(admin, ['client'], 'temp');
    const principal = await principalOf(temp.api);
    const created = await grant({
      userId: temp.id,
      agentId,
      datasource: 'crm',
      operations: ['GET'],
    });
    expect(await check(principal, 'crm', 'GET')).toBe(true);
    expect((await admin.delete(`/api/v1/grants/${created.body.id}`)).status).toBe(204);
    expect(await check(principal, 'crm', 'GET')).toBe(false);
    expect((await admin.get(`/api/v1/grants/${created.body.id}`)).body.code).toBe(
      'GRANT_NOT_FOUND',
    );
  });

  it('deleting the agent removes its grants', async () => {
    const agent = (await admin.post('/api/v1/agents', { name: 'short-lived' })).body.id as string;
    await grant({ userId: client.id, agentId: agent, datasource: 'x', operations: ['GET'] });
    expect(await check(clientPrincipal, 'x', 'GET', agent)).toBe(true);
    await admin.delete(`/api/v1/agents/${agent}`);
    expect(await check(clientPrincipal, 'x', 'GET', agent)).toBe(false);
  });

  it('assertAllowed throws 403 GRANT_REQUIRED', async () => {
    await expect(
      grants.assertAllowed(clientPrincipal, agentId, 'crm', 'GET'),
    ).resolves.toBeUndefined();
    const error = await grants
      .assertAllowed(clientPrincipal, agentId, 'crm', 'DELETE')
      .catch((e: AppException) => e);
    expect(error).toMatchObject({ code: 'GRANT_REQUIRED' });
    expect((error as AppException).getStatus()).toBe(403);
  });

  it('answers from the cache once warm, without touching the database', async () => {
    await check(clientPrincipal, 'crm', 'GET');
    const grants = relay.app.get<Repository<GrantEntity>>(getRepositoryToken(GrantEntity));
    const find = jest.spyOn(grants, 'find');
    try {
      for (let i = 0; i < 1_000; i++) expect(await check(clientPrincipal, 'crm', 'GET')).toBe(true);
      expect(find).not.toHaveBeenCalled();
    } finally {
      find.mockRestore();
    }
  });

  it('names exactly one subject, an existing agent and known operations', async () => {
    const base = { agentId, datasource: 'crm', operations: ['GET'] };
    const cases: Array<[object, number, string]> = [
      [base, 400, 'VALIDATION_FAILED'],
      [{ ...base, userId: client.id, apiKeyId: keyId }, 400, 'VALIDATION_FAILED'],
      [{ ...base, userId: randomUUID() }, 404, 'USER_NOT_FOUND'],
      [{ ...base, apiKeyId: randomUUID() }, 404, 'API_KEY_NOT_FOUND'],
      [{ ...base, userId: client.id, agentId: randomUUID() }, 404, 'AGENT_NOT_FOUND'],
      [{ ...base, userId: client.id, operations: ['FETCH'] }, 400, 'VALIDATION_FAILED'],
      [{ ...base, userId: client.id, operations: [] }, 400, 'VALIDATION_FAILED'],
      [{ ...base, userId: client.id, operations: 'GET' }, 400, 'VALIDATION_FAILED'],
      [{ ...base, userId: client.id, datasource: '../etc' }, 400, 'VALIDATION_FAILED'],
      [{ ...base, userId: client.id, createdBy: client.id }, 400, 'VALIDATION_FAILED'],
    ];
    for (const [body, status, code] of cases) {
      const result = await grant(body);
      expect({ body, status: result.status, code: result.body.code }).toEqual({
        body,
        status,
        code,
      });
    }
  });

  it('lists grants filtered by user, key or agent', async () => {
    const byUser = await admin.get(`/api/v1/grants?userId=${client.id}`);
    expect(byUser.status).toBe(200);
    expect(byUser.body.items.every((g: { userId: string }) => g.userId === client.id)).toBe(true);
    expect(byUser.body.total).toBeGreaterThan(0);
    const byKey = await admin.get(`/api/v1/grants?apiKeyId=${keyId}`);
    expect(byKey.body.items).toHaveLength(1);
    const byAgent = await admin.get(`/api/v1/grants?agentId=${otherAgentId}`);
    expect(byAgent.body).toMatchObject({ items: [], total: 0 });
  });

  it('operators and auditors read grants; only admins change them', async () => {
    const operator = await createUser(admin, ['operator'], 'g-op');
    const auditor = await createUser(admin, ['auditor'], 'g-aud');
    for (const reader of [operator, auditor]) {
      expect((await reader.api.get('/api/v1/grants')).status).toBe(200);
      const write = await reader.api.post('/api/v1/grants', {
        userId: reader.id,
        agentId,
        datasource: '*',
        operations: ['GET'],
      });
      expect(write.status).toBe(403);
    }
    expect((await client.api.get('/api/v1/grants')).status).toBe(403);
  });
});
