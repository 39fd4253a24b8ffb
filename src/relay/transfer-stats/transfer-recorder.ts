import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { OperationsMetrics } from '../metrics/operations-metrics';
import type { ProxiedCall } from '../proxy/proxy.service';
import { RelayConfig } from '../relay.config';
import { BufferedInsert } from '../../shared/database/buffered-insert';
import { TransferRecordEntity, type NewTransferRecord } from './transfer-record.entity';
import { TransferRollups } from './transfer-rollups';

/**
 * Keeps transfer records off the proxy's hot path: `record` only appends to a buffer, which
 * is written as one many-row insert every TRANSFER_FLUSH_INTERVAL_MS or as soon as
 * TRANSFER_BATCH_SIZE wait. While the database is unreachable up to TRANSFER_MAX_BUFFERED
 * records are kept, then the oldest are dropped (and counted). Shutdown flushes before the
 * database closes. Each record also counts in its minute's rollup (TransferRollups).
 */
@Injectable()
export class TransferRecorder extends BufferedInsert<NewTransferRecord> {
  constructor(
    dataSource: DataSource,
    private readonly config: RelayConfig,
    metrics: OperationsMetrics,
    private readonly rollups: TransferRollups,
  ) {
    super(
      dataSource,
      TransferRecordEntity,
      {
        rowsName: 'transfer records',
        flushIntervalMs: config.TRANSFER_FLUSH_INTERVAL_MS,
        batchSize: config.TRANSFER_BATCH_SIZE,
        maxBuffered: config.TRANSFER_MAX_BUFFERED,
        onWritten: (rows) => metrics.transferRecordsWritten.inc(rows),
        onDropped: (rows) => metrics.transferRecordsDropped.inc(rows),
      },
      new Logger(TransferRecorder.name),
    );
    metrics.provide({ transferRecordsBuffered: () => this.pending });
  }

  /** Rollups first: once a record can be read, its call is in the statistics. */
  override async flush(): Promise<void> {
    await this.rollups.flush();
    await super.flush();
  }

  /** Queues the record of a finished call; never waits and never throws. */
  record(call: ProxiedCall): void {
    if (!this.config.TRANSFER_RECORDS_ENABLED) return;
    const record = toRecord(call);
    this.add(record);
    this.rollups.add(record);
  }
}

/** Longer paths are cut: the record says where, it does not archive URLs. */
const MAX_PATH = 1024;

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
    path: call.path.slice(0, MAX_PATH),
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
