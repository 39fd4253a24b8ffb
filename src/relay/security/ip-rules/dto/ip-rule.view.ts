import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { SecurityScope } from '../../security-scope';
import { IpRuleEntity, type IpRuleAction } from '../ip-rule.entity';
import { IP_RULE_ACTIONS } from './ip-rule.dto';

export class IpRuleView {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ enum: IP_RULE_ACTIONS })
  action: IpRuleAction;

  @ApiProperty({ example: '203.0.113.0/24' })
  cidr: string;

  @ApiProperty({ enum: SecurityScope, isArray: true })
  scopes: SecurityScope[];

  @ApiPropertyOptional({ type: String, format: 'uuid', nullable: true })
  userId: string | null;

  @ApiPropertyOptional({ type: String, format: 'uuid', nullable: true })
  apiKeyId: string | null;

  @ApiProperty()
  priority: number;

  @ApiPropertyOptional({ type: String, nullable: true })
  note: string | null;

  @ApiProperty()
  enabled: boolean;

  @ApiPropertyOptional({ type: String, format: 'uuid', nullable: true })
  createdBy: string | null;

  @ApiProperty({ type: String, format: 'date-time' })
  createdAt: string;

  @ApiProperty({ type: String, format: 'date-time' })
  updatedAt: string;
}

export class IpDecisionRuleView {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ enum: IP_RULE_ACTIONS })
  action: IpRuleAction;

  @ApiProperty()
  cidr: string;
}

export class IpDecisionView {
  @ApiProperty()
  allowed: boolean;

  @ApiProperty({ enum: ['rule', 'default-allow', 'default-deny'] })
  basis: string;

  @ApiPropertyOptional({ type: IpDecisionRuleView })
  rule?: IpDecisionRuleView;
}

export class IpEvaluationView {
  @ApiProperty()
  ip: string;

  @ApiProperty({ enum: SecurityScope })
  scope: SecurityScope;

  @ApiProperty({ description: 'Both layers allow the address' })
  allowed: boolean;

  @ApiProperty({ type: IpDecisionView })
  global: IpDecisionView;

  @ApiPropertyOptional({ type: IpDecisionView, description: "The principal's own rules" })
  principal?: IpDecisionView;
}

export function toIpRuleView(rule: IpRuleEntity): IpRuleView {
  return {
    id: rule.id,
    action: rule.action,
    cidr: rule.cidr,
    scopes: rule.scopes,
    userId: rule.userId,
    apiKeyId: rule.apiKeyId,
    priority: rule.priority,
    note: rule.note,
    enabled: rule.enabled,
    createdBy: rule.createdBy,
    createdAt: rule.createdAt.toISOString(),
    updatedAt: rule.updatedAt.toISOString(),
  };
}
