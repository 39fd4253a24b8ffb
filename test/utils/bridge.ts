import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { AgentConfig } from '../../src/agent/agent.config';
import type { RelayConfig } from '../../src/relay/relay.config';
import type { RawEnv } from '../../src/shared/config/load-config';
import { TunnelRegistry } from '../../src/relay/tunnel/tunnel-registry';
import { ADMIN_TOKEN } from './agent-admin';
import { startAgent, startRelay, type RunningApp } from './test-apps';
import { TestUpstream } from './test-upstream';

export const ADMIN_PASSWORD = 'bridge-admin-password-1';

/** A relay, one registered agent connected to it, an intranet upstream and a granted API key. */
export interface TestBridge {
  relay: RunningApp<RelayConfig>;
  agent: RunningApp<AgentConfig>;
  upstream: TestUpstream;
  adminToken: string;
  agentId: string;
  agentSecret: string;
  apiKey: string;
  apiKeyId: string;
  /** URL of a path below the `svc` HTTP datasource, through the relay. */
  proxyUrl(path: string, datasource?: string): string;
  /** Calls through the relay with the granted API key. */
  call(path: string, init?: RequestInit): Promise<Response>;
  close(): Promise<void>;
}

export interface BridgeOptions {
  relayEnv?: RawEnv;
  agentEnv?: RawEnv;
  /** Extra agent datasources besides `svc` (HTTP to the upstream). */
  datasources?: object[];
  operations?: string[];
}

export async function api<T = unknown>(
  base: string,
  path: string,
  init: { method?: string; token?: string; body?: unknown } = {},
): Promise<T> {
  const response = await fetch(`${base}${path}`, {
    method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
    headers: {
      ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
    },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${init.method ?? 'GET'} ${path}: ${response.status} ${text}`);
  return (text ? JSON.parse(text) : undefined) as T;
}

export async function login(relayUrl: string, username: string, password: string): Promise<string> {
  const { accessToken } = await api<{ accessToken: string }>(relayUrl, '/api/v1/auth/login', {
    body: { username, password },
  });
  return accessToken;
}

export async function registerAgent(
  relayUrl: string,
  adminToken: string,
): Promise<{ id: string; secret: string }> {
  return api(relayUrl, '/api/v1/agents', {
    token: adminToken,
    body: { name: `agent-${randomBytes(4).toString('hex')}` },
  });
}

/** Waits until the relay routes calls to `agentId`. */
export async function waitForAgent(
  relay: RunningApp<RelayConfig>,
  agentId: string,
  timeoutMs = 20_000,
): Promise<void> {
  const registry = relay.app.get(TunnelRegistry);
  const deadline = Date.now() + timeoutMs;
  while (!registry.get(agentId)) {
    if (Date.now() > deadline) throw new Error(`agent ${agentId} did not connect`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

export async function startBridge(options: BridgeOptions = {}): Promise<TestBridge> {
  const upstream = await new TestUpstream().start();
  const relay = await startRelay({ ADMIN_PASSWORD, ...options.relayEnv });
  const adminToken = await login(relay.url, 'admin', ADMIN_PASSWORD);
  const agentCredentials = await registerAgent(relay.url, adminToken);
  const key = await api<{ id: string; key: string }>(relay.url, '/api/v1/api-keys', {
    token: adminToken,
    body: { name: 'bridge-client' },
  });
  await api(relay.url, '/api/v1/grants', {
    token: adminToken,
    body: {
      apiKeyId: key.id,
      agentId: agentCredentials.id,
      datasource: '*',
      operations: options.operations ?? ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'query'],
    },
  });
  const datasourcesFile = join(
    relay.config.DATA_DIR,
    `datasources-${randomBytes(4).toString('hex')}.json`,
  );
  await writeFile(
    datasourcesFile,
    JSON.stringify([
      {
        name: 'svc',
        type: 'http',
        description: 'test upstream',
        http: {
          baseUrl: upstream.url,
          allowedMethods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
          timeoutMs: 60_000,
          maxBodyBytes: 1024 ** 3,
        },
      },
      ...(options.datasources ?? []),
    ]),
  );
  const agent = await startAgent({
    RELAY_URL: relay.url,
    AGENT_ID: agentCredentials.id,
    AGENT_SECRET: agentCredentials.secret,
    AGENT_ADMIN_TOKEN: ADMIN_TOKEN,
    AGENT_DATASOURCES_FILE: datasourcesFile,
    ...options.agentEnv,
  });
  await waitForAgent(relay, agentCredentials.id);
  const proxyUrl = (path: string, datasource = 'svc') =>
    `${relay.url}/api/v1/proxy/${agentCredentials.id}/${datasource}${path}`;
  return {
    relay,
    agent,
    upstream,
    adminToken,
    agentId: agentCredentials.id,
    agentSecret: agentCredentials.secret,
    apiKey: key.key,
    apiKeyId: key.id,
    proxyUrl,
    call: (path, init = {}) =>
      fetch(proxyUrl(path), {
        ...init,
        headers: { 'x-api-key': key.key, ...(init.headers as Record<string, string>) },
      }),
    close: async () => {
      await agent.close().catch(() => undefined);
      await relay.close().catch(() => undefined);
      await upstream.stop();
    },
  };
}
