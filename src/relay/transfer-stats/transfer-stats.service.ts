import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { AppException } from '../../shared/errors/app.exception';
import { sketchQuantile } from '../../shared/database/latency-sketch';
import { ErrorCode } from '../../shared/errors/error-code';
import type { AggregateRowView, AggregateView } from './dto/transfer-stats.view';
import type {
  AggregateQuery,
  GroupDimension,
  ListTransferRecordsQuery,
  TransferFilterQuery,
} from './dto/transfer-stats.query';
import { TransferRecordEntity } from './transfer-record.entity';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
/** Beyond this many rows an aggregate is cut off and flagged `truncated`. */
export const MAX_AGGREGATE_ROWS = 10_000;
/** Minute buckets over more than this would be mostly empty noise; refuse them. */
const MAX_MINUTE_RANGE_MS = 7 * DAY_MS;

/** Columns each dimension groups by; names come from this table only, never from input. */
const DIMENSION_COLUMNS: Record<GroupDimension, string[]> = {
  agent: ['agent_id'],
  datasource: ['agent_id', 'datasource'],
  principal: ['principal_type', 'principal_id'],
  statusClass: ['status_class'],
  contentType: ['content_type'],
};

interface AggregateRow {
  bucket: Date | null;
  agent_id?: string;
  datasource?: string;
  principal_type?: string;
  principal_id?: string;
  principal_name?: string;
  status_class?: number;
  content_type?: string;
  calls: string;
  bytes_in: string;
  bytes_out: string;
  errors: string;
  server_errors: string;
  duration_sum: string;
  max: number | null;
  /** bigint[]: its counts arrive as strings. */
  sketch: (string | number)[];
}

export interface TransferRecordPage {
  items: TransferRecordEntity[];
  nextCursor: string | null;
}

/** Reading transfer statistics: aggregates of the rollups, and the per-call records. */
@Injectable()
export class TransferStatsService {
  constructor(
    @InjectRepository(TransferRecordEntity)
    private readonly records: Repository<TransferRecordEntity>,
  ) {}

  /**
   * Calls, bytes, error counts and duration percentiles per time bucket and per combination of
   * the chosen dimensions, from the rollups: per hour when `from` and `to` fall on whole hours
   * (and the bucket is not a minute), else per minute. A rollup counts when its bucket starts
   * in [from, to). Percentiles come from the summed latency sketches (within 4.4%, capped at
   * the exact maximum). Buckets are UTC; empty buckets are absent.
   */
  async aggregate(query: AggregateQuery): Promise<AggregateView> {
    const { from, to } = rangeOf(query);
    if (query.bucket === 'minute' && to.getTime() - from.getTime() > MAX_MINUTE_RANGE_MS) {
      throw new AppException(
        ErrorCode.ValidationFailed,
        'Minute buckets cover at most 7 days; narrow from/to or use hour buckets',
        400,
      );
    }
    const groupBy = query.groupBy ?? [];
    const bucket =
      query.bucket === 'total'
        ? 'null::timestamptz'
        : `date_trunc('${query.bucket}', bucket_start at time zone 'UTC') at time zone 'UTC'`;
    const columns = [...new Set(groupBy.flatMap((dimension) => DIMENSION_COLUMNS[dimension]))];
    const { where, params } = filterSql(query, from, to);
    const sql = `
      select ${bucket} as bucket,
             ${columns.map((column) => `${column},`).join(' ')}
             ${groupBy.includes('principal') ? 'max(principal_name) as principal_name,' : ''}
             sum(calls) as calls,
             sum(bytes_in) as bytes_in,
             sum(bytes_out) as bytes_out,
             coalesce(sum(calls) filter (where status_class >= 4), 0) as errors,
             coalesce(sum(calls) filter (where status_class >= 5), 0) as server_errors,
             sum(duration_sum) as duration_sum,
             max(duration_max) as max,
             intrabridge_sketch_sum(sketch) as sketch
        from ${rollupTable(query, from, to)}
       where ${where}
       group by ${['1', ...columns].join(', ')}
       order by ${['1', ...columns].join(', ')}
       limit ${MAX_AGGREGATE_ROWS + 1}`;
    const rows = await this.records.query<AggregateRow[]>(sql, params);
    return {
      bucket: query.bucket,
      groupBy,
      from: from.toISOString(),
      to: to.toISOString(),
      rows: rows.slice(0, MAX_AGGREGATE_ROWS).map((row) => toRowView(row, groupBy)),
      truncated: rows.length > MAX_AGGREGATE_ROWS,
    };
  }

