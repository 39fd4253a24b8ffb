import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsBoolean,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateNested,
} from 'class-validator';
import { DEFAULT_RECONNECT } from '../connection-settings';

export class RelayTlsDto {
  @ApiPropertyOptional({ description: 'PEM file of the CA that signed the relay certificate' })
  @IsOptional()
  @Matches(/^\/\S*$/, { message: 'caFile must be an absolute path' })
  caFile?: string;

  @ApiPropertyOptional({ type: Boolean, default: true })
  @IsBoolean()
  rejectUnauthorized = true;
}

export class ReconnectPolicyDto {
  @ApiPropertyOptional({ type: Number, default: DEFAULT_RECONNECT.initialDelayMs })
  @IsInt()
  @Min(50)
  @Max(60_000)
  initialDelayMs = DEFAULT_RECONNECT.initialDelayMs;

  @ApiPropertyOptional({ type: Number, default: DEFAULT_RECONNECT.maxDelayMs })
  @IsInt()
  @Min(100)
  @Max(3_600_000)
  maxDelayMs = DEFAULT_RECONNECT.maxDelayMs;
}

/** Replaces the connection settings; an omitted secret keeps the stored one. */
export class UpdateConnectionDto {
  @ApiProperty({ example: 'https://relay.example.com' })
  @Matches(/^(https?|wss?):\/\/\S+$/, { message: 'relayUrl must be an http(s):// or ws(s):// URL' })
  @MaxLength(2048)
  relayUrl: string;

  @ApiProperty()
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  agentId: string;

  @ApiPropertyOptional({ description: 'Write-only; omit to keep the stored secret' })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(4096)
  secret?: string;

  @ApiPropertyOptional({ type: RelayTlsDto })
  @ValidateNested()
  @Type(() => RelayTlsDto)
  tls: RelayTlsDto = new RelayTlsDto();

  @ApiPropertyOptional({ type: ReconnectPolicyDto })
  @ValidateNested()
  @Type(() => ReconnectPolicyDto)
  reconnect: ReconnectPolicyDto = new ReconnectPolicyDto();
}

export class ConnectionView {
  @ApiProperty({ type: String, nullable: true })
  relayUrl: string | null;

  @ApiProperty({ type: String, nullable: true })
  agentId: string | null;

  @ApiProperty({ description: 'Whether a secret is stored (it is never returned)' })
  secretSet: boolean;

  @ApiProperty({ type: RelayTlsDto })
  tls: { caFile: string | null; rejectUnauthorized: boolean };

  @ApiProperty({ type: ReconnectPolicyDto })
  reconnect: { initialDelayMs: number; maxDelayMs: number };

  @ApiProperty()
  updatedAt: Date;
}
