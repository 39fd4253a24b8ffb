/**
 * One load case, for iterating on the hot path: relay and agent CPU per call separately.
 * Run: npm run build && node -r ts-node/register/transpile-only bench/quick.ts [path] [connections]
 */
import autocannon from 'autocannon';
import { startBridge } from './bridge-processes';
import { cpuSeconds } from './proc-stats';
import { startUpstream } from './upstream';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);

async function main(): Promise<void> {
  const path = process.argv[2] ?? '/json1k';
  const connections = Number(process.argv[3] ?? 10);
  const upstream = await startUpstream();
  const bridge = await startBridge(upstream.url);
  try {
    for (const [name, url, headers] of [
      ['direct', `${upstream.url}${path}`, {}],
      ['bridge', `${bridge.proxyBase}${path}`, { 'x-api-key': bridge.apiKey }],
    ] as const) {
      const relayBefore = cpuSeconds(bridge.relay.pid);
      const agentBefore = cpuSeconds(bridge.agent.pid);
      const result = await autocannon({ url, connections, duration: SECONDS, headers });
      const calls = Math.max(1, result.requests.total);
      const relayMs = ((cpuSeconds(bridge.relay.pid) - relayBefore) * 1000) / calls;
      const agentMs = ((cpuSeconds(bridge.agent.pid) - agentBefore) * 1000) / calls;
      console.log(
        `${name}: ${Math.round(result.requests.average)} req/s p50 ${result.latency.p50} p99 ` +
          `${result.latency.p99} errors ${result.errors + result.non2xx} relay ${relayMs.toFixed(3)} ` +
          `agent ${agentMs.toFixed(3)} ms/call`,
      );
    }
  } finally {
    await bridge.stop();
    upstream.server.close();
  }
}

void main();
