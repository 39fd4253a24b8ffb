import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { sketchAdd, sketchMerge } from '../../shared/database/latency-sketch';
import type { NewTransferRecord } from './transfer-record.entity';

/** One rollup cell: the calls of one bucket and key, summed. */
interface RollupCell {
  bucketStart: number;
  agentId: string;
  datasource: string;
  principalType: string;
  principalId: string;
  principalName: string;
  statusClass: number;
  contentType: string;
  calls: number;
  bytesIn: number;
  bytesOut: number;
  durationSum: number;
  durationMax: number;
  sketch: number[];
}

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
/** Cells kept while the database is unreachable; past it new keys are dropped (and counted). */
const MAX_CELLS = 100_000;
type Span = 'minute' | 'hour';

/**
 * Per-minute and per-hour rollups of the transfer records: each record adds to an in-memory
 * cell of its minute and key (agent, datasource, principal, status class, content type), a
 * map update on the proxy's hot path; each flush folds the minutes into hours and upserts
 * both, adding to the cells already stored. A failed write keeps the cells for the next one.
 * TransferRecorder drives it: each of its flushes (timer, full batch, shutdown) flushes the
 * rollups first, so a record that can be read is already counted in the statistics.
 */
@Injectable()
export class TransferRollups {
  private readonly logger = new Logger(TransferRollups.name);
  private cells = new Map<string, RollupCell>();
  private flushing?: Promise<void>;
  private droppedCalls = 0;

  constructor(private readonly dataSource: DataSource) {}

  /** Calls counted in no cell because too many cells waited, since start. */
  get dropped(): number {
    return this.droppedCalls;
  }

  /** Counts one call in its minute's cell; never waits and never throws. */
  add(record: NewTransferRecord): void {
    const bucketStart = record.startedAt.getTime() - (record.startedAt.getTime() % MINUTE_MS);
    const statusClass = Math.floor(record.status / 100);
    const contentType = record.contentType ?? '';
    // Built inline (not through keyOf) to spare an object per call on the hot path.
    const key = `${bucketStart}|${record.agentId}|${record.datasource}|${record.principalType}|${record.principalId}|${statusClass}|${contentType}`;
    let cell = this.cells.get(key);
    if (!cell) {
      if (this.cells.size >= MAX_CELLS) {
        this.droppedCalls += 1;
        return;
      }
      cell = {
        bucketStart,
        agentId: record.agentId,
        datasource: record.datasource,
        principalType: record.principalType,
        principalId: record.principalId,
        principalName: record.principalName,
        statusClass,
        contentType,
        calls: 0,
        bytesIn: 0,
        bytesOut: 0,
        durationSum: 0,
        durationMax: 0,
        sketch: [],
      };
      this.cells.set(key, cell);
    }
    cell.calls += 1;
    cell.bytesIn += record.bytesIn;
    cell.bytesOut += record.bytesOut;
    cell.durationSum += record.durationMs;
    cell.durationMax = Math.max(cell.durationMax, record.durationMs);
    cell.principalName = record.principalName;
    sketchAdd(cell.sketch, record.durationMs);
  }

  /** Writes every cell so far; concurrent callers share one run. */
  flush(): Promise<void> {
    this.flushing ??= this.writeAll().finally(() => (this.flushing = undefined));
    return this.flushing;
  }

  private async writeAll(): Promise<void> {
    if (this.cells.size === 0) return;
    const minutes = [...this.cells.values()];
    this.cells = new Map();
    try {
      await this.dataSource.transaction(async (manager) => {
        await manager.query(UPSERT.minute, parameters(minutes));
        await manager.query(UPSERT.hour, parameters(foldIntoHours(minutes)));
      });
    } catch (error) {
      this.restore(minutes);
      this.logger.warn(
        { err: error, cells: this.cells.size },
        'transfer rollups: write failed; will retry',
      );
    }
  }

