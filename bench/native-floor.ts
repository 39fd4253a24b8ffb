/**
 * A native floor for the relay + agent shape: two nginx workers chained in front of the same
 * upstream (client -> nginx -> nginx -> upstream), the two extra hops a call through the
 * bridge makes, each served by C instead of Node. It shows what the 1 KiB targets would need
 * of a data plane written outside Node, on this machine. Run after `npm run build`:
 *   node -r ts-node/register/transpile-only bench/native-floor.ts
 */
import { load, median, sequentialP50Micros } from './load';
import { startNginx } from './nginx';
import { startUpstream } from './upstream';

const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 4);

async function main(): Promise<void> {
  const upstream = await startUpstream();
  const inner = await startNginx(upstream.url);
  const outer = inner && (await startNginx(inner.url));
  if (!inner || !outer) throw new Error('nginx is not installed');
  const targets = [
    ['direct', upstream.url],
    ['nginx', inner.url],
    ['nginx -> nginx', outer.url],
  ] as const;
  try {
    for (const connections of [10, 50]) {
      const rates = targets.map(() => [] as number[]);
      for (let run = 0; run < RUNS; run++) {
        for (const [i, [, url]] of targets.entries()) {
          rates[i].push((await load(`${url}/json1k`, connections, SECONDS)).rps);
        }
      }
      const direct = median(rates[0]);
      const ratios = targets.map(
        ([name], i) => `${name} ${(median(rates[i]) / direct).toFixed(2)}x`,
      );
      console.log(`1 KiB, ${connections} conns: ${ratios.join(', ')} direct`);
    }
    const p50: number[] = [];
    for (const [, url] of targets) p50.push(await sequentialP50Micros(`${url}/json1k`));
    console.log(
      `added p50 at 1 conn: nginx +${(p50[1] - p50[0]).toFixed(0)} us, ` +
        `nginx -> nginx +${(p50[2] - p50[0]).toFixed(0)} us (direct ${p50[0].toFixed(0)} us)`,
    );
  } finally {
    outer.stop();
    inner.stop();
    upstream.server.close();
  }
}

void main();
