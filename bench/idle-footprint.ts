// Idle memory of a relay and an agent, each with every process it started (its embedded
// PostgreSQL server, unless BENCH_DATABASE_URL names a server): the sum of their PSS from
// /proc/<pid>/smaps_rollup, after a short warm-up of calls and a quiet period (the pool
// closes connections idle for 10 s). Run from the repository root after `npm run build`:
//   node -r ts-node/register/transpile-only bench/idle-footprint.ts
//   BENCH_DATABASE_URL=postgres://... node -r ts-node/register/transpile-only bench/idle-footprint.ts
import { startBridge } from './bridge-processes';
import { processTree, pssTreeBytes, rssBytes } from './proc-stats';
import { startUpstream } from './upstream';

const MIB = 1024 * 1024;
const WARM_CALLS = Number(process.env.BENCH_WARM_CALLS ?? 500);
const QUIET_MS = Number(process.env.BENCH_QUIET_MS ?? 15_000);

export interface IdleFootprint {
  relayMiB: number;
  agentMiB: number;
  relayProcesses: number;
  agentProcesses: number;
  relayNodeRssMiB: number;
  agentNodeRssMiB: number;
}

export async function measureIdleFootprint(): Promise<IdleFootprint> {
  const upstream = await startUpstream();
  const bridge = await startBridge(upstream.url);
  try {
    for (let i = 0; i < WARM_CALLS; i++) {
      const reply = await fetch(`${bridge.proxyBase}/json1k`, {
        headers: { 'x-api-key': bridge.apiKey },
      });
      await reply.arrayBuffer();
    }
    await new Promise((resolve) => setTimeout(resolve, QUIET_MS));
    return {
      relayMiB: pssTreeBytes(bridge.relay.pid) / MIB,
      agentMiB: pssTreeBytes(bridge.agent.pid) / MIB,
      relayProcesses: processTree(bridge.relay.pid).length,
      agentProcesses: processTree(bridge.agent.pid).length,
      relayNodeRssMiB: rssBytes(bridge.relay.pid) / MIB,
      agentNodeRssMiB: rssBytes(bridge.agent.pid) / MIB,
    };
  } finally {
    await bridge.stop();
    upstream.server.close();
  }
}

if (require.main === module) {
  measureIdleFootprint()
    .then((idle) => {
      const database = process.env.BENCH_DATABASE_URL ? 'external PostgreSQL' : 'embedded';
      const fmt = (n: number) => n.toFixed(1);
      console.log(
        `idle PSS (${database}, after ${WARM_CALLS} calls and ${QUIET_MS / 1000} s quiet): ` +
          `relay ${fmt(idle.relayMiB)} MiB in ${idle.relayProcesses} processes ` +
          `(node RSS ${fmt(idle.relayNodeRssMiB)} MiB), ` +
          `agent ${fmt(idle.agentMiB)} MiB in ${idle.agentProcesses} processes ` +
          `(node RSS ${fmt(idle.agentNodeRssMiB)} MiB)`,
      );
      process.exit(0);
    })
    .catch((error: unknown) => {
      console.error(error);
      process.exit(1);
    });
}
