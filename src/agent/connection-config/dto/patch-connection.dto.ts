import { ApiPropertyOptional } from '@nestjs/swagger';
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
  ValidateIf,
  ValidateNested,
} from 'class-validator';

/**
 * The PATCH shapes: the PUT fields, every one optional and without defaults, so an omitted
 * field keeps its stored value (a secret rotation sends only `secret`). Same rules as PUT.
 */
export class PatchRelayTlsDto {
  @ApiPropertyOptional({
    type: String,
    nullable: true,
    description: 'PEM file of the CA that signed the relay certificate; null clears it',
  })
  @ValidateIf((_, value) => value !== null)
  @IsOptional()
  @Matches(/^\/\S*$/, { message: 'caFile must be an absolute path' })
  caFile?: string | null;

  @ApiPropertyOptional({ type: Boolean })
  @IsOptional()
  @IsBoolean()
  rejectUnauthorized?: boolean;
}

export class PatchReconnectPolicyDto {
  @ApiPropertyOptional({ type: Number, minimum: 50, maximum: 60_000 })
  @IsOptional()
  @IsInt()
  @Min(50)
  @Max(60_000)
  initialDelayMs?: number;

  @ApiPropertyOptional({ type: Number, minimum: 100, maximum: 3_600_000 })
  @IsOptional()
  @IsInt()
  @Min(100)
  @Max(3_600_000)
  maxDelayMs?: number;
}

export class PatchConnectionDto {
  @ApiPropertyOptional({ type: String, example: 'https://relay.example.com' })
  @IsOptional()
  @Matches(/^(https?|wss?):\/\/\S+$/, { message: 'relayUrl must be an http(s):// or ws(s):// URL' })
  @MaxLength(2048)
  relayUrl?: string;

  @ApiPropertyOptional({ type: String })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  agentId?: string;

  @ApiPropertyOptional({ type: String, description: 'Write-only; the new agent secret' })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(4096)
  secret?: string;

  @ApiPropertyOptional({ type: PatchRelayTlsDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => PatchRelayTlsDto)
  tls?: PatchRelayTlsDto;

  @ApiPropertyOptional({ type: PatchReconnectPolicyDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => PatchReconnectPolicyDto)
  reconnect?: PatchReconnectPolicyDto;
}
