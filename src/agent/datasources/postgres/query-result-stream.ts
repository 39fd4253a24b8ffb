import { Readable } from 'node:stream';
import type { QuerySession } from './query-session';
import type { ResultEncoder } from './result-encoders';
import { sqlFailure } from './sql-failure';

const STREAM_HIGH_WATER_MARK = 64 * 1024;
/** Rows read before the answer's head is sent; small, as rows may be wide. */
const FIRST_BATCH_ROWS = 100;
/**
 * Later batches aim at this many encoded bytes: wide rows come a few at a time, narrow rows
 * by the thousand (2,600 rows of 100 bytes), so memory stays bounded and round trips few.
 */
const TARGET_BATCH_BYTES = 256 * 1024;
const MAX_BATCH_ROWS = 10_000;

/**
 * A query result as a byte stream. It reads the next batch from the cursor only when the
 * consumer wants more (`_read`), so memory holds about one batch whatever the result size;
 * each batch is sized from the bytes per row of the one before.
 * Rows beyond `maxRows` are not read; the result is then marked truncated.
 */
export class QueryResultStream extends Readable {
  private sent = 0;
  private busy = false;
  private started = false;
  private batchRows = FIRST_BATCH_ROWS;

  constructor(
    private readonly session: QuerySession,
    private readonly encoder: ResultEncoder,
    private readonly firstBatch: unknown[][],
    private readonly maxRows: number,
  ) {
    super({ highWaterMark: STREAM_HIGH_WATER_MARK });
  }

  /** The first read asks for this many rows (more than maxRows reveals truncation). */
  static firstBatchSize(maxRows: number): number {
    return Math.min(FIRST_BATCH_ROWS, maxRows + 1);
  }

  override _read(): void {
    if (this.busy) return;
    if (!this.started) {
      this.started = true;
      const wanted = QueryResultStream.firstBatchSize(this.maxRows);
      this.deliver(this.firstBatch, wanted, this.encoder.start(this.session.columns));
      return;
    }
    const wanted = Math.min(this.batchRows, this.maxRows - this.sent + 1);
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
    if (prefix) this.push(prefix);
    const encoded = this.encoder.rows(rows);
    if (rows.length > 0) this.resizeBatches(encoded.length / rows.length);
    if (!truncated && batch.length === wanted) {
      this.push(encoded);
      return;
    }
    this.busy = true;
    this.session.finish().then(
      () => {
        this.busy = false;
        this.push(encoded);
        this.push(this.encoder.end(truncated));
        this.push(null);
      },
      (error: unknown) => this.destroy(sqlFailure(error)),
    );
  }

  private resizeBatches(bytesPerRow: number): void {
    const rows = Math.floor(TARGET_BATCH_BYTES / Math.max(1, bytesPerRow));
    this.batchRows = Math.min(MAX_BATCH_ROWS, Math.max(1, rows));
  }
}
