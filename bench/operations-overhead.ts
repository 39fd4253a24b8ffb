/**
 * What relay operations cost on the proxy's hot path: the same bridge (relay + agent as
 * production processes, 1 KiB JSON answers) measured with audit, transfer statistics, rate
 * limiting and IP rules on, then off, alternating runs so drift hits both alike.
 *
 *   on:  transfer records written (batched), per-address and per-principal rate limits
 *        counted (limits high enough never to refuse), 50 IP rules evaluated per call,
 *        METRICS_TOKEN set and /metrics scraped after each run
 *   off: TRANSFER_RECORDS_ENABLED=false, RATE_LIMIT_PER_IP=0, RATE_LIMIT_PER_PRINCIPAL=0,
 *        no IP rules
 *
 * Both keep what cannot be switched off: the request context, Prometheus counters and the
 * audit log (which writes nothing on a successful proxied call; denials are not measured).
 *
 * Run: npm run build && node -r ts-node/register/transpile-only bench/operations-overhead.ts
 * Knobs: BENCH_RUNS (3), BENCH_SECONDS (10), BENCH_CONNECTIONS (50). Prints a Markdown table
 * and writes bench/results/operations-overhead.md.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { format } from 'prettier';
import { startBridge, type Bridge } from './bridge-processes';
import { load, median, type LoadResult } from './load';
import { cpuSeconds } from './proc-stats';
import { startUpstream } from './upstream';

const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const METRICS_TOKEN = randomBytes(24).toString('hex');
const IP_RULES = 50;

type Mode = 'on' | 'off';

interface Run extends LoadResult {
  relayCpuMsPerCall: number;
}

const ENV: Record<Mode, Record<string, string>> = {
  on: {
    TRANSFER_RECORDS_ENABLED: 'true',
    RATE_LIMIT_PER_IP: '10000000',
    RATE_LIMIT_PER_PRINCIPAL: '10000000',
    METRICS_TOKEN,
  },
  off: {
    TRANSFER_RECORDS_ENABLED: 'false',
    RATE_LIMIT_PER_IP: '0',
    RATE_LIMIT_PER_PRINCIPAL: '0',
    METRICS_TOKEN,
  },
};

async function api(bridge: Bridge, path: string, body?: unknown): Promise<unknown> {
  const response = await fetch(`${bridge.relay.url}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: {
      authorization: `Bearer ${bridge.adminToken}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
  return response.json();
}

/** Deny rules for documentation ranges no benchmark call comes from: evaluated, never hit. */
async function addIpRules(bridge: Bridge): Promise<void> {
  for (let i = 0; i < IP_RULES; i++) {
    const cidr = i % 2 === 0 ? `198.51.${i}.0/24` : `2001:db8:${i.toString(16)}::/48`;
    await api(bridge, '/api/v1/security/ip-rules', { action: 'deny', cidr, scopes: ['proxy'] });
  }
}

async function measure(bridge: Bridge): Promise<Run> {
  const before = cpuSeconds(bridge.relay.pid);
  const result = await load(`${bridge.proxyBase}/json1k`, CONNECTIONS, SECONDS, {
    'x-api-key': bridge.apiKey,
  });
  const cpu = cpuSeconds(bridge.relay.pid) - before;
  return { ...result, relayCpuMsPerCall: (cpu * 1000) / Math.max(1, result.requests) };
}

async function scrape(bridge: Bridge): Promise<Map<string, number>> {
  const response = await fetch(`${bridge.relay.url}/metrics`, {
    headers: { authorization: `Bearer ${METRICS_TOKEN}` },
  });
  const values = new Map<string, number>();
  for (const line of (await response.text()).split('\n')) {
    const match = /^(intrabridge_[a-z_]+)(?:\{[^}]*\})?\s+(\S+)$/.exec(line);
    if (match) values.set(match[1], (values.get(match[1]) ?? 0) + Number(match[2]));
  }
  return values;
}

