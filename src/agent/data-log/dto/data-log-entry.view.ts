import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

class PrincipalView {
  @ApiProperty({ enum: ['user', 'apiKey'] })
  type: string;

  @ApiProperty()
  id: string;

  @ApiProperty()
  name: string;
}

export class DataLogEntryView {
  @ApiProperty()
  id: string;

  @ApiProperty()
  at: Date;

  @ApiProperty()
  requestId: string;

  @ApiProperty()
  datasource: string;

  @ApiProperty({ example: 'GET /api/orders' })
  operation: string;

  @ApiProperty({ type: PrincipalView })
  principal: PrincipalView;

  @ApiProperty()
  status: number;

  @ApiProperty()
  bytesIn: number;

  @ApiProperty()
  bytesOut: number;

  @ApiProperty()
  durationMs: number;

  @ApiPropertyOptional({ type: String, nullable: true })
  errorCode: string | null;
}

export class DataLogPage {
  @ApiProperty({ type: [DataLogEntryView] })
  items: DataLogEntryView[];

  @ApiPropertyOptional({
    type: String,
    nullable: true,
    description: 'Pass as cursor for the next (older) page',
  })
  nextCursor: string | null;
}
