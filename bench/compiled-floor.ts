/**
 * The floor of the tunnel's own shape in a compiled language, beside Node's (`floor.ts`):
 * `go-floor/main.go` is the same relay and agent (one WebSocket, one message per call each
 * way, no features) in Go. It shows what the 1 KiB targets would leave for the features if
 * the data plane moved out of Node. Needs Debian's golang-go and
 * golang-github-gorilla-websocket-dev. Run after `npm run build`:
 *   node -r ts-node/register/transpile-only bench/compiled-floor.ts
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { startFloor } from './floor';
import { load, median, sequentialP50Micros } from './load';
import { cpuSeconds } from './proc-stats';
import { startUpstream } from './upstream';

const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 4);

interface Target {
  name: string;
  url: string;
  pids: number[];
}

function buildGoFloor(): string {
  const binary = join(mkdtempSync(join(tmpdir(), 'go-floor-')), 'go-floor');
  execFileSync('go', ['build', '-o', binary, '.'], {
    cwd: join(__dirname, 'go-floor'),
    env: { ...process.env, GO111MODULE: 'off', GOPATH: '/usr/share/gocode' },
    stdio: 'inherit',
  });
  return binary;
}

/** Starts one role and resolves with the first line it prints (its ports, or "ready"). */
function startRole(binary: string, args: string[]): Promise<[ChildProcess, string]> {
  // One thread per process, like Node's event loop: measured faster here than Go's default of
  // one per core, with load generator, upstream, relay and agent sharing two cores.
  const env = { ...process.env, GOMAXPROCS: process.env.GOMAXPROCS ?? '1' };
  const child = spawn(binary, args, { env, stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    createInterface({ input: child.stdout }).once('line', (line) => resolve([child, line]));
  });
}

async function startGoFloor(upstreamUrl: string): Promise<Target & { stop(): void }> {
  const binary = buildGoFloor();
  const [relay, ports] = await startRole(binary, ['relay']);
  const { httpPort, wsPort } = JSON.parse(ports) as { httpPort: number; wsPort: number };
  const [agent] = await startRole(binary, ['agent', String(wsPort), upstreamUrl]);
  return {
    name: 'Go floor',
    url: `http://127.0.0.1:${httpPort}`,
    pids: [relay.pid!, agent.pid!],
    stop: () => {
      relay.kill();
      agent.kill();
    },
  };
}

async function main(): Promise<void> {
  const upstream = await startUpstream();
  const nodeFloor = await startFloor(upstream.url);
  const goFloor = await startGoFloor(upstream.url);
  const targets: Target[] = [
    { name: 'direct', url: upstream.url, pids: [] },
    { name: 'Node floor', url: nodeFloor.url, pids: nodeFloor.pids },
    goFloor,
  ];
  const cpuOf = (pids: number[]) => pids.reduce((sum, pid) => sum + cpuSeconds(pid), 0);
  try {
    for (const connections of [10, 50]) {
      const rates = targets.map(() => [] as number[]);
      const cpuPerCall = targets.map(() => [] as number[]);
      for (let run = 0; run < RUNS; run++) {
        for (const [i, target] of targets.entries()) {
          const before = cpuOf(target.pids);
          const result = await load(`${target.url}/json1k`, connections, SECONDS);
          rates[i].push(result.rps);
          cpuPerCall[i].push(((cpuOf(target.pids) - before) * 1000) / result.requests);
        }
      }
      const direct = median(rates[0]);
      const cells = targets
        .slice(1)
        .map(
          ({ name }, i) =>
            `${name} ${(median(rates[i + 1]) / direct).toFixed(2)}x ` +
            `(${median(cpuPerCall[i + 1]).toFixed(3)} ms CPU/call)`,
        );
      console.log(`1 KiB, ${connections} conns: ${cells.join(', ')} direct`);
    }
    const p50: number[] = [];
    for (const { url } of targets) p50.push(await sequentialP50Micros(`${url}/json1k`));
    const added = targets
      .slice(1)
      .map(({ name }, i) => `${name} +${(p50[i + 1] - p50[0]).toFixed(0)} us`);
    console.log(`added p50 at 1 conn: ${added.join(', ')} (direct ${p50[0].toFixed(0)} us)`);
  } finally {
    goFloor.stop();
    nodeFloor.stop();
    upstream.server.close();
  }
}

void main();
