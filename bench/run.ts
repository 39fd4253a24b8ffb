/**
 * Direct vs through intrabridge, on loopback: request rate and latency for 1 KiB and 1 MiB
 * answers, relay + agent CPU per call, streaming throughput and peak memory.
 * Run: npm run bench  (builds first; prints a Markdown table, writes bench/results/latest.md,
 * or latest-postgres.md with BENCH_DATABASE_URL)
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startBridge, type Bridge } from './bridge-processes';
import { rssBytes, sampleRss, treeCpuSeconds } from './proc-stats';
import { idleAgentMemory } from './idle-agents';
import { startFloor, type Floor } from './floor';
import { load, median, sequentialP50Micros, type LoadResult } from './load';
import { loopbackRoundTrip, type RoundTrip } from './round-trip';
import { startNginx } from './nginx';
import { bridgeSqlMs, prepareSqlTable, psqlMs, SQL_ROWS, sqlDatasource } from './sql-case';
import { download, upload } from './streams';
import { startUpstream } from './upstream';

const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const STREAM_DOWN = Number(process.env.BENCH_STREAM_DOWN ?? 1024 ** 3);
const STREAM_UP = Number(process.env.BENCH_STREAM_UP ?? 512 * 1024 ** 2);
const MIB = 1024 * 1024;
/** Relay and agent on a PostgreSQL server instead of their embedded databases. */
const ON_SERVER = process.env.BENCH_DATABASE_URL !== undefined;

interface CaseRow {
  name: string;
  direct: LoadResult;
  nginx?: LoadResult;
  floor: LoadResult;
  bridged: LoadResult;
  cpuMsPerCall: number;
  floorCpuMsPerCall: number;
}

/** CPU seconds of a set of processes and their descendants (database servers), from /proc. */
const cpuOf = (pids: number[]) => pids.reduce((sum, pid) => sum + treeCpuSeconds(pid), 0);

async function loadCase(
  bridge: Bridge,
  floor: Floor,
  upstream: string,
  nginxUrl: string | undefined,
  name: string,
  path: string,
  connections: number,
): Promise<CaseRow> {
  const direct: LoadResult[] = [];
  const viaNginx: LoadResult[] = [];
  const bridged: LoadResult[] = [];
  const viaFloor: LoadResult[] = [];
  const cpu: number[] = [];
  const floorCpu: number[] = [];
  const bridgePids = [bridge.relay.pid, bridge.agent.pid];
  /** One run through `pids`, recording their CPU per call. */
  const measured = async (url: string, pids: number[], into: number[], headers = {}) => {
    const before = cpuOf(pids);
    const result = await load(url, connections, SECONDS, headers);
    into.push(((cpuOf(pids) - before) * 1000) / Math.max(1, result.requests));
    return result;
  };
  for (let run = 0; run < RUNS; run++) {
    direct.push(await load(`${upstream}${path}`, connections, SECONDS));
    if (nginxUrl) viaNginx.push(await load(`${nginxUrl}${path}`, connections, SECONDS));
    viaFloor.push(await measured(`${floor.url}${path}`, floor.pids, floorCpu));
    const headers = { 'x-api-key': bridge.apiKey };
    bridged.push(await measured(`${bridge.proxyBase}${path}`, bridgePids, cpu, headers));
  }
  const pick = (runs: LoadResult[]): LoadResult => ({
    rps: median(runs.map((r) => r.rps)),
    p50: median(runs.map((r) => r.p50)),
    p99: median(runs.map((r) => r.p99)),
    errors: runs.reduce((sum, r) => sum + r.errors, 0),
    requests: median(runs.map((r) => r.requests)),
  });
  const row = {
    name,
    direct: pick(direct),
    nginx: viaNginx.length > 0 ? pick(viaNginx) : undefined,
    floor: pick(viaFloor),
    bridged: pick(bridged),
    cpuMsPerCall: median(cpu),
    floorCpuMsPerCall: median(floorCpu),
  };
  console.error(`bench: ${name}: ${(row.bridged.rps / row.direct.rps).toFixed(2)}x direct`);
  return row;
}

