import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class ClientAddressView {
  @ApiProperty({ description: 'The address IP rules, rate limits and the audit log use' })
  ip: string;

  @ApiProperty({ description: 'The TCP peer (your proxy, if you are behind one)' })
  peer: string;

  @ApiProperty({ description: 'Whether the peer is in TRUSTED_PROXIES' })
  peerIsTrustedProxy: boolean;

  @ApiPropertyOptional({ type: String, nullable: true, description: 'X-Forwarded-For as received' })
  forwardedFor: string | null;
}
