import {
  inRange,
  parseIp,
  parseRange,
  type AddressRange,
  type IpAddress,
} from '../../request-context/trusted-proxies';
import type { SecurityScope } from '../security-scope';
import type { IpRuleAction } from './ip-rule.entity';

/** A rule as evaluated: parsed once when the rule set is loaded. */
export interface CompiledIpRule {
  id: string;
  action: IpRuleAction;
  cidr: string;
  range: AddressRange;
  scopes: ReadonlySet<SecurityScope>;
  priority: number;
}

export interface RuleSource {
  id: string;
  action: IpRuleAction;
  cidr: string;
  scopes: readonly SecurityScope[];
  priority: number;
}

export interface IpDecision {
  allowed: boolean;
  /** The rule that decided, if one matched. */
  rule?: { id: string; action: IpRuleAction; cidr: string };
  /** `rule`: a rule matched; otherwise the layer's default (deny once it has allow rules). */
  basis: 'rule' | 'default-allow' | 'default-deny';
}

export const ALLOWED_BY_DEFAULT: IpDecision = { allowed: true, basis: 'default-allow' };

/**
 * One layer of IP rules (the global rules, or one principal's). Rules are tried by priority
 * (lowest first; at equal priority deny before allow, then the narrower range first) and the
 * first match decides. When none matches, the address is allowed, unless the layer has allow
 * rules for that scope: then it is an allowlist and everything else is denied.
 */
export class IpRuleLayer {
  private readonly rules: CompiledIpRule[];

  constructor(sources: readonly RuleSource[]) {
    this.rules = sources
      .map(compile)
      .filter((rule): rule is CompiledIpRule => rule !== undefined)
      .sort(
        (a, b) =>
          a.priority - b.priority ||
          rank(a.action) - rank(b.action) ||
          b.range[1] - a.range[1] ||
          a.id.localeCompare(b.id),
      );
  }

  get size(): number {
    return this.rules.length;
  }

  decide(ip: string | IpAddress, scope: SecurityScope): IpDecision {
    const address = typeof ip === 'string' ? parseIp(ip) : ip;
    let hasAllowRule = false;
    for (const rule of this.rules) {
      if (!rule.scopes.has(scope)) continue;
      if (rule.action === 'allow') hasAllowRule = true;
      if (address && inRange(address, rule.range)) {
        return {
          allowed: rule.action === 'allow',
          rule: { id: rule.id, action: rule.action, cidr: rule.cidr },
          basis: 'rule',
        };
      }
    }
    return hasAllowRule ? { allowed: false, basis: 'default-deny' } : ALLOWED_BY_DEFAULT;
  }
}

function compile(source: RuleSource): CompiledIpRule | undefined {
  const range = parseRange(source.cidr);
  if (!range) return undefined;
  return {
    id: source.id,
    action: source.action,
    cidr: source.cidr,
    range,
    scopes: new Set(source.scopes),
    priority: source.priority,
  };
}

function rank(action: IpRuleAction): number {
  return action === 'deny' ? 0 : 1;
}
