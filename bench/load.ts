import { Agent, get } from 'node:http';
import autocannon from 'autocannon';

/** One autocannon run, reduced to what the tables report. */
export interface LoadResult {
  rps: number;
  p50: number;
  p99: number;
  /** Errors, timeouts and non-2xx answers together. */
  errors: number;
  requests: number;
}

/** Loads `url` with `connections` keep-alive connections for `seconds`. */
export async function load(
  url: string,
  connections: number,
  seconds: number,
  headers: Record<string, string> = {},
): Promise<LoadResult> {
  const result = await autocannon({ url, connections, duration: seconds, headers, pipelining: 1 });
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.timeouts + result.non2xx,
    requests: result.requests.total,
  };
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/**
 * Median round trip of `count` calls made one after another on one keep-alive connection, in
 * microseconds: autocannon reports whole milliseconds, too coarse for added latency.
 */
export async function sequentialP50Micros(
  url: string,
  headers: Record<string, string> = {},
  count = 2_000,
): Promise<number> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const times: number[] = [];
  try {
    for (let i = 0; i < count; i++) {
      const started = process.hrtime.bigint();
      await new Promise<void>((resolve, reject) => {
        get(url, { agent, headers }, (res) => {
          res.resume();
          res.on('end', resolve);
        }).on('error', reject);
      });
      times.push(Number(process.hrtime.bigint() - started) / 1_000);
    }
  } finally {
    agent.destroy();
  }
  return median(times);
}