  /** Records newest first, with a cursor for the next page. */
  async list(query: ListTransferRecordsQuery): Promise<TransferRecordPage> {
    const { from, to } = rangeOf(query);
    const builder = this.records
      .createQueryBuilder('r')
      .where('r.startedAt >= :from and r.startedAt < :to', { from, to })
      .orderBy('r.id', 'DESC')
      .limit(query.limit + 1);
    // Each filter binds only its own parameter (binding the whole query would rebind from/to).
    if (query.agentId) builder.andWhere('r.agentId = :agentId', { agentId: query.agentId });
    if (query.datasource) {
      builder.andWhere('r.datasource = :datasource', { datasource: query.datasource });
    }
    if (query.principalId) {
      builder.andWhere('r.principalId = :principalId', { principalId: query.principalId });
    }
    if (query.status !== undefined)
      builder.andWhere('r.status = :status', { status: query.status });
    if (query.cursor) builder.andWhere('r.id < :before', { before: decodeCursor(query.cursor) });
    const rows = await builder.getMany();
    const items = rows.slice(0, query.limit);
    const more = rows.length > query.limit;
    return {
      items,
      nextCursor: more ? Buffer.from(`t${items[items.length - 1].id}`).toString('base64url') : null,
    };
  }
}

/** Hour rollups answer a range of whole hours; anything finer needs the minutes. */
function rollupTable(query: AggregateQuery, from: Date, to: Date): string {
  const wholeHours = from.getTime() % HOUR_MS === 0 && to.getTime() % HOUR_MS === 0;
  return query.bucket !== 'minute' && wholeHours
    ? 'transfer_rollups_hour'
    : 'transfer_rollups_minute';
}

function rangeOf(query: TransferFilterQuery): { from: Date; to: Date } {
  const to = query.to ? new Date(query.to) : new Date();
  const from = query.from ? new Date(query.from) : new Date(to.getTime() - DAY_MS);
  if (from.getTime() >= to.getTime()) {
    throw new AppException(ErrorCode.ValidationFailed, 'from must be before to', 400);
  }
  return { from, to };
}

function filterSql(
  query: TransferFilterQuery,
  from: Date,
  to: Date,
): { where: string; params: unknown[] } {
  const params: unknown[] = [from, to];
  const clauses = ['bucket_start >= $1', 'bucket_start < $2'];
  const add = (clause: string, value: unknown): void => {
    params.push(value);
    clauses.push(clause.replace('?', `$${params.length}`));
  };
  if (query.agentId) add('agent_id = ?', query.agentId);
  if (query.datasource) add('datasource = ?', query.datasource);
  if (query.principalId) add('principal_id = ?', query.principalId);
  return { where: clauses.join(' and '), params };
}

function toRowView(row: AggregateRow, groupBy: GroupDimension[]): AggregateRowView {
  const calls = Number(row.calls);
  const errors = Number(row.errors);
  const max = Number(row.max ?? 0);
  const sketch = row.sketch.map(Number);
  const view: AggregateRowView = {
    bucketStart: row.bucket ? new Date(row.bucket).toISOString() : null,
    calls,
    bytesIn: Number(row.bytes_in),
    bytesOut: Number(row.bytes_out),
    errors,
    serverErrors: Number(row.server_errors),
    errorRate: calls === 0 ? 0 : round(errors / calls, 4),
    durationMs: {
      p50: round(sketchQuantile(sketch, 0.5, max), 2),
      p95: round(sketchQuantile(sketch, 0.95, max), 2),
      p99: round(sketchQuantile(sketch, 0.99, max), 2),
      avg: calls === 0 ? 0 : round(Number(row.duration_sum) / calls, 2),
      max,
    },
  };
  if (groupBy.includes('agent') || groupBy.includes('datasource')) view.agentId = row.agent_id;
  if (groupBy.includes('datasource')) view.datasource = row.datasource;
  if (groupBy.includes('principal')) {
    view.principal = {
      type: row.principal_type ?? '',
      id: row.principal_id ?? '',
      name: row.principal_name ?? '',
    };
  }
  if (groupBy.includes('statusClass')) view.statusClass = `${Number(row.status_class)}xx`;
  if (groupBy.includes('contentType')) view.contentType = row.content_type || null;
  return view;
}

function round(value: number, digits: number): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

function decodeCursor(cursor: string): string {
  const text = Buffer.from(cursor, 'base64url').toString();
  if (!/^t\d{1,19}$/.test(text)) {
    throw new AppException(ErrorCode.ValidationFailed, 'cursor is not one this API issued', 400);
  }
  return text.slice(1);
}
