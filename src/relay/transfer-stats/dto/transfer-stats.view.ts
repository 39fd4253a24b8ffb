import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  BUCKETS,
  GROUP_DIMENSIONS,
  type Bucket,
  type GroupDimension,
} from './transfer-stats.query';
import type { TransferRecordEntity } from '../transfer-record.entity';

export class DurationStatsView {
  @ApiProperty({
    description: 'Median duration, ms, from the latency sketches (within 4.4%, nearest rank)',
  })
  p50: number;

  @ApiProperty({ description: '95th percentile duration, ms (within 4.4%)' })
  p95: number;

  @ApiProperty({ description: '99th percentile duration, ms (within 4.4%)' })
  p99: number;

  @ApiProperty()
  avg: number;

  @ApiProperty()
  max: number;
}

export class PrincipalRefView {
  @ApiProperty({ enum: ['user', 'apiKey'] })
  type: string;

  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty()
  name: string;
}

export class AggregateRowView {
  @ApiPropertyOptional({
    type: String,
    format: 'date-time',
    nullable: true,
    description: 'Start of the bucket (UTC); null for bucket=total',
  })
  bucketStart: string | null;

  @ApiPropertyOptional({ format: 'uuid' })
  agentId?: string;

  @ApiPropertyOptional()
  datasource?: string;

  @ApiPropertyOptional({ type: PrincipalRefView })
  principal?: PrincipalRefView;

  @ApiPropertyOptional({ example: '2xx' })
  statusClass?: string;

  @ApiPropertyOptional({ type: String, nullable: true, example: 'application/json' })
  contentType?: string | null;

  @ApiProperty()
  calls: number;

  @ApiProperty({ description: 'Request body bytes, callers to agents' })
  bytesIn: number;

  @ApiProperty({ description: 'Answer body bytes, agents to callers' })
  bytesOut: number;

  @ApiProperty({ description: 'Calls that ended with status 400 or above' })
  errors: number;

  @ApiProperty({ description: 'Calls that ended with status 500 or above' })
  serverErrors: number;

  @ApiProperty({ description: 'errors / calls' })
  errorRate: number;

  @ApiProperty({ type: DurationStatsView })
  durationMs: DurationStatsView;
}

export class AggregateView {
  @ApiProperty({ enum: BUCKETS })
  bucket: Bucket;

  @ApiProperty({ enum: GROUP_DIMENSIONS, isArray: true })
  groupBy: GroupDimension[];

  @ApiProperty({ type: String, format: 'date-time' })
  from: string;

  @ApiProperty({ type: String, format: 'date-time' })
  to: string;

  @ApiProperty({ type: [AggregateRowView] })
  rows: AggregateRowView[];

  @ApiProperty({ description: 'More rows matched than are returned; narrow the range' })
  truncated: boolean;
}

export class TransferRecordView {
  @ApiProperty()
  id: string;

  @ApiProperty({ type: String, format: 'date-time' })
  startedAt: string;

  @ApiProperty()
  requestId: string;

  @ApiProperty({ type: PrincipalRefView })
  principal: PrincipalRefView;

  @ApiProperty({ format: 'uuid' })
  agentId: string;

  @ApiProperty()
  datasource: string;

  @ApiProperty({ example: 'GET', description: 'HTTP method, or `query` for SQL datasources' })
  operation: string;

  @ApiPropertyOptional({
    type: String,
    nullable: true,
    example: '/api/customers/42',
    description: 'Raw path below the datasource, without the query string (null: older records)',
  })
  path: string | null;

  @ApiProperty()
  status: number;

  @ApiPropertyOptional({ type: String, nullable: true })
  errorCode: string | null;

  @ApiProperty()
  bytesIn: number;

  @ApiProperty()
  bytesOut: number;

  @ApiProperty()
  durationMs: number;

  @ApiPropertyOptional({ type: String, nullable: true })
  contentType: string | null;
}

export class TransferRecordPageView {
  @ApiProperty({ type: [TransferRecordView] })
  items: TransferRecordView[];

  @ApiPropertyOptional({ type: String, nullable: true })
  nextCursor: string | null;
}

export function toTransferRecordView(record: TransferRecordEntity): TransferRecordView {
  return {
    id: record.id,
    startedAt: record.startedAt.toISOString(),
    requestId: record.requestId,
    principal: { type: record.principalType, id: record.principalId, name: record.principalName },
    agentId: record.agentId,
    datasource: record.datasource,
    operation: record.operation,
    path: record.path,
    status: record.status,
    errorCode: record.errorCode,
    bytesIn: Number(record.bytesIn),
    bytesOut: Number(record.bytesOut),
    durationMs: record.durationMs,
    contentType: record.contentType,
  };
}
