import {
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { DataSource } from 'typeorm';
import { OperationsMetrics } from '../metrics/operations-metrics';
import type { ProxiedCall } from '../proxy/proxy.service';
import { RelayConfig } from '../relay.config';
import { UnnestInsert } from '../../shared/database/unnest-insert';
import { TransferRecordEntity, type NewTransferRecord } from './transfer-record.entity';

/**
 * Keeps transfer records off the proxy's hot path: `record` only appends to a buffer, which
 * is written as one many-row insert every TRANSFER_FLUSH_INTERVAL_MS or as soon as
 * TRANSFER_BATCH_SIZE wait. While the database is unreachable up to TRANSFER_MAX_BUFFERED
 * records are kept, then the oldest are dropped (and counted). Shutdown flushes before the
 * database closes.
 */
@Injectable()
export class TransferRecorder
  implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown
{
  private readonly logger = new Logger(TransferRecorder.name);
  private buffer: NewTransferRecord[] = [];
  private dropped = 0;
  private timer?: NodeJS.Timeout;
  private flushing?: Promise<void>;
  private readonly insert: UnnestInsert<NewTransferRecord>;

  constructor(
    private readonly dataSource: DataSource,
    private readonly config: RelayConfig,
    private readonly metrics: OperationsMetrics,
  ) {
    this.insert = new UnnestInsert(dataSource.getMetadata(TransferRecordEntity));
    metrics.provide({ transferRecordsBuffered: () => this.buffer.length });
  }

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.flush(), this.config.TRANSFER_FLUSH_INTERVAL_MS);
    this.timer.unref();
  }

  /** Queues the record of a finished call; never waits and never throws. */
  record(call: ProxiedCall): void {
    if (!this.config.TRANSFER_RECORDS_ENABLED) return;
    this.buffer.push(toRecord(call));
    this.dropOverflow();
    if (this.buffer.length >= this.config.TRANSFER_BATCH_SIZE) void this.flush();
  }

  get pending(): number {
    return this.buffer.length;
  }

  /** Writes everything buffered so far; concurrent callers share one run. */
  async flush(): Promise<void> {
    this.flushing ??= this.writeAll().finally(() => (this.flushing = undefined));
    return this.flushing;
  }

  /** Every `beforeApplicationShutdown` hook runs before any module closes the database. */
  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }

  /** Calls that ended while the HTTP server closed, if the database is still there. */
  async onApplicationShutdown(): Promise<void> {
    if (this.buffer.length > 0 && this.dataSource.isInitialized) await this.flush();
    if (this.buffer.length > 0) {
      this.logger.warn({ records: this.buffer.length }, 'transfer records lost at shutdown');
    }
  }

  private async writeAll(): Promise<void> {
    while (this.buffer.length > 0) {
      const batch = this.buffer.splice(0, this.config.TRANSFER_BATCH_SIZE);
      try {
        await this.dataSource.query(this.insert.sql, this.insert.parameters(batch));
        this.metrics.transferRecordsWritten.inc(batch.length);
      } catch (error) {
        this.buffer = batch.concat(this.buffer);
        this.dropOverflow();
        this.logger.warn(
          { err: error, buffered: this.buffer.length },
          'transfer record write failed; will retry',
        );
        return;
      }
    }
  }

  private dropOverflow(): void {
    const excess = this.buffer.length - this.config.TRANSFER_MAX_BUFFERED;
    if (excess <= 0) return;
    this.buffer.splice(0, excess);
    this.metrics.transferRecordsDropped.inc(excess);
    const before = this.dropped;
    this.dropped += excess;
    // One warning per thousand drops keeps an outage from flooding the log.
    if (before === 0 || Math.floor(before / 1000) !== Math.floor(this.dropped / 1000)) {
      this.logger.warn({ dropped: this.dropped }, 'transfer record buffer full: oldest dropped');
    }
  }
}

function toRecord(call: ProxiedCall): NewTransferRecord {
  return {
    startedAt: call.startedAt,
    requestId: call.requestId.slice(0, 128),
    principalType: call.principal.type,
    principalId: call.principal.id,
    principalName: call.principal.name,
    agentId: call.agentId,
    datasource: call.datasource,
    operation: call.operation.slice(0, 32),
    status: clampStatus(call.status),
    errorCode: call.errorCode?.slice(0, 64) ?? null,
    bytesIn: Math.max(0, Math.round(call.bytesIn)),
    bytesOut: Math.max(0, Math.round(call.bytesOut)),
    durationMs: Math.max(0, Math.min(2_147_483_647, Math.round(call.durationMs))),
    contentType: mediaType(call.contentType),
  };
}

/** `application/json; charset=utf-8` → `application/json`; junk → null. */
export function mediaType(contentType: string | undefined): string | null {
  if (!contentType) return null;
  const type = contentType.split(';')[0].trim().toLowerCase();
  return /^[a-z0-9!#$&^_.+-]+\/[a-z0-9!#$&^_.+-]+$/.test(type) && type.length <= 127 ? type : null;
}

function clampStatus(status: number): number {
  return Number.isInteger(status) && status >= 0 && status <= 999 ? status : 0;
}
