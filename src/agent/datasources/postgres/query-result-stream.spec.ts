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

describe('QueryResultStream', () => {
  it('sizes batches by bytes: wide rows a few at a time, narrow rows by the thousand', async () => {
    const wide = sessionOver(2_000, 64 * 1024);
    const first = QueryResultStream.firstBatchSize(1_000_000);
    const stream = new QueryResultStream(
      wide.session,
      new NdjsonResultEncoder(),
      wide.first(first),
      1_000_000,
    );
    expect(await drain(stream)).toBe(2_000);
    expect(Math.max(...wide.asked)).toBeLessThanOrEqual(4);

    const narrow = sessionOver(100_000, 10);
    const fast = new QueryResultStream(
      narrow.session,
      new NdjsonResultEncoder(),
      narrow.first(first),
      1_000_000,
    );
    expect(await drain(fast)).toBe(100_000);
    expect(narrow.asked[0]).toBe(10_000);
  });

  it('stops at maxRows', async () => {
    const many = sessionOver(100_000, 10);
    const stream = new QueryResultStream(
      many.session,
      new NdjsonResultEncoder(),
      many.first(QueryResultStream.firstBatchSize(1_234)),
      1_234,
    );
    expect(await drain(stream)).toBe(1_234);
  });
});
