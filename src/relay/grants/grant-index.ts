import { ANY_DATASOURCE, normalizeOperation } from './grant-operation';

/** A grant reduced to what a check needs. */
export interface GrantRule {
  agentId: string;
  datasource: string;
  operations: readonly string[];
  expiresAt: Date | null;
}

interface CompiledRule {
  datasource: string;
  operations: ReadonlySet<string>;
  expiresAt: number;
}

/**
 * One principal's grants, indexed by agent, so a check touches only that agent's few rules
 * and allocates nothing: microseconds once built.
 */
export class GrantIndex {
  private readonly byAgent = new Map<string, CompiledRule[]>();

  constructor(rules: readonly GrantRule[]) {
    for (const rule of rules) {
      const compiled: CompiledRule = {
        datasource: rule.datasource,
        operations: new Set(rule.operations),
        expiresAt: rule.expiresAt?.getTime() ?? Number.POSITIVE_INFINITY,
      };
      const list = this.byAgent.get(rule.agentId);
      if (list) list.push(compiled);
      else this.byAgent.set(rule.agentId, [compiled]);
    }
  }

  /**
   * Deny by default: true only when an unexpired rule for this agent names this datasource
   * (or `*`) and this operation. A grant of GET also allows HEAD, as HTTP intends.
   */
  allows(agentId: string, datasource: string, operation: string, now = Date.now()): boolean {
    const rules = this.byAgent.get(agentId);
    if (!rules) return false;
    const op = normalizeOperation(operation);
    if (!op) return false;
    for (const rule of rules) {
      if (rule.expiresAt <= now) continue;
      if (rule.datasource !== ANY_DATASOURCE && rule.datasource !== datasource) continue;
      if (rule.operations.has(op)) return true;
      if (op === 'HEAD' && rule.operations.has('GET')) return true;
    }
    return false;
  }
}
