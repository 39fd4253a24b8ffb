import { GrantIndex, type GrantRule } from './grant-index';
import { normalizeOperation } from './grant-operation';

const AGENT = 'agent-1';
const rule = (overrides: Partial<GrantRule> = {}): GrantRule => ({
  agentId: AGENT,
  datasource: 'crm',
  operations: ['GET'],
  expiresAt: null,
  ...overrides,
});

describe('GrantIndex', () => {
  it('denies everything when empty', () => {
    expect(new GrantIndex([]).allows(AGENT, 'crm', 'GET')).toBe(false);
  });

  it('allows only the granted agent, datasource and operation', () => {
    const index = new GrantIndex([rule({ operations: ['GET', 'POST'] })]);
    expect(index.allows(AGENT, 'crm', 'GET')).toBe(true);
    expect(index.allows(AGENT, 'crm', 'post')).toBe(true);
    expect(index.allows(AGENT, 'crm', 'DELETE')).toBe(false);
    expect(index.allows(AGENT, 'sales', 'GET')).toBe(false);
    expect(index.allows('agent-2', 'crm', 'GET')).toBe(false);
  });

  it('lets * match every datasource of that agent only', () => {
    const index = new GrantIndex([rule({ datasource: '*', operations: ['query'] })]);
    expect(index.allows(AGENT, 'sales', 'query')).toBe(true);
    expect(index.allows(AGENT, 'crm', 'QUERY')).toBe(true);
    expect(index.allows(AGENT, 'crm', 'GET')).toBe(false);
    expect(index.allows('agent-2', 'sales', 'query')).toBe(false);
  });

  it('does not treat * in a request as a wildcard', () => {
    const index = new GrantIndex([rule()]);
    expect(index.allows(AGENT, '*', 'GET')).toBe(false);
  });

  it('allows HEAD where GET is granted, not the reverse', () => {
    expect(new GrantIndex([rule()]).allows(AGENT, 'crm', 'HEAD')).toBe(true);
    expect(new GrantIndex([rule({ operations: ['HEAD'] })]).allows(AGENT, 'crm', 'GET')).toBe(
      false,
    );
  });

  it('ignores expired rules', () => {
    const now = Date.parse('2030-01-01T00:00:00Z');
    const index = new GrantIndex([
      rule({ expiresAt: new Date(now - 1) }),
      rule({ datasource: 'sales', expiresAt: new Date(now + 1000) }),
    ]);
    expect(index.allows(AGENT, 'crm', 'GET', now)).toBe(false);
    expect(index.allows(AGENT, 'sales', 'GET', now)).toBe(true);
    expect(index.allows(AGENT, 'sales', 'GET', now + 1000)).toBe(false);
  });

  it('refuses unknown operations', () => {
    expect(new GrantIndex([rule()]).allows(AGENT, 'crm', 'CONNECT')).toBe(false);
    expect(normalizeOperation('trace')).toBeUndefined();
  });
});
