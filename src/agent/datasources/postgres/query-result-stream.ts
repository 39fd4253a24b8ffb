import { Readable } from 'node:stream';
import type { QuerySession } from './query-session';
import type { ResultEncoder } from './result-encoders';
import { sqlFailure } from './sql-failure';

const STREAM_HIGH_WATER_MARK = 64 * 1024;

/**
 * A query result as a byte stream. It reads the next batch from the cursor only when the
 * consumer wants more (`_read`), so memory holds about one batch whatever the result size.
 * Rows beyond `maxRows` are not read; the result is then marked truncated.
 */
export class QueryResultStream extends Readable {
  private sent = 0;
  private busy = false;
  private started = false;

  constructor(
    private readonly session: QuerySession,
    private readonly encoder: ResultEncoder,
    private readonly firstBatch: unknown[][],
    private readonly batchSize: number,
    private readonly maxRows: number,
  ) {
    super({ highWaterMark: STREAM_HIGH_WATER_MARK });
  }

  /** The first read asked for this many rows (more than maxRows reveals truncation). */
  static firstBatchSize(batchSize: number, maxRows: number): number {
    return Math.min(batchSize, maxRows + 1);
  }

  override _read(): void {
    if (this.busy) return;
    if (!this.started) {
      this.started = true;
      const wanted = QueryResultStream.firstBatchSize(this.batchSize, this.maxRows);
      this.deliver(this.firstBatch, wanted, this.encoder.start(this.session.columns));
      return;
    }
    const wanted = Math.min(this.batchSize, this.maxRows - this.sent + 1);
    this.busy = true;
    this.session.read(wanted).then(
      (rows) => {
        this.busy = false;
        if (!this.destroyed) this.deliver(rows, wanted, '');
      },
      (error: unknown) => {
        this.busy = false;
        this.destroy(sqlFailure(error));
      },
    );
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.session.abort();
    callback(error);
  }

  private deliver(batch: unknown[][], wanted: number, prefix: string): void {
    const room = this.maxRows - this.sent;
    const truncated = batch.length > room;
    const rows = truncated ? batch.slice(0, room) : batch;
    this.sent += rows.length;
    const text = prefix + this.encoder.rows(rows);
    if (!truncated && batch.length === wanted) {
      this.push(text);
      return;
    }
    this.busy = true;
    this.session.finish().then(
      () => {
        this.busy = false;
        this.push(text + this.encoder.end(truncated));
        this.push(null);
      },
      (error: unknown) => this.destroy(sqlFailure(error)),
    );
  }
}
