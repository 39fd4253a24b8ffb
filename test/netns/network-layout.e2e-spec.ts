import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MAIN_JS } from '../utils/spawn-profile';
import { NetworkLayout } from './network-layout';

const CLIENT = join(__dirname, 'netns-client.js');
const SERVICES = join(__dirname, 'intranet-services.js');
const HEARTBEAT_MS = 500;
const unavailable = NetworkLayout.available();
if (unavailable) {
  console.warn(
    `network-layout test skipped: ${unavailable} (it needs root, iproute2 and iptables)`,
  );
}
const describeWithNamespaces = unavailable ? describe.skip : describe;

interface Reply {
  status?: number;
  body?: string;
  error?: string;
}

describeWithNamespaces('in a real network layout (internet, dmz, intranet)', () => {
  const net = new NetworkLayout();
  const dir = mkdtempSync(join(tmpdir(), 'ib-netns-'));
  // Run as root, the embedded PostgreSQL servers run as the postgres account: let it pass.
  chmodSync(dir, 0o711);
  const adminPassword = `netns-${randomBytes(8).toString('hex')}`;
  const relayUrlFromInternet = `http://${net.addresses.dmzPublic}:8080`;
  let relay: ChildProcess;
  let agentId: string;
  let apiKey: string;

  const call = async (
    ns: string,
    method: string,
    url: string,
    headers = {},
    body = '',
    timeoutMs = 5000,
  ) =>
    JSON.parse(
      await net.run(ns, [
        process.execPath,
        CLIENT,
        method,
        url,
        JSON.stringify(headers),
        body,
        String(timeoutMs),
      ]),
    ) as Reply;
  const asAdmin = async (token: string, method: string, path: string, body?: object) => {
    const reply = await call(
      net.internet,
      method,
      `${relayUrlFromInternet}${path}`,
      { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body ? JSON.stringify(body) : '',
    );
    if (!reply.status || reply.status >= 300)
      throw new Error(`${method} ${path}: ${JSON.stringify(reply)}`);
    return JSON.parse(reply.body!);
  };
  const startRelay = () =>
    net.start(
      net.dmz,
      [process.execPath, MAIN_JS],
      {
        APP_PROFILE: 'relay',
        NODE_ENV: 'test',
        HOST: '0.0.0.0',
        PORT: '8080',
        DATA_DIR: join(dir, 'relay'),
        ADMIN_PASSWORD: adminPassword,
        JWT_SECRET: 'netns-test-secret-0123456789abcdef0123456789',
        TUNNEL_HEARTBEAT_MS: String(HEARTBEAT_MS),
      },
      /"msg":"listening"/,
    );
  const throughRelay = (
    path: string,
    init: { method?: string; body?: object; timeoutMs?: number } = {},
  ) =>
    call(
      net.internet,
      init.method ?? 'GET',
      `${relayUrlFromInternet}/api/v1/proxy/${agentId}${path}`,
      { 'x-api-key': apiKey, 'content-type': 'application/json' },
      init.body ? JSON.stringify(init.body) : '',
      init.timeoutMs,
    );

  beforeAll(async () => {
    net.create();
    await net.start(
      net.intranet,
      [process.execPath, SERVICES, join(dir, 'intranet')],
      {},
      /^ready$/,
    );
    relay = await startRelay();
    const { accessToken } = JSON.parse(
      (
        await call(
          net.internet,
          'POST',
          `${relayUrlFromInternet}/api/v1/auth/login`,
          { 'content-type': 'application/json' },
          JSON.stringify({ username: 'admin', password: adminPassword }),
        )
      ).body!,
    ) as { accessToken: string };
    const agent = await asAdmin(accessToken, 'POST', '/api/v1/agents', { name: 'plant-7' });
    agentId = agent.id;
    const key = await asAdmin(accessToken, 'POST', '/api/v1/api-keys', { name: 'erp' });
    apiKey = key.key;
    await asAdmin(accessToken, 'POST', '/api/v1/grants', {
      apiKeyId: key.id,
      agentId,
      datasource: '*',
      operations: ['GET', 'query'],
    });
    const datasources = join(dir, 'datasources.json');
    writeFileSync(
      datasources,
      JSON.stringify([
        {
          name: 'erp',
          type: 'http',
          http: { baseUrl: `http://${net.addresses.intranet}:8088`, allowedMethods: ['GET'] },
        },
        {
          name: 'plant-db',
          type: 'postgres',
          postgres: {
            url: `postgres://postgres@${net.addresses.intranet}:5432/postgres`,
            queries: [
              {
                name: 'readings',
                sql: 'select id, sensor, value from readings order by id',
                params: [],
              },
            ],
          },
        },
      ]),
    );
    await net.start(
      net.intranet,
      [process.execPath, MAIN_JS],
      {
        APP_PROFILE: 'agent',
        NODE_ENV: 'test',
        DATA_DIR: join(dir, 'agent'),
        RELAY_URL: `http://${net.addresses.dmzInner}:8080`,
        AGENT_ID: agentId,
        AGENT_SECRET: agent.secret,
        AGENT_ADMIN_TOKEN: 'netns-agent-admin-token-0123456789',
        AGENT_DATASOURCES_FILE: datasources,
      },
      /tunnel up/,
    );
  }, 120_000);

  afterAll(() => {
    net.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  it('the intranet service cannot be reached from the internet, nor even from the dmz', async () => {
    const fromInternet = await call(
      net.internet,
      'GET',
      `http://${net.addresses.intranet}:8088/inventory`,
      {},
      '',
      2000,
    );
    expect(fromInternet.status).toBeUndefined();
    expect(fromInternet.error).toBeDefined();
    const fromDmz = await call(
      net.dmz,
      'GET',
      `http://${net.addresses.intranet}:8088/inventory`,
      {},
      '',
      2000,
    );
    expect(fromDmz.status).toBeUndefined();
    // Inside the intranet the service answers: it is there, only unreachable from outside.
    const inside = await call(
      net.intranet,
      'GET',
      `http://${net.addresses.intranet}:8088/inventory`,
    );
    expect(inside.status).toBe(200);
  });

  it('the same data arrives through the relay: HTTP and SQL', async () => {
    const inside = await call(
      net.intranet,
      'GET',
      `http://${net.addresses.intranet}:8088/inventory`,
    );
    const bridged = await throughRelay('/erp/inventory');
    expect(bridged.status).toBe(200);
    expect(JSON.parse(bridged.body!)).toEqual(JSON.parse(inside.body!));
    const rows = await throughRelay('/plant-db/queries/readings', { method: 'POST', body: {} });
    expect(rows.status).toBe(200);
    expect(JSON.parse(rows.body!).rows).toHaveLength(50);
  });

  it('after the relay restarts, the agent reconnects by itself and calls work again', async () => {
    relay.kill('SIGTERM');
    await new Promise((resolve) => relay.once('exit', resolve));
    expect((await throughRelay('/erp/inventory', { timeoutMs: 1000 })).error).toBeDefined();
    relay = await startRelay();
    const deadline = Date.now() + 45_000;
    let reply: Reply = {};
    while (Date.now() < deadline) {
      reply = await throughRelay('/erp/inventory');
      if (reply.status === 200) break;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    expect(reply.status).toBe(200);
  }, 90_000);

  it("cutting the agent's link mid-call gives the caller 502 within the heartbeat bound", async () => {
    const started = Date.now();
    const pending = throughRelay('/erp/hang', { timeoutMs: 20_000 });
    await new Promise((resolve) => setTimeout(resolve, 500));
    net.setLink(net.intranet, `ibn${net.id}b`, 'down');
    const reply = await pending;
    const elapsed = Date.now() - started - 500;
    expect(reply.status).toBe(502);
    expect(JSON.parse(reply.body!).code).toBe('AGENT_DISCONNECTED');
    // Dead after 2.5 silent heartbeat periods, checked once per period.
    expect(elapsed).toBeLessThan(HEARTBEAT_MS * 4 + 1000);
    net.setLink(net.intranet, `ibn${net.id}b`, 'up');
  });
});
