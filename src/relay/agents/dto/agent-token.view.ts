import { ApiProperty } from '@nestjs/swagger';

export class AgentTokenView {
  @ApiProperty({ description: 'JWT for the tunnel upgrade: `Authorization: Bearer <token>`' })
  accessToken: string;

  @ApiProperty({ description: 'Seconds until it expires', example: 900 })
  expiresIn: number;

  @ApiProperty({ enum: ['Bearer'] })
  tokenType: 'Bearer';
}
