import { SecurityScope } from '../security-scope';
import { IpRuleLayer, type RuleSource } from './ip-rule-set';

let id = 0;
function rule(action: 'allow' | 'deny', cidr: string, extra: Partial<RuleSource> = {}): RuleSource {
  id += 1;
  return { id: `r${id}`, action, cidr, scopes: [SecurityScope.Proxy], priority: 100, ...extra };
}

describe('IpRuleLayer', () => {
  it('allows everything without rules', () => {
    expect(new IpRuleLayer([]).decide('198.51.100.1', SecurityScope.Proxy)).toMatchObject({
      allowed: true,
      basis: 'default-allow',
    });
  });

  it('denies a matching deny rule and allows the rest', () => {
    const layer = new IpRuleLayer([rule('deny', '198.51.100.0/24')]);
    expect(layer.decide('198.51.100.9', SecurityScope.Proxy)).toMatchObject({
      allowed: false,
      basis: 'rule',
      rule: { cidr: '198.51.100.0/24', action: 'deny' },
    });
    expect(layer.decide('198.51.101.9', SecurityScope.Proxy).allowed).toBe(true);
  });

  it('becomes an allowlist once it has allow rules', () => {
    const layer = new IpRuleLayer([rule('allow', '10.0.0.0/8')]);
    expect(layer.decide('10.9.9.9', SecurityScope.Proxy).allowed).toBe(true);
    expect(layer.decide('192.0.2.1', SecurityScope.Proxy)).toMatchObject({
      allowed: false,
      basis: 'default-deny',
    });
  });

  it('tries rules by priority, then deny before allow, then the narrower range', () => {
    const layer = new IpRuleLayer([
      rule('allow', '10.0.0.0/8', { priority: 200 }),
      rule('deny', '10.1.0.0/16', { priority: 100 }),
      rule('allow', '10.1.2.0/24', { priority: 50 }),
    ]);
    expect(layer.decide('10.1.2.3', SecurityScope.Proxy).allowed).toBe(true);
    expect(layer.decide('10.1.3.3', SecurityScope.Proxy).allowed).toBe(false);
    expect(layer.decide('10.2.0.1', SecurityScope.Proxy).allowed).toBe(true);

    const tie = new IpRuleLayer([rule('allow', '10.0.0.0/8'), rule('deny', '10.0.0.0/8')]);
    expect(tie.decide('10.0.0.1', SecurityScope.Proxy).allowed).toBe(false);
    const narrow = new IpRuleLayer([rule('deny', '10.0.0.0/8'), rule('allow', '10.0.0.0/24')]);
    expect(narrow.decide('10.0.0.1', SecurityScope.Proxy).allowed).toBe(false);
  });

  it('keeps scopes apart', () => {
    const layer = new IpRuleLayer([rule('deny', '0.0.0.0/0', { scopes: [SecurityScope.Tunnel] })]);
    expect(layer.decide('192.0.2.1', SecurityScope.Proxy).allowed).toBe(true);
    expect(layer.decide('192.0.2.1', SecurityScope.Tunnel).allowed).toBe(false);
  });

  it('matches IPv6 ranges and never mixes families', () => {
    const layer = new IpRuleLayer([rule('deny', '2001:db8::/32'), rule('deny', '0.0.0.0/0')]);
    expect(layer.decide('2001:db8::1', SecurityScope.Proxy).allowed).toBe(false);
    expect(layer.decide('2001:db9::1', SecurityScope.Proxy).allowed).toBe(true);
    expect(layer.decide('::1', SecurityScope.Proxy).allowed).toBe(true);
    expect(layer.decide('127.0.0.1', SecurityScope.Proxy).allowed).toBe(false);
  });

  it('judges an IPv4-mapped IPv6 address as IPv4', () => {
    const layer = new IpRuleLayer([rule('deny', '127.0.0.0/8')]);
    expect(layer.decide('::ffff:127.0.0.1', SecurityScope.Proxy).allowed).toBe(false);
  });
});
