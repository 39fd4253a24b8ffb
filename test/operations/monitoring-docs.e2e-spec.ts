import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Registry } from 'prom-client';
import { parse } from 'yaml';
import { AgentMetrics } from '../../src/agent/metrics/agent-metrics';
import { OperationsMetrics } from '../../src/relay/metrics/operations-metrics';

const DOCS = join(__dirname, '../../docs/monitoring');

/** Every series name a registry exposes, histograms with their _bucket/_sum/_count. */
async function exported(registry: Registry): Promise<Set<string>> {
  const names = new Set<string>();
  for (const metric of await registry.getMetricsAsJSON()) {
    names.add(metric.name);
    if (String(metric.type) === 'histogram') {
      for (const suffix of ['_bucket', '_sum', '_count']) names.add(metric.name + suffix);
    }
  }
  return names;
}

/** Metric names a PromQL expression reads (the families the docs rely on). */
function metricsIn(expr: string): string[] {
  return [...expr.matchAll(/\b((?:intrabridge|process|nodejs)_[a-z0-9_]+)\b/g)].map((m) => m[1]);
}

interface AlertRule {
  alert: string;
  expr: string;
  labels?: { severity?: string };
  annotations?: { summary?: string };
}

describe('the Grafana dashboard and Prometheus alert rules in docs/monitoring', () => {
  let names: Set<string>;
  let relayNames: Set<string>;
  let agentNames: Set<string>;

  beforeAll(async () => {
    relayNames = await exported(new OperationsMetrics().registry);
    agentNames = await exported(new AgentMetrics().registry);
    names = new Set([...relayNames, ...agentNames]);
  });

  it('the dashboard reads only metrics the relay and agent export, and covers both', () => {
    const dashboard = JSON.parse(readFileSync(join(DOCS, 'grafana-dashboard.json'), 'utf8')) as {
      uid: string;
      panels: Array<{ type: string; title: string; targets?: Array<{ expr: string }> }>;
    };
    expect(dashboard.uid).toBeTruthy();
    const used = dashboard.panels.flatMap((panel) =>
      (panel.targets ?? []).flatMap((target) => metricsIn(target.expr)),
    );
    for (const panel of dashboard.panels.filter((p) => p.type !== 'row')) {
      expect([panel.title, (panel.targets ?? []).length > 0]).toEqual([panel.title, true]);
    }
    expect(used.filter((name) => !names.has(name))).toEqual([]);
    expect(used.some((name) => relayNames.has(name) && name.startsWith('intrabridge_'))).toBe(true);
    expect(used.some((name) => name.startsWith('intrabridge_agent_') && agentNames.has(name))).toBe(
      true,
    );
    // Every intrabridge metric of either profile has a panel.
    const shown = new Set(used);
    const families = [...names].filter(
      (name) => name.startsWith('intrabridge_') && !/_(bucket|sum|count)$/.test(name),
    );
    const histogramShown = (name: string) => shown.has(`${name}_bucket`);
    expect(families.filter((name) => !shown.has(name) && !histogramShown(name))).toEqual([]);
  });

  it('the alert rules are well formed and read only exported metrics of both profiles', () => {
    const rules = parse(readFileSync(join(DOCS, 'prometheus-alerts.yml'), 'utf8')) as {
      groups: Array<{ name: string; rules: AlertRule[] }>;
    };
    const all = rules.groups.flatMap((group) => group.rules);
    expect(all.length).toBeGreaterThan(5);
    for (const rule of all) {
      expect([
        rule.alert,
        typeof rule.expr,
        rule.labels?.severity,
        !!rule.annotations?.summary,
      ]).toEqual([rule.alert, 'string', expect.stringMatching(/^(critical|warning|info)$/), true]);
    }
    expect(new Set(all.map((rule) => rule.alert)).size).toBe(all.length);
    const used = all.flatMap((rule) => metricsIn(rule.expr));
    expect(used.filter((name) => !names.has(name))).toEqual([]);
    expect(used.some((name) => name.startsWith('intrabridge_agent_'))).toBe(true);
    expect(used.some((name) => relayNames.has(name) && name.startsWith('intrabridge_'))).toBe(true);
  });
});
