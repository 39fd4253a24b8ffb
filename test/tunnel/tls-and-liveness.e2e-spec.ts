import { randomBytes } from 'node:crypto';
import { get as httpsGet, request as httpsRequest } from 'node:https';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { connect, type AddressInfo, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer as createTlsServer } from 'node:tls';
import { TunnelRegistry } from '../../src/relay/tunnel/tunnel-registry';
import { adminClient } from '../utils/agent-admin';
import { api, registerAgent, startBridge, waitForAgent, type TestBridge } from '../utils/bridge';
import { json } from '../utils/http';
import { selfSignedCertificate } from '../utils/self-signed-certificate';
import { spawnProfile } from '../utils/spawn-profile';
import { startAgent, startRelay } from '../utils/test-apps';

function registerAgentOver(
  url: string,
  token: string,
  ca: Buffer,
): Promise<{ id: string; secret: string }> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      `${url}/api/v1/agents`,
      {
        method: 'POST',
        ca,
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      },
      (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString()));
        res.on('end', () => resolve(JSON.parse(text) as { id: string; secret: string }));
      },
    );
    req.on('error', reject);
    req.end(JSON.stringify({ name: `tls-${randomBytes(3).toString('hex')}` }));
  });
}

/** A self-signed certificate for 127.0.0.1 in a folder of its own, with its PEM bytes. */
function selfSignedPair(): { certFile: string; key: Buffer; cert: Buffer } {
  const { certFile, keyFile } = selfSignedCertificate(mkdtempSync(join(tmpdir(), 'ib-tls-')));
  return { certFile, key: readFileSync(keyFile), cert: readFileSync(certFile) };
}

