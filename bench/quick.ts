/**
 * One case at a time, for iterating on the hot path: relay and agent CPU reported apart.
 * Run after `npm run build`:
 *   node -r ts-node/register/transpile-only bench/quick.ts [path] [connections]
 *   node -r ts-node/register/transpile-only bench/quick.ts down|up [MiB]
 */
import { startBridge, type Bridge } from './bridge-processes';
import { load } from './load';
import { cpuSeconds, treeCpuSeconds } from './proc-stats';
import { download, upload } from './streams';
import { startUpstream } from './upstream';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const MIB = 1024 * 1024;

/** Runs `work`, which returns a summary and how many units (calls, MiB) it moved. */
async function measure(
  bridge: Bridge,
  name: string,
  work: () => Promise<[summary: string, units: number, unit: string]>,
): Promise<void> {
  const pids = [bridge.relay.pid, bridge.agent.pid];
  const before = pids.map((pid) => [treeCpuSeconds(pid), cpuSeconds(pid)]);
  const [summary, units, unit] = await work();
  const [relay, agent] = pids.map((pid, i) => {
    const [tree, own] = [treeCpuSeconds(pid) - before[i][0], cpuSeconds(pid) - before[i][1]];
    return { tree: (tree * 1000) / units, database: ((tree - own) * 1000) / units };
  });
  const ms = (n: number) => n.toFixed(3);
  console.log(
    `${name}: ${summary}; CPU ms per ${unit} (process tree, database server included): ` +
      `relay ${ms(relay.tree)} (db ${ms(relay.database)}), agent ${ms(agent.tree)} ` +
      `(db ${ms(agent.database)}), both ${ms(relay.tree + agent.tree)}`,
  );
}

async function main(): Promise<void> {
  const [mode = '/json1k', amount] = process.argv.slice(2);
  const upstream = await startUpstream();
  const bridge = await startBridge(upstream.url);
  const headers = { 'x-api-key': bridge.apiKey };
  try {
    if (mode === 'down' || mode === 'up') {
      const size = Number(amount ?? 1024) * MIB;
      const move = mode === 'down' ? download : upload;
      const path = mode === 'down' ? `/bytes?size=${size}` : '/sink';
      for (const [name, base, sent] of [
        ['direct', upstream.url, {}],
        ['bridge', bridge.proxyBase, headers],
      ] as const) {
        await measure(bridge, name, async () => {
          const rate = await move(`${base}${path}`, sent, size);
          return [`${rate.toFixed(0)} MB/s`, size / MIB, 'MiB'];
        });
      }
      return;
    }
    const connections = Number(amount ?? 10);
    for (const [name, url, sent] of [
      ['direct', `${upstream.url}${mode}`, {}],
      ['bridge', `${bridge.proxyBase}${mode}`, headers],
    ] as const) {
      await measure(bridge, name, async () => {
        const result = await load(url, connections, SECONDS, sent);
        const summary =
          `${Math.round(result.rps)} req/s p50 ${result.p50} p99 ${result.p99} ` +
          `errors ${result.errors}`;
        return [summary, Math.max(1, result.requests), 'call'];
      });
    }
  } finally {
    await bridge.stop();
    upstream.server.close();
  }
}

void main();