async function streamCase(bridge: Bridge, upstream: string) {
  const headers = { 'x-api-key': bridge.apiKey };
  const idle = { relay: rssBytes(bridge.relay.pid), agent: rssBytes(bridge.agent.pid) };
  const relayPeak = sampleRss(bridge.relay.pid);
  const agentPeak = sampleRss(bridge.agent.pid);
  const down = [];
  const up = [];
  const directDown = [];
  const directUp = [];
  for (let run = 0; run < RUNS; run++) {
    directDown.push(await download(`${upstream}/bytes?size=${STREAM_DOWN}`, {}, STREAM_DOWN));
    down.push(
      await download(`${bridge.proxyBase}/bytes?size=${STREAM_DOWN}`, headers, STREAM_DOWN),
    );
    directUp.push(await upload(`${upstream}/sink`, {}, STREAM_UP));
    up.push(await upload(`${bridge.proxyBase}/sink`, headers, STREAM_UP));
  }
  return {
    downMBs: median(down),
    upMBs: median(up),
    directDownMBs: median(directDown),
    directUpMBs: median(directUp),
    relayPeakAboveIdleMiB: (relayPeak.stop() - idle.relay) / MIB,
    agentPeakAboveIdleMiB: (agentPeak.stop() - idle.agent) / MIB,
  };
}

interface Extras {
  /** Median sequential round trip at one connection, in microseconds. */
  latency: { direct: number; nginx?: number; floor: number; bridge: number };
  hop: RoundTrip;
  sql?: { psqlMs: number; bridgeMs: number };
  idleKiBPerAgent: number;
  idleAgents: number;
}

function table(
  rows: CaseRow[],
  stream: Awaited<ReturnType<typeof streamCase>>,
  extras: Extras,
): string {
  const fmt = (n: number, digits = 0) => n.toFixed(digits);
  const latency = (r?: LoadResult) => (r ? `${r.p50}/${r.p99}` : 'n/a');
  const lines = [
    `Loopback, ${RUNS} runs x ${SECONDS} s each, medians; relay + agent as production processes on ${ON_SERVER ? 'databases on a PostgreSQL server' : 'the embedded database'}, with audit, transfer statistics and rate limiting on; nginx with one worker.`,
    '',
    '| case | direct req/s | nginx req/s | floor req/s | bridge req/s | bridge/direct | bridge/nginx | floor/direct | p50/p99 ms direct | nginx | bridge | CPU ms/call floor | bridge | errors |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...rows.map(
      (r) =>
        `| ${r.name} | ${fmt(r.direct.rps)} | ${r.nginx ? fmt(r.nginx.rps) : 'n/a'} | ${fmt(r.floor.rps)} | ${fmt(r.bridged.rps)} | ${fmt(r.bridged.rps / r.direct.rps, 2)}x | ${r.nginx ? `${fmt(r.bridged.rps / r.nginx.rps, 2)}x` : 'n/a'} | ${fmt(r.floor.rps / r.direct.rps, 2)}x | ${latency(r.direct)} | ${latency(r.nginx)} | ${latency(r.bridged)} | ${fmt(r.floorCpuMsPerCall, 3)} | ${fmt(r.cpuMsPerCall, 3)} | ${r.bridged.errors} |`,
    ),
    '',
    `Added p50 latency at 1 connection (median of 2,000 sequential calls, above direct's ${fmt(extras.latency.direct)} us): ` +
      `${extras.latency.nginx === undefined ? '' : `nginx ${fmt(extras.latency.nginx - extras.latency.direct)} us, `}` +
      `floor ${fmt(extras.latency.floor - extras.latency.direct)} us, bridge ${fmt(extras.latency.bridge - extras.latency.direct)} us. ` +
      `One hop alone (a bare TCP echo between two Node processes, 1 KiB at a time): p50 ${fmt(extras.hop.p50Micros)} us, ${fmt(extras.hop.echoCpuMicros)} us of CPU on the echoing side.`,
    '',
    '| stream | direct MB/s | bridge MB/s | ratio |',
    '| --- | ---: | ---: | ---: |',
    `| ${STREAM_DOWN / MIB} MiB download | ${fmt(stream.directDownMBs)} | ${fmt(stream.downMBs)} | ${fmt(stream.downMBs / stream.directDownMBs, 2)}x |`,
    `| ${STREAM_UP / MIB} MiB upload | ${fmt(stream.directUpMBs)} | ${fmt(stream.upMBs)} | ${fmt(stream.upMBs / stream.directUpMBs, 2)}x |`,
    '',
    `Peak RSS above idle while streaming: relay ${fmt(stream.relayPeakAboveIdleMiB, 1)} MiB, agent ${fmt(stream.agentPeakAboveIdleMiB, 1)} MiB.`,
    `Relay memory per idle agent connection (${extras.idleAgents} agents): ${fmt(extras.idleKiBPerAgent, 1)} KiB.`,
    extras.sql
      ? `SQL, ${SQL_ROWS} rows: psql direct ${fmt(extras.sql.psqlMs)} ms, through the bridge (NDJSON) ${fmt(extras.sql.bridgeMs)} ms: ${fmt(extras.sql.bridgeMs / extras.sql.psqlMs, 2)}x.`
      : 'SQL case skipped: no PostgreSQL at BENCH_PG_URL.',
  ];
  return lines.join('\n');
}

