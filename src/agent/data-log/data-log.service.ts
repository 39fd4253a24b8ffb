import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { DataLogEntryEntity } from './data-log-entry.entity';
import type { DataLogEntryView, DataLogPage } from './dto/data-log-entry.view';
import type { DataLogQueryDto } from './dto/data-log-query.dto';

/** Reads the data log, newest first, with keyset pagination on the row id. */
@Injectable()
export class DataLogService {
  constructor(
    @InjectRepository(DataLogEntryEntity)
    private readonly entries: Repository<DataLogEntryEntity>,
  ) {}

  async list(filter: DataLogQueryDto): Promise<DataLogPage> {
    const query = this.entries.createQueryBuilder('e').orderBy('e.id', 'DESC');
    if (filter.datasource) query.andWhere('e.datasource = :datasource', filter);
    if (filter.requestId) query.andWhere('e.requestId = :requestId', filter);
    if (filter.errorCode) query.andWhere('e.errorCode = :errorCode', filter);
    if (filter.principalType) query.andWhere('e.principalType = :principalType', filter);
    if (filter.principal) {
      query.andWhere('(e.principalId = :principal or e.principalName = :principal)', filter);
    }
    if (filter.status) {
      const [low, high] = statusRange(filter.status);
      query.andWhere('e.status between :low and :high', { low, high });
    }
    if (filter.from) query.andWhere('e.at >= :from', filter);
    if (filter.to) query.andWhere('e.at < :to', filter);
    if (filter.cursor) query.andWhere('e.id < :cursor', filter);
    const rows = await query.take(filter.limit + 1).getMany();
    const page = rows.slice(0, filter.limit);
    return {
      items: page.map(toView),
      nextCursor: rows.length > filter.limit ? page[page.length - 1].id : null,
    };
  }
}

function statusRange(status: string): [number, number] {
  if (status.endsWith('xx')) {
    const hundreds = Number(status[0]) * 100;
    return [hundreds, hundreds + 99];
  }
  return [Number(status), Number(status)];
}

function toView(entry: DataLogEntryEntity): DataLogEntryView {
  return {
    id: entry.id,
    at: entry.at,
    requestId: entry.requestId,
    datasource: entry.datasource,
    operation: entry.operation,
    principal: { type: entry.principalType, id: entry.principalId, name: entry.principalName },
    status: entry.status,
    bytesIn: entry.bytesIn,
    bytesOut: entry.bytesOut,
    durationMs: entry.durationMs,
    errorCode: entry.errorCode,
  };
}
