import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsBoolean,
  IsEnum,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  Max,
  MaxLength,
  Min,
  ValidateBy,
} from 'class-validator';
import { parseRange } from '../../../request-context/trusted-proxies';
import { SecurityScope } from '../../security-scope';
import type { IpRuleAction } from '../ip-rule.entity';

export const IP_RULE_ACTIONS: readonly IpRuleAction[] = ['allow', 'deny'];

function IsCidr(): PropertyDecorator {
  return ValidateBy({
    name: 'isCidr',
    validator: {
      validate: (value: unknown) => typeof value === 'string' && parseRange(value) !== undefined,
      defaultMessage: () =>
        'cidr must be an IPv4 or IPv6 address or range, e.g. 203.0.113.0/24 or 2001:db8::/32',
    },
  });
}

export class CreateIpRuleDto {
  @ApiProperty({ enum: IP_RULE_ACTIONS })
  @IsIn(IP_RULE_ACTIONS)
  action: IpRuleAction;

  @ApiProperty({
    example: '203.0.113.0/24',
    description: 'IPv4 or IPv6 range, or one address; host bits are cleared',
  })
  @IsString()
  @MaxLength(64)
  @IsCidr()
  cidr: string;

  @ApiPropertyOptional({
    enum: SecurityScope,
    isArray: true,
    default: [SecurityScope.Proxy],
    description: 'Where the rule applies; `tunnel` only for global rules',
  })
  @IsOptional()
  @IsEnum(SecurityScope, { each: true })
  @ArrayMinSize(1)
  @ArrayMaxSize(3)
  @ArrayUnique()
  scopes?: SecurityScope[];

  @ApiPropertyOptional({ format: 'uuid', description: 'Only for this user (and their API keys)' })
  @IsOptional()
  @IsUUID()
  userId?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'Only for this API key' })
  @IsOptional()
  @IsUUID()
  apiKeyId?: string;

  @ApiPropertyOptional({ default: 100, minimum: 0, maximum: 1_000_000 })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(1_000_000)
  priority?: number;

  @ApiPropertyOptional({ maxLength: 500 })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  note?: string;

  @ApiPropertyOptional({ default: true })
  @IsOptional()
  @IsBoolean()
  enabled?: boolean;
}

/** Everything but the subject can change; a rule for someone else is a new rule. */
export class UpdateIpRuleDto {
  @ApiPropertyOptional({ enum: IP_RULE_ACTIONS })
  @IsOptional()
  @IsIn(IP_RULE_ACTIONS)
  action?: IpRuleAction;

  @ApiPropertyOptional({ example: '2001:db8::/32' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  @IsCidr()
  cidr?: string;

  @ApiPropertyOptional({ enum: SecurityScope, isArray: true })
  @IsOptional()
  @IsEnum(SecurityScope, { each: true })
  @ArrayMinSize(1)
  @ArrayMaxSize(3)
  @ArrayUnique()
  scopes?: SecurityScope[];

  @ApiPropertyOptional({ minimum: 0, maximum: 1_000_000 })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(1_000_000)
  priority?: number;

  @ApiPropertyOptional({ type: String, nullable: true, maxLength: 500 })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  note?: string | null;

  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean()
  enabled?: boolean;
}