async function main(): Promise<void> {
  const upstream = await startUpstream();
  const pgUrl =
    process.env.BENCH_PG_URL ?? 'postgres://postgres:intrabridge-ci@127.0.0.1:5432/postgres';
  const withSql = await prepareSqlTable(pgUrl);
  const bridge = await startBridge(upstream.url, {}, withSql ? [sqlDatasource(pgUrl)] : []);
  const nginx = await startNginx(upstream.url);
  const floor = await startFloor(upstream.url);
  try {
    const cases: Array<[name: string, path: string, connections: number]> = [
      ['1 KiB JSON, 1 conn', '/json1k', 1],
      ['1 KiB JSON, 10 conns', '/json1k', 10],
      ['1 KiB JSON, 50 conns', '/json1k', 50],
      ['1 MiB body, 10 conns', `/bytes?size=${MIB}`, 10],
      ['1 MiB body, 50 conns', `/bytes?size=${MIB}`, 50],
    ];
    const rows: CaseRow[] = [];
    for (const [name, path, connections] of cases) {
      rows.push(await loadCase(bridge, floor, upstream.url, nginx?.url, name, path, connections));
    }
    const headers = { 'x-api-key': bridge.apiKey };
    const latency = {
      direct: await sequentialP50Micros(`${upstream.url}/json1k`),
      nginx: nginx ? await sequentialP50Micros(`${nginx.url}/json1k`) : undefined,
      floor: await sequentialP50Micros(`${floor.url}/json1k`),
      bridge: await sequentialP50Micros(`${bridge.proxyBase}/json1k`, headers),
    };
    const hop = await loopbackRoundTrip();
    console.error(
      `bench: sequential p50 us ${JSON.stringify(latency)}, one hop ${JSON.stringify(hop)}`,
    );
    console.error('bench: streaming');
    const stream = await streamCase(bridge, upstream.url);
    console.error(`bench: ${JSON.stringify(stream)}`);
    let sql: Extras['sql'];
    if (withSql) {
      console.error('bench: SQL, 100,000 rows');
      const psql: number[] = [];
      const bridged: number[] = [];
      // Under a second a run: three times the other cases' runs, for a steadier median.
      for (let run = 0; run < RUNS * 3; run++) {
        psql.push(await psqlMs(pgUrl));
        bridged.push(await bridgeSqlMs(bridge.proxyBase, bridge.apiKey));
      }
      sql = { psqlMs: median(psql), bridgeMs: median(bridged) };
    }
    const idleAgents = Number(process.env.BENCH_IDLE_AGENTS ?? 1000);
    console.error(`bench: sql ${JSON.stringify(sql)}; idle agents`);
    const idleKiBPerAgent = await idleAgentMemory(
      bridge.relay.url,
      bridge.relay.pid,
      bridge.adminToken,
      idleAgents,
    );
    const healthy = await fetch(`${bridge.proxyBase}/json1k`, {
      headers: { 'x-api-key': bridge.apiKey },
    });
    const output = `${table(rows, stream, { latency, hop, sql, idleKiBPerAgent, idleAgents })}\n\nRelay still serving after the runs: ${healthy.status === 200 ? 'yes' : `no (${healthy.status})`}.\n`;
    console.log(output);
    mkdirSync(join(__dirname, 'results'), { recursive: true });
    writeFileSync(
      join(__dirname, 'results', ON_SERVER ? 'latest-postgres.md' : 'latest.md'),
      output,
    );
  } finally {
    nginx?.stop();
    floor.stop();
    await bridge.stop();
    upstream.server.close();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
