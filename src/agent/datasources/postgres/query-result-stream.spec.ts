import { QueryResultStream } from './query-result-stream';
import type { QuerySession } from './query-session';
import { NdjsonResultEncoder } from './result-encoders';

/** A cursor over `total` rows of one text column `width` characters wide. */
function sessionOver(total: number, width: number) {
  const asked: number[] = [];
  let served = 0;
  const rows = (count: number) => {
    const batch = Array.from({ length: Math.min(count, total - served) }, () => [
      'x'.repeat(width),
    ]);
    served += batch.length;
    return batch;
  };
  const session = {
    columns: [{ name: 'v', type: 'text' }],
    read: (count: number) => {
      asked.push(count);
      return Promise.resolve(rows(count));
    },
    finish: () => Promise.resolve(),
    abort: () => undefined,
  };
  return { session: session as unknown as QuerySession, asked, first: rows };
}

async function drain(stream: QueryResultStream): Promise<number> {
  let lines = 0;
  for await (const chunk of stream) lines += (chunk as Buffer).toString().split('\n').length - 1;
  return lines;
}

/** The stream over a session, as the datasource builds it: first batch read, then the rest. */
function streamOf(source: ReturnType<typeof sessionOver>, maxRows: number): QueryResultStream {
  const first = source.first(QueryResultStream.firstBatchSize(maxRows));
  return new QueryResultStream(source.session, new NdjsonResultEncoder(), first, maxRows);
}

describe('QueryResultStream', () => {
  it('sizes batches by bytes: wide rows a few at a time, narrow rows by the thousand', async () => {
    const wide = sessionOver(2_000, 64 * 1024);
    expect(await drain(streamOf(wide, 1_000_000))).toBe(2_000);
    expect(Math.max(...wide.asked)).toBeLessThanOrEqual(4);

    const narrow = sessionOver(100_000, 10);
    expect(await drain(streamOf(narrow, 1_000_000))).toBe(100_000);
    expect(narrow.asked[0]).toBe(10_000);
  });

  it('stops at maxRows', async () => {
    expect(await drain(streamOf(sessionOver(100_000, 10), 1_234))).toBe(1_234);
  });
});