/** A TLS-terminating front for the relay, as a load balancer would be. */
async function tlsFront(
  relayUrl: string,
  key: Buffer,
  cert: Buffer,
): Promise<{ url: string; server: Server }> {
  const { port } = new URL(relayUrl);
  const server = createTlsServer({ key, cert }, (socket) => {
    const upstream = connect(Number(port), '127.0.0.1');
    socket.pipe(upstream).pipe(socket);
    socket.on('error', () => upstream.destroy());
    upstream.on('error', () => socket.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `https://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

async function eventually(
  check: () => Promise<boolean> | boolean,
  timeoutMs = 15_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not reached');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('wss:// with a private CA, and dead-peer detection', () => {
  let bridge: TestBridge;

  beforeAll(async () => {
    bridge = await startBridge({ relayEnv: { TUNNEL_HEARTBEAT_MS: '200' } });
  });
  afterAll(async () => {
    await bridge?.close();
  });

  it('refuses an unknown certificate, accepts it with its CA file, and only skips checks when told', async () => {
    const { certFile, key, cert } = selfSignedPair();
    const front = await tlsFront(bridge.relay.url, key, cert);
    const { id, secret } = await registerAgent(bridge.relay.url, bridge.adminToken);
    const agent = await startAgent({
      RELAY_URL: front.url,
      AGENT_ID: id,
      AGENT_SECRET: secret,
      AGENT_ADMIN_TOKEN: 'test-admin-token-0123456789abcdef',
    });
    const admin = adminClient(agent);
    const status = async () => (await admin.get('/api/v1/connection/status')).body;
    try {
      await eventually(async () => (await status()).lastError !== undefined);
      expect((await status()).state).not.toBe('connected');
      expect((await status()).lastError).toMatch(/certificate/i);
      expect(bridge.relay.app.get(TunnelRegistry).get(id)).toBeUndefined();

      const settings = {
        relayUrl: front.url,
        agentId: id,
        reconnect: { initialDelayMs: 100, maxDelayMs: 500 },
      };
      expect(
        (await admin.put('/api/v1/connection', { ...settings, tls: { caFile: certFile } })).status,
      ).toBe(200);
      await waitForAgent(bridge.relay, id);
      // The relay registers the session before its HELLO_ACK reaches the agent.
      await eventually(async () => (await status()).state === 'connected');

      await api(bridge.relay.url, `/api/v1/agents/${id}/disable`, {
        method: 'POST',
        token: bridge.adminToken,
      });
      await api(bridge.relay.url, `/api/v1/agents/${id}/enable`, {
        method: 'POST',
        token: bridge.adminToken,
      });
      expect(
        (await admin.put('/api/v1/connection', { ...settings, tls: { rejectUnauthorized: false } }))
          .status,
      ).toBe(200);
      await waitForAgent(bridge.relay, id);
    } finally {
      await agent.close();
      front.server.close();
    }
  });

  it("serves HTTPS and wss:// with the relay's own certificate", async () => {
    const { certFile, key, cert } = selfSignedPair();
    const dir = mkdtempSync(join(tmpdir(), 'ib-tls-relay-'));
    writeFileSync(join(dir, 'key.pem'), key);
    const relay = await startRelay({
      TLS_CERT_FILE: certFile,
      TLS_KEY_FILE: join(dir, 'key.pem'),
      ADMIN_PASSWORD: 'tls-admin-password-1',
    });
    const httpsUrl = relay.url.replace('http:', 'https:');
    try {
      const status = await new Promise<number>((resolve, reject) =>
        httpsGet(`${httpsUrl}/healthz`, { ca: cert }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        }).on('error', reject),
      );
      expect(status).toBe(200);
      const token = await new Promise<string>((resolve, reject) => {
        const req = httpsRequest(
          `${httpsUrl}/api/v1/auth/login`,
          { method: 'POST', ca: cert, headers: { 'content-type': 'application/json' } },
          (res) => {
            let text = '';
            res.on('data', (c: Buffer) => (text += c.toString()));
            res.on('end', () => resolve((JSON.parse(text) as { accessToken: string }).accessToken));
          },
        );
        req.on('error', reject);
        req.end(JSON.stringify({ username: 'admin', password: 'tls-admin-password-1' }));
      });
      const { id, secret } = await registerAgentOver(httpsUrl, token, cert);
      const agent = await startAgent({
        RELAY_URL: httpsUrl,
        AGENT_ID: id,
        AGENT_SECRET: secret,
        AGENT_ADMIN_TOKEN: 'test-admin-token-0123456789abcdef',
      });
      try {
        const put = await adminClient(agent).put('/api/v1/connection', {
          relayUrl: httpsUrl,
          agentId: id,
          tls: { caFile: certFile },
          reconnect: { initialDelayMs: 100, maxDelayMs: 500 },
        });
        expect(put.status).toBe(200);
        await waitForAgent(relay, id);
      } finally {
        await agent.close();
      }
    } finally {
      await relay.close();
    }
  });

  it('fails in-flight calls with 502 within the heartbeat bound when the agent freezes', async () => {
    const { id, secret } = await registerAgent(bridge.relay.url, bridge.adminToken);
    await api(bridge.relay.url, '/api/v1/grants', {
      token: bridge.adminToken,
      body: { apiKeyId: bridge.apiKeyId, agentId: id, datasource: '*', operations: ['GET'] },
    });
    const datasources = join(mkdtempSync(join(tmpdir(), 'ib-ds-')), 'ds.json');
    writeFileSync(
      datasources,
      JSON.stringify([
        {
          name: 'svc',
          type: 'http',
          http: { baseUrl: bridge.upstream.url, allowedMethods: ['GET'] },
        },
      ]),
    );
    const frozen = await spawnProfile('agent', {
      env: {
        AGENT_DATASOURCES_FILE: datasources,
        RELAY_URL: bridge.relay.url,
        AGENT_ID: id,
        AGENT_SECRET: secret,
        AGENT_ADMIN_TOKEN: 'test-admin-token-0123456789abcdef',
      },
    });
    try {
      await waitForAgent(bridge.relay, id);
      const hits = bridge.upstream.hits.length;
      const pending = fetch(`${bridge.relay.url}/api/v1/proxy/${id}/svc/hang`, {
        headers: { 'x-api-key': bridge.apiKey },
      });
      await eventually(() => bridge.upstream.hits.length > hits);
      frozen.child.kill('SIGSTOP');
      const stoppedAt = Date.now();
      const response = await pending;
      expect(response.status).toBe(502);
      expect(await json(response)).toMatchObject({ code: 'AGENT_DISCONNECTED' });
      await eventually(() => bridge.relay.app.get(TunnelRegistry).get(id) === undefined, 3_000);
      expect(Date.now() - stoppedAt).toBeLessThan(3_000);
    } finally {
      frozen.child.kill('SIGCONT');
      await frozen.release();
    }
  });
});
