import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';

export const MAX_BLOCK_SECONDS = 30 * 86_400;

export class KickQuery {
  @ApiPropertyOptional({
    minimum: 0,
    maximum: MAX_BLOCK_SECONDS,
    default: 0,
    description:
      "Refuse the agent's reconnects for this many seconds (0: it may reconnect at once)",
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(MAX_BLOCK_SECONDS)
  blockSeconds?: number;

  @ApiPropertyOptional({ maxLength: 200, description: 'Sent to the agent in the close frame' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  reason?: string;
}