  /** Puts unwritten cells back, merged with any counted since. */
  private restore(minutes: RollupCell[]): void {
    const newer = this.cells;
    this.cells = new Map(minutes.map((cell) => [keyOf(cell), cell]));
    for (const [key, cell] of newer) {
      const older = this.cells.get(key);
      if (older) mergeCell(older, cell);
      else this.cells.set(key, cell);
    }
  }
}

type CellKey = Pick<
  RollupCell,
  | 'bucketStart'
  | 'agentId'
  | 'datasource'
  | 'principalType'
  | 'principalId'
  | 'statusClass'
  | 'contentType'
>;

function keyOf(cell: CellKey): string {
  return `${cell.bucketStart}|${cell.agentId}|${cell.datasource}|${cell.principalType}|${cell.principalId}|${cell.statusClass}|${cell.contentType}`;
}

function mergeCell(into: RollupCell, from: RollupCell): void {
  into.calls += from.calls;
  into.bytesIn += from.bytesIn;
  into.bytesOut += from.bytesOut;
  into.durationSum += from.durationSum;
  into.durationMax = Math.max(into.durationMax, from.durationMax);
  into.principalName = from.principalName;
  sketchMerge(into.sketch, from.sketch);
}

/** The hour cells of these minute cells (one upsert may not touch a row twice). */
function foldIntoHours(minutes: RollupCell[]): RollupCell[] {
  const hours = new Map<string, RollupCell>();
  for (const minute of minutes) {
    const hour = { ...minute, bucketStart: minute.bucketStart - (minute.bucketStart % HOUR_MS) };
    const key = keyOf(hour);
    const known = hours.get(key);
    if (known) mergeCell(known, hour);
    else hours.set(key, { ...hour, sketch: [...minute.sketch] });
  }
  return [...hours.values()];
}

function parameters(cells: RollupCell[]): unknown[][] {
  return [
    cells.map((c) => new Date(c.bucketStart).toISOString()),
    cells.map((c) => c.agentId),
    cells.map((c) => c.datasource),
    cells.map((c) => c.principalType),
    cells.map((c) => c.principalId),
    cells.map((c) => c.principalName),
    cells.map((c) => c.statusClass),
    cells.map((c) => c.contentType),
    cells.map((c) => c.calls),
    cells.map((c) => c.bytesIn),
    cells.map((c) => c.bytesOut),
    cells.map((c) => c.durationSum),
    cells.map((c) => c.durationMax),
    // An array of arrays would unnest flat: each sketch travels as an array literal.
    cells.map((c) => `{${c.sketch.join(',')}}`),
  ];
}

function upsert(span: Span): string {
  const table = `transfer_rollups_${span}`;
  return `
    insert into ${table} as r (bucket_start, agent_id, datasource, principal_type, principal_id,
        principal_name, status_class, content_type, calls, bytes_in, bytes_out, duration_sum,
        duration_max, sketch)
    select b, a, d, pt, pid, pn, sc, ct, n, bi, bo, ds, dm, sk::integer[]
      from unnest($1::timestamptz[], $2::uuid[], $3::text[], $4::text[], $5::uuid[], $6::text[],
                  $7::smallint[], $8::text[], $9::integer[], $10::bigint[], $11::bigint[],
                  $12::bigint[], $13::integer[], $14::text[])
        as t(b, a, d, pt, pid, pn, sc, ct, n, bi, bo, ds, dm, sk)
    on conflict (bucket_start, agent_id, datasource, principal_type, principal_id, status_class,
                 content_type)
    do update set calls = r.calls + excluded.calls,
                  bytes_in = r.bytes_in + excluded.bytes_in,
                  bytes_out = r.bytes_out + excluded.bytes_out,
                  duration_sum = r.duration_sum + excluded.duration_sum,
                  duration_max = greatest(r.duration_max, excluded.duration_max),
                  principal_name = excluded.principal_name,
                  sketch = intrabridge_sketch_add(r.sketch::bigint[], excluded.sketch)::integer[]`;
}

const UPSERT = { minute: upsert('minute'), hour: upsert('hour') };
