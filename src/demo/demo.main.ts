/**
 * `npm start`: a relay and an agent on the embedded database, a sample intranet (HTTP API,
 * PostgreSQL, directory), datasources, a client user with an API key and grants; prints
 * ready-to-paste calls and a live status line. Ctrl-C stops everything. Data in ./data/demo.
 */
import type { ChildProcess } from 'node:child_process';
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { loadDemoState, saveDemoState, type DemoState } from './demo-state';
import { startProfile, stopProfile, waitUntilUp } from './demo-processes';
import { RelayAdminClient } from './relay-admin-client';
import { SampleIntranet, sampleDatasources } from './sample-intranet';

const DATA_DIR = resolve(process.env.DEMO_DATA_DIR ?? 'data/demo');
const RELAY_PORT = process.env.RELAY_PORT ?? '8080';
const AGENT_PORT = process.env.AGENT_PORT ?? '8081';
const RELAY_URL = `http://127.0.0.1:${RELAY_PORT}`;
const AGENT_URL = `http://127.0.0.1:${AGENT_PORT}`;
const CLIENT = 'demo-client';

async function ensureAccess(relay: RelayAdminClient, state: DemoState): Promise<void> {
  await relay.login('admin', state.adminPassword);
  if (!state.agentId || (await relay.status('GET', `/api/v1/agents/${state.agentId}`)) !== 200) {
    const agent = await relay.call<{ id: string; secret: string }>('POST', '/api/v1/agents', {
      name: `demo-agent-${Date.now().toString(36)}`,
      description: 'Created by npm start',
    });
    state.agentId = agent.id;
    state.agentSecret = agent.secret;
    state.apiKey = undefined;
  }
  if (!state.apiKey) {
    const users = await relay.call<{ items: Array<{ id: string; username: string }> }>(
      'GET',
      `/api/v1/users?q=${CLIENT}`,
    );
    if (!users.items.some((user) => user.username === CLIENT)) {
      await relay.call('POST', '/api/v1/users', {
        username: CLIENT,
        displayName: 'Demo client system',
        password: state.clientPassword,
        roles: ['client'],
      });
    }
    const client = relay.as(
      await new RelayAdminClient(RELAY_URL).login(CLIENT, state.clientPassword),
    );
    const key = await client.call<{ id: string; key: string }>('POST', '/api/v1/api-keys', {
      name: `demo-${Date.now().toString(36)}`,
    });
    await relay.call('POST', '/api/v1/grants', {
      apiKeyId: key.id,
      agentId: state.agentId,
      datasource: '*',
      operations: ['GET', 'HEAD', 'query'],
    });
    state.apiKey = key.key;
  }
  saveDemoState(DATA_DIR, state);
}

function printWelcome(state: DemoState): void {
  const proxy = `${RELAY_URL}/api/v1/proxy/${state.agentId}`;
  const key = `-H 'X-API-Key: ${state.apiKey}'`;
  process.stdout.write(`
intrabridge is running.

  Relay Swagger UI   ${RELAY_URL}/docs        (admin / ${state.adminPassword})
  Agent Swagger UI   ${AGENT_URL}/docs        (Bearer ${state.agentAdminToken})

Try it (a client system on the internet, reading intranet data through the relay):

  curl ${key} ${proxy}/shop/api/products
  curl ${key} -H 'content-type: application/json' -d '{"customerId": 1}' ${proxy}/sales/queries/orders_by_customer
  curl ${key} ${proxy}/reports/report.csv

Ctrl-C stops everything; data stays in ${DATA_DIR}.

`);
}

