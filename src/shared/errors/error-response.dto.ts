import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** The one error shape every endpoint answers with (for the OpenAPI document). */
export class ErrorResponseDto {
  @ApiProperty({ example: 401 })
  statusCode: number;

  @ApiProperty({ example: 'UNAUTHORIZED', description: 'Stable machine-readable code' })
  code: string;

  @ApiProperty({ example: 'Authentication required' })
  message: string;

  @ApiPropertyOptional({ example: '1b4e28ba-2fa1-11d2-883f-0016d3cca427' })
  requestId?: string;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description: 'Extra facts, e.g. per-field validation problems',
  })
  details?: unknown;
}