async function main(): Promise<void> {
  const upstream = await startUpstream();
  const bridges = {} as Record<Mode, Bridge>;
  try {
    for (const mode of ['on', 'off'] as Mode[]) {
      const extra = mode === 'on' ? JSON.parse(process.env.BENCH_ON_ENV ?? '{}') : {};
      bridges[mode] = await startBridge(upstream.url, {
        LOG_LEVEL: 'warn',
        ...ENV[mode],
        ...extra,
      });
    }
    if (process.env.BENCH_NO_RULES !== '1') await addIpRules(bridges.on);
    // Warm both up (JIT, pools, caches) before measuring.
    for (const mode of ['on', 'off'] as Mode[]) {
      await load(`${bridges[mode].proxyBase}/json1k`, CONNECTIONS, 2, {
        'x-api-key': bridges[mode].apiKey,
      });
    }
    const runs: Record<Mode, Run[]> = { on: [], off: [] };
    let peakBuffered = 0;
    for (let run = 0; run < RUNS; run++) {
      for (const mode of (run % 2 === 0 ? ['on', 'off'] : ['off', 'on']) as Mode[]) {
        runs[mode].push(await measure(bridges[mode]));
        if (mode === 'on') {
          peakBuffered = Math.max(
            peakBuffered,
            (await scrape(bridges.on)).get('intrabridge_transfer_records_buffered') ?? 0,
          );
        }
      }
    }
    // Let the last batch land, then compare records with calls.
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    const metrics = await scrape(bridges.on);
    const totals = (await api(
      bridges.on,
      `/api/v1/transfer-stats?bucket=total&agentId=${bridges.on.agentId}`,
    )) as { rows: Array<{ calls: number }> };
    const recorded = totals.rows[0]?.calls ?? 0;
    const proxied = metrics.get('intrabridge_proxy_calls_total') ?? 0;

    const row = (mode: Mode) => {
      const list = runs[mode];
      return {
        rps: median(list.map((r) => r.rps)),
        p50: median(list.map((r) => r.p50)),
        p99: median(list.map((r) => r.p99)),
        cpu: median(list.map((r) => r.relayCpuMsPerCall)),
        errors: list.reduce((sum, r) => sum + r.errors, 0),
      };
    };
    const on = row('on');
    const off = row('off');
    const lines = [
      `# Relay operations overhead`,
      '',
      `${RUNS} alternating runs of ${SECONDS} s, ${CONNECTIONS} connections, GET 1 KiB JSON through relay + agent (production processes, embedded database), medians.`,
      '',
      '| operations | req/s | p50 ms | p99 ms | relay CPU ms/call | non-2xx |',
      '| --- | ---: | ---: | ---: | ---: | ---: |',
      `| on (audit, stats, rate limits, ${IP_RULES} IP rules) | ${on.rps.toFixed(0)} | ${on.p50} | ${on.p99} | ${on.cpu.toFixed(3)} | ${on.errors} |`,
      `| off | ${off.rps.toFixed(0)} | ${off.p50} | ${off.p99} | ${off.cpu.toFixed(3)} | ${off.errors} |`,
      '',
      `Throughput ratio on/off: **${(on.rps / off.rps).toFixed(3)}**; relay CPU per call ` +
        `on/off: **${(on.cpu / off.cpu).toFixed(3)}** (the steadier figure on a shared machine).`,
      '',
      `Transfer records written for the "on" relay: ${recorded} of ${proxied} proxied calls ` +
        `(dropped: ${metrics.get('intrabridge_transfer_records_dropped_total') ?? 0}); ` +
        `peak records waiting in the buffer at a scrape: ${peakBuffered}.`,
      '',
    ];
    // Aligned like the rest of the repository's Markdown, so a rerun keeps `npm run lint` clean.
    const text = await format(lines.join('\n'), { parser: 'markdown' });
    process.stdout.write(text);
    const dir = join(__dirname, 'results');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'operations-overhead.md'), text);
  } finally {
    await Promise.all(Object.values(bridges).map((bridge) => bridge.stop()));
    upstream.server.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