async function showStatus(state: DemoState): Promise<void> {
  const response = await fetch(`${AGENT_URL}/api/v1/connection/status`, {
    headers: { authorization: `Bearer ${state.agentAdminToken}` },
  }).catch(() => undefined);
  if (!response?.ok) return;
  const status = (await response.json()) as {
    state: string;
    callsServed: number;
    bytesIn: number;
    bytesOut: number;
  };
  const line = `agent ${status.state} | calls ${status.callsServed} | tunnel in ${status.bytesIn} B, out ${status.bytesOut} B`;
  if (process.stdout.isTTY) {
    process.stdout.write(`\r${line.padEnd(78)}`);
  } else if (Date.now() - lastPlainLineAt >= PLAIN_STATUS_EVERY_MS) {
    // Output to a file or a pipe: a carriage-return line would never show; print whole lines.
    lastPlainLineAt = Date.now();
    process.stdout.write(`${new Date().toISOString()} ${line}\n`);
  }
}

/** Without a terminal the status is a plain line this often (a log file, not a live view). */
const PLAIN_STATUS_EVERY_MS = 10_000;
let lastPlainLineAt = 0;

/** What is running so far; Ctrl-C or a failure may come at any point of start-up. */
const started: {
  intranet?: SampleIntranet;
  relay?: ChildProcess;
  agent?: ChildProcess;
  statusTimer?: NodeJS.Timeout;
} = {};

async function stopAll(): Promise<void> {
  clearInterval(started.statusTimer);
  if (started.agent) await stopProfile(started.agent);
  if (started.relay) await stopProfile(started.relay);
  await started.intranet?.stop();
}

async function main(): Promise<void> {
  // Parents as any folder (umask): only the demo's own folder is owner-only.
  await mkdir(dirname(DATA_DIR), { recursive: true });
  await mkdir(DATA_DIR, { recursive: true, mode: 0o700 });
  // Run as root, the embedded servers run as the postgres account, which must pass through
  // to reach their folders (listing stays owner-only; the files in here are 0600).
  if (process.getuid?.() === 0) await chmod(DATA_DIR, 0o711);
  const state = loadDemoState(DATA_DIR);
  const intranet = new SampleIntranet(DATA_DIR);
  started.intranet = intranet;
  await intranet.start();
  started.relay = startProfile('relay', {
    PORT: RELAY_PORT,
    HOST: '127.0.0.1',
    DATA_DIR: join(DATA_DIR, 'relay'),
    JWT_SECRET: state.agentAdminToken + state.adminPassword,
    ADMIN_PASSWORD: state.adminPassword,
  });
  const stop = async (): Promise<void> => {
    process.stdout.write('\nstopping...\n');
    await stopAll();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());

  await waitUntilUp(`${RELAY_URL}/readyz`);
  await ensureAccess(new RelayAdminClient(RELAY_URL), state);
  const datasourcesFile = join(DATA_DIR, 'datasources.json');
  await writeFile(datasourcesFile, JSON.stringify(sampleDatasources(intranet), null, 2), {
    mode: 0o600,
  });
  started.agent = startProfile('agent', {
    PORT: AGENT_PORT,
    DATA_DIR: join(DATA_DIR, 'agent'),
    AGENT_ADMIN_TOKEN: state.agentAdminToken,
    RELAY_URL,
    AGENT_ID: state.agentId!,
    AGENT_SECRET: state.agentSecret!,
    AGENT_DATASOURCES_FILE: datasourcesFile,
  });
  await waitUntilUp(`${AGENT_URL}/healthz`);
  // The agent keeps its connection settings in its own database: refresh them on every run.
  await new RelayAdminClient(AGENT_URL)
    .as(state.agentAdminToken)
    .call('PUT', '/api/v1/connection', {
      relayUrl: RELAY_URL,
      agentId: state.agentId,
      secret: state.agentSecret,
    });
  await waitUntilUp(`${AGENT_URL}/readyz`);
  printWelcome(state);
  started.statusTimer = setInterval(() => void showStatus(state), 1_000);
}

main().catch(async (error: unknown) => {
  process.stderr.write(`demo failed: ${(error as Error).message}\n`);
  await stopAll().catch(() => undefined);
  process.exit(1);
});
