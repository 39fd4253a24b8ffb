/**
 * Storage per call, measured as issue 18's soak did: the growth of each side's whole data
 * folder (heap, indexes, WAL, free space) on the embedded PostgreSQL, divided by the calls.
 * Run after `npm run build`:
 *   node -r ts-node/register/transpile-only bench/storage-per-call.ts [calls] [connections]
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { Client } from 'pg';
import { startBridge, type Bridge } from './bridge-processes';
import { startUpstream } from './upstream';

/** Tables named in the report; the rest of each schema is summed as "other". */
const TABLES = [
  'transfer_records',
  'transfer_rollups_minute',
  'transfer_rollups_hour',
  'data_log',
  'audit_events',
];
/** Longer than TRANSFER_FLUSH_INTERVAL_MS and DATA_LOG_FLUSH_INTERVAL_MS (1 s each). */
const FLUSH_WAIT_MS = 5_000;

interface Footprint {
  folder: number;
  wal: number;
  /** Checkpoints so far (pg_stat_checkpointer: timed + requested, ours included). */
  checkpoints: number;
  tables: Record<string, number>;
}

/** Bytes under `dir`, as `du -sb` counts them (apparent sizes, each file once). */
function folderBytes(dir: string): number {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) total += folderBytes(path);
    else if (entry.isFile()) total += statSync(path).size;
  }
  return total;
}

/** A client on the side's embedded server, found through the socket folder its lock names. */
async function connect(dataDir: string): Promise<Client> {
  const holder = JSON.parse(readFileSync(join(dataDir, 'intrabridge.lock'), 'utf8')) as {
    socketDir: string;
  };
  const socket = readdirSync(holder.socketDir).find((name) => /^\.s\.PGSQL\.\d+$/.test(name));
  if (!socket) throw new Error(`no server socket in ${holder.socketDir}`);
  const client = new Client({
    host: holder.socketDir,
    port: Number(socket.split('.').pop()),
    user: 'postgres',
    database: 'postgres',
  });
  await client.connect();
  return client;
}

/** CHECKPOINT first, so dirty pages and WAL recycling are on disk before counting. */
async function footprint(dataDir: string): Promise<Footprint> {
  const client = await connect(dataDir);
  try {
    await client.query('checkpoint');
    const sizes = await client.query<{ name: string; bytes: string }>(
      `select c.relname as name, pg_total_relation_size(c.oid) as bytes from pg_class c
       join pg_namespace n on n.oid = c.relnamespace
       where c.relkind in ('r', 'p') and n.nspname = current_schema()`,
    );
    const wal = await client.query<{ bytes: string }>(
      'select coalesce(sum(size), 0) as bytes from pg_ls_waldir()',
    );
    const checkpoints = await client.query<{ n: string }>(
      'select num_timed + num_requested as n from pg_stat_checkpointer',
    );
    const tables: Record<string, number> = { other: 0 };
    for (const { name, bytes } of sizes.rows) {
      const key = TABLES.includes(name) ? name : 'other';
      tables[key] = (tables[key] ?? 0) + Number(bytes);
    }
    return {
      folder: folderBytes(dataDir),
      wal: Number(wal.rows[0].bytes),
      checkpoints: Number(checkpoints.rows[0].n),
      tables,
    };
  } finally {
    await client.end();
  }
}

async function drive(bridge: Bridge, calls: number, connections: number) {
  const result = await autocannon({
    url: `${bridge.proxyBase}/json1k`,
    connections,
    amount: calls,
    headers: { 'x-api-key': bridge.apiKey },
    pipelining: 1,
  });
  return {
    rps: result.requests.average,
    errors: result.errors + result.timeouts + result.non2xx,
  };
}

function report(side: string, before: Footprint, after: Footprint, calls: number): void {
  const perCall = (a: number, b: number) => ((a - b) / calls).toFixed(1).padStart(7);
  const mib = (n: number) => (n / 2 ** 20).toFixed(1);
  console.log(
    `${side}: data folder ${mib(before.folder)} -> ${mib(after.folder)} MiB, ` +
      `${perCall(after.folder, before.folder)} B/call; WAL ${mib(before.wal)} -> ` +
      `${mib(after.wal)} MiB, ${perCall(after.wal, before.wal)} B/call; ` +
      `${after.checkpoints - before.checkpoints} checkpoints`,
  );
  for (const name of Object.keys({ ...before.tables, ...after.tables })) {
    const [a, b] = [after.tables[name] ?? 0, before.tables[name] ?? 0];
    if (a === 0 && b === 0) continue;
    console.log(`  ${name.padEnd(18)} ${perCall(a, b)} B/call (${mib(a)} MiB)`);
  }
}

async function main(): Promise<void> {
  const calls = Number(process.argv[2] ?? 200_000);
  const connections = Number(process.argv[3] ?? 10);
  const upstream = await startUpstream();
  const bridge = await startBridge(upstream.url);
  const dirs = { relay: bridge.dataDirs.relay, agent: bridge.dataDirs.agent };
  try {
    const before = { relay: await footprint(dirs.relay), agent: await footprint(dirs.agent) };
    const started = Date.now();
    const load = await drive(bridge, calls, connections);
    const seconds = (Date.now() - started) / 1000;
    await new Promise((resolve) => setTimeout(resolve, FLUSH_WAIT_MS));
    const after = { relay: await footprint(dirs.relay), agent: await footprint(dirs.agent) };
    console.log(
      `${calls} calls of 1 KiB at ${connections} connections in ${seconds.toFixed(0)} s ` +
        `(${Math.round(load.rps)} req/s, ${load.errors} errors)`,
    );
    report('relay', before.relay, after.relay, calls);
    report('agent', before.agent, after.agent, calls);
  } finally {
    await bridge.stop();
    upstream.server.close();
  }
}

void main();
