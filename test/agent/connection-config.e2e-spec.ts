import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { firstValueFrom } from 'rxjs';
import { ConnectionConfigService } from '../../src/agent/connection-config/connection-config.service';
import { adminClient, ADMIN_TOKEN } from '../utils/agent-admin';
import { startAgentOn } from '../utils/agent-on-database';
import { provisionTestDatabase, type TestDatabase } from '../utils/test-database';

const SEED = {
  AGENT_ADMIN_TOKEN: ADMIN_TOKEN,
  RELAY_URL: 'http://127.0.0.1:1',
  AGENT_ID: 'agent-from-env',
  AGENT_SECRET: 'env-secret-value',
};

describe('connection config', () => {
  let database: TestDatabase;
  let dir: string;

  beforeAll(async () => {
    database = await provisionTestDatabase();
    dir = await mkdtemp(join(tmpdir(), 'ib-conn-'));
  });
  afterAll(async () => {
    await database?.release();
    await rm(dir, { recursive: true, force: true });
  });

  it('is seeded from the environment, shows the secret only as secretSet, and takes changes', async () => {
    const agent = await startAgentOn(database, SEED);
    try {
      const admin = adminClient(agent);
      const seeded = await admin.get('/api/v1/connection');
      expect(seeded.status).toBe(200);
      expect(seeded.body).toMatchObject({
        relayUrl: 'http://127.0.0.1:1',
        agentId: 'agent-from-env',
        secretSet: true,
        tls: { caFile: null, rejectUnauthorized: true },
        reconnect: { initialDelayMs: 500, maxDelayMs: 30000 },
      });
      expect(JSON.stringify(seeded.body)).not.toContain('env-secret-value');

      const service = agent.app.get(ConnectionConfigService);
      expect(await service.current()).toMatchObject({
        agentId: 'agent-from-env',
        secret: 'env-secret-value',
      });
      const caFile = join(dir, 'ca.pem');
      await writeFile(caFile, '-----BEGIN CERTIFICATE-----\n');
      const announced = firstValueFrom(service.changes);
      const replaced = await admin.put('/api/v1/connection', {
        relayUrl: 'https://relay.example.com',
        agentId: 'agent-2',
        secret: 'new-secret-value',
        tls: { caFile, rejectUnauthorized: true },
        reconnect: { initialDelayMs: 1000, maxDelayMs: 60000 },
      });
      expect(replaced.status).toBe(200);
      expect(replaced.body).toMatchObject({ agentId: 'agent-2', secretSet: true, tls: { caFile } });
      expect(JSON.stringify(replaced.body)).not.toContain('new-secret-value');
      expect(await announced).toMatchObject({
        relayUrl: 'https://relay.example.com',
        agentId: 'agent-2',
        secret: 'new-secret-value',
        reconnect: { initialDelayMs: 1000, maxDelayMs: 60000 },
      });

      const keptSecret = await admin.put('/api/v1/connection', {
        relayUrl: 'https://relay.example.com',
        agentId: 'agent-3',
      });
      expect(keptSecret.body).toMatchObject({
        agentId: 'agent-3',
        secretSet: true,
        tls: { caFile: null },
      });
      expect((await service.current()).secret).toBe('new-secret-value');
    } finally {
      await agent.close();
    }
  });

  it('keeps saved settings over the environment after a restart', async () => {
    const agent = await startAgentOn(database, { ...SEED, AGENT_ID: 'changed-env' });
    try {
      expect((await adminClient(agent).get('/api/v1/connection')).body.agentId).toBe('agent-3');
      expect((await agent.app.get(ConnectionConfigService).current()).secret).toBe(
        'new-secret-value',
      );
    } finally {
      await agent.close();
    }
  });

  it.each([
    ['a relay URL of another scheme', { relayUrl: 'ftp://relay', agentId: 'a' }],
    ['a missing agent id', { relayUrl: 'https://relay' }],
    ['an unknown field', { relayUrl: 'https://relay', agentId: 'a', password: 'x' }],
    [
      'a max delay below the initial delay',
      {
        relayUrl: 'https://relay',
        agentId: 'a',
        reconnect: { initialDelayMs: 5000, maxDelayMs: 1000 },
      },
    ],
    [
      'an unreadable CA file',
      { relayUrl: 'https://relay', agentId: 'a', tls: { caFile: '/nonexistent/ca.pem' } },
    ],
  ])('refuses %s', async (_label, body) => {
    const agent = await startAgentOn(database, SEED);
    try {
      const response = await adminClient(agent).put('/api/v1/connection', body);
      expect([response.status, response.body.code]).toEqual([400, 'VALIDATION_FAILED']);
    } finally {
      await agent.close();
    }
  });
});

describe('PATCH /api/v1/connection', () => {
  let database: TestDatabase;
  let agent: Awaited<ReturnType<typeof startAgentOn>>;

  beforeAll(async () => {
    database = await provisionTestDatabase();
    agent = await startAgentOn(database, SEED);
  });
  afterAll(async () => {
    await agent?.close();
    await database?.release();
  });

  it('rotates only the secret, keeping every other setting, and reconnects with it', async () => {
    const admin = adminClient(agent);
    const before = (
      await admin.put('/api/v1/connection', {
        relayUrl: 'https://relay.example.com',
        agentId: 'agent-patched',
        reconnect: { initialDelayMs: 700, maxDelayMs: 9000 },
      })
    ).body;
    const service = agent.app.get(ConnectionConfigService);
    const announced = firstValueFrom(service.changes);
    const patched = await admin.patch('/api/v1/connection', { secret: 'rotated-secret' });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ ...before, updatedAt: expect.any(String) });
    expect(JSON.stringify(patched.body)).not.toContain('rotated-secret');
    expect(await announced).toMatchObject({
      relayUrl: 'https://relay.example.com',
      agentId: 'agent-patched',
      secret: 'rotated-secret',
      reconnect: { initialDelayMs: 700, maxDelayMs: 9000 },
    });
  });

  it('merges nested settings field by field', async () => {
    const admin = adminClient(agent);
    const patched = await admin.patch('/api/v1/connection', {
      reconnect: { maxDelayMs: 20000 },
      tls: { rejectUnauthorized: false },
    });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({
      agentId: 'agent-patched',
      secretSet: true,
      tls: { caFile: null, rejectUnauthorized: false },
      reconnect: { initialDelayMs: 700, maxDelayMs: 20000 },
    });
    expect((await agent.app.get(ConnectionConfigService).current()).secret).toBe('rotated-secret');
  });

  it.each([
    ['an unknown field', { password: 'x' }],
    ['an unknown nested field', { reconnect: { jitter: 1 } }],
    ['a relay URL of another scheme', { relayUrl: 'ftp://relay' }],
    ['an empty secret', { secret: '' }],
    ['a wrongly typed delay', { reconnect: { initialDelayMs: '500' } }],
    ['a max delay below the stored initial delay', { reconnect: { maxDelayMs: 600 } }],
    ['an unreadable CA file', { tls: { caFile: '/nonexistent/ca.pem' } }],
  ])('refuses %s and changes nothing', async (_label, body) => {
    const admin = adminClient(agent);
    const before = (await admin.get('/api/v1/connection')).body;
    const response = await admin.patch('/api/v1/connection', body);
    expect([response.status, response.body.code]).toEqual([400, 'VALIDATION_FAILED']);
    expect((await admin.get('/api/v1/connection')).body).toEqual(before);
  });
});
