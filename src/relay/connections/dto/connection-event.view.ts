import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export type ConnectionEventType = 'connect' | 'disconnect' | 'kick' | 'catalog';

/** One server-sent event on /api/v1/connections/events (`event:` is the type). */
export class ConnectionEventView {
  @ApiProperty({ enum: ['connect', 'disconnect', 'kick', 'catalog'] })
  type: ConnectionEventType;

  @ApiProperty({ type: String, format: 'date-time' })
  at: string;

  @ApiProperty({ format: 'uuid' })
  sessionId: string;

  @ApiProperty({ format: 'uuid' })
  agentId: string;

  @ApiProperty()
  agentName: string;

  @ApiProperty()
  remoteIp: string;

  @ApiPropertyOptional({ description: 'WebSocket close code (disconnect, kick)' })
  code?: number;

  @ApiPropertyOptional()
  reason?: string;

  @ApiPropertyOptional({ type: String, format: 'date-time', nullable: true })
  blockedUntil?: string | null;

  @ApiPropertyOptional({ description: 'Who kicked (kick)' })
  by?: string;
}
