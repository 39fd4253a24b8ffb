import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { firstValueFrom } from 'rxjs';
import { ConnectionConfigService } from '../../src/agent/connection-config/connection-config.service';
import { adminClient, ADMIN_TOKEN } from '../utils/agent-admin';
import { startAgentOn } from '../utils/agent-on-database';
import { ADMIN_PASSWORD, login, registerAgent } from '../utils/bridge';
import { spawnProfile } from '../utils/spawn-profile';
import { startRelay } from '../utils/test-apps';
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

  it('lets the environment, when set, win over stored settings at every start, field by field', async () => {
    // Stored by the first test: agent-3, with new-secret-value. Only AGENT_ID changes here.
    const agent = await startAgentOn(database, {
      AGENT_ADMIN_TOKEN: ADMIN_TOKEN,
      AGENT_ID: 'changed-env',
    });
    try {
      const view = (await adminClient(agent).get('/api/v1/connection')).body;
      expect(view).toMatchObject({ agentId: 'changed-env', relayUrl: 'https://relay.example.com' });
      const settings = await agent.app.get(ConnectionConfigService).current();
      expect(settings).toMatchObject({ agentId: 'changed-env', secret: 'new-secret-value' });
    } finally {
      await agent.close();
    }
  });

  it('connects a compose-style agent whose first start stored empty settings, and logs each source', async () => {
    const own = await provisionTestDatabase();
    const env = { AGENT_ADMIN_TOKEN: ADMIN_TOKEN, LOG_LEVEL: 'info' };
    try {
      const first = await spawnProfile('agent', { database: own, env });
      const sourceLine = (logs: Record<string, unknown>[]) =>
        logs.find((line) => line.msg === 'connection settings: source of each field');
      await waitFor(() => sourceLine(first.logs));
      expect(sourceLine(first.logs)).toMatchObject({
        relayUrl: 'unset',
        agentId: 'unset',
        agentSecret: 'unset',
      });
      expect((await fetch(`${first.url}/readyz`)).status).toBe(503);
      expect(await first.stop()).toBe(0);

      // The operator registers the agent and sets its variables, then restarts it.
      const relay = await startRelay({ ADMIN_PASSWORD });
      try {
        const { id, secret } = await registerAgent(
          relay.url,
          await login(relay.url, 'admin', ADMIN_PASSWORD),
        );
        const second = await spawnProfile('agent', {
          database: own,
          env: { ...env, RELAY_URL: relay.url, AGENT_ID: id, AGENT_SECRET: secret },
        });
        try {
          await waitFor(async () => (await fetch(`${second.url}/readyz`)).status === 200);
          expect(sourceLine(second.logs)).toMatchObject({
            relayUrl: 'environment',
            agentId: 'environment',
            agentSecret: 'environment',
          });
          const logged = [...second.logs.map((line) => JSON.stringify(line)), ...second.stderr];
          expect(logged.join('\n')).not.toContain(secret);
        } finally {
          await second.stop();
        }
      } finally {
        await relay.close();
      }
    } finally {
      await own.release();
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

/** Polls until `condition` holds (10 s at most). */
async function waitFor(condition: () => unknown): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met within 10 s');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
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
