import { execFile } from 'node:child_process';
import { Client } from 'pg';

export const SQL_ROWS = 100_000;

/** Creates a 100,000-row table on a real PostgreSQL server; undefined when none answers. */
export async function prepareSqlTable(url: string): Promise<boolean> {
  const client = new Client({ connectionString: url });
  try {
    await client.connect();
  } catch {
    return false;
  }
  await client.query(`drop table if exists bench_rows;
    create table bench_rows as
      select i as id, 'customer-' || i as name, i * 1.25 as amount, now() as created_at
      from generate_series(1, ${SQL_ROWS}) i`);
  await client.end();
  return true;
}

export function sqlDatasource(url: string): object {
  return {
    name: 'pg',
    type: 'postgres',
    postgres: {
      url,
      queries: [
        {
          name: 'all_rows',
          sql: 'select * from bench_rows order by id',
          params: [],
          maxRows: SQL_ROWS,
          timeoutMs: 60_000,
        },
      ],
    },
  };
}

/** Wall time of a command run to completion, its whole output read by this process. */
async function commandMs(command: string, args: string[]): Promise<[ms: number, output: string]> {
  const started = process.hrtime.bigint();
  const output = await new Promise<string>((resolve, reject) =>
    execFile(command, args, { maxBuffer: 1 << 30 }, (error, stdout) =>
      error ? reject(new Error(error.message)) : resolve(stdout),
    ),
  );
  return [Number(process.hrtime.bigint() - started) / 1e6, output];
}

/** Wall time of `psql` fetching every row (unaligned output, read and discarded). */
export async function psqlMs(url: string): Promise<number> {
  const [ms] = await commandMs('psql', [url, '-qAtc', 'select * from bench_rows order by id']);
  return ms;
}

/**
 * Wall time of the same query through the relay, streamed as NDJSON to `curl`: a C client
 * spawned and read the same way as `psql` above, so both sides pay the same client costs.
 */
export async function bridgeSqlMs(proxyBase: string, apiKey: string): Promise<number> {
  const [ms, output] = await commandMs('curl', [
    '-sS',
    '--fail',
    '-H',
    `x-api-key: ${apiKey}`,
    '-H',
    'content-type: application/json',
    '-H',
    'accept: application/x-ndjson',
    '--data',
    '{}',
    `${proxyBase.replace(/\/svc$/, '/pg')}/queries/all_rows`,
  ]);
  const rows = output.split('\n').filter(Boolean).length;
  if (rows !== SQL_ROWS) throw new Error(`SQL through the bridge: ${rows} rows`);
  return ms;
}
