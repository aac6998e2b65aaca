/**
 * Every synthesized PrometheusRule, checked and unit-tested by promtool (the module is
 * test/promql/post-deploy-alerts.ts): `promtool check rules` on each rule file (the CR's spec,
 * which the Prometheus Operator writes out as is: prometheus-operator
 * pkg/prometheus/operator.go), then one `promtool test rules` file per service.
 */
import type { KubeObject } from '../../lib/output/render';
import { synthesized } from '../support/synthesized';
import { alertTests, ruleFile, watchedAlerts } from './post-deploy-alerts';
import { checkRuleFiles, testRules } from './promtool';

const rules = synthesized()
  .objects.map((o) => o.object)
  .filter((o) => o.kind === 'PrometheusRule');
/** The post-deploy threshold alerts (the SLO burn-rate rules have their own suite, slo-alerts). */
const thresholdRules = rules.filter((r) => r.metadata.name === 'exam-slo-alerts');

const failure = (r: { ok: boolean; output: string }) => (r.ok ? '' : r.output);

describe('post-deploy alerts, judged by promtool', () => {
  test('there are PrometheusRules', () => {
    expect(rules.length).toBeGreaterThan(0);
  });

  test('promtool check rules: every PrometheusRule in dist/ (one run)', () => {
    const files = Object.fromEntries(rules.map((r) => [`${r.metadata.namespace}_${r.metadata.name}.yaml`, ruleFile(r)]));
    const r = checkRuleFiles(files);
    expect(failure(r)).toBe('');
    // promtool names each file it checked: none was skipped.
    for (const name of Object.keys(files)) expect(r.output).toContain(`Checking ${name}`);
  });

  test('every environment has its threshold alerts', () => {
    expect(thresholdRules.map((r) => r.metadata.namespace).sort()).toEqual([...new Set(rules.map((r) => r.metadata.namespace))].sort());
  });

  // Environments whose rules differ only in their namespace and `environment` label (the same
  // services, thresholds and Service names) need promtool once: one representative each.
  const scopeless = (r: KubeObject): string =>
    JSON.stringify(r.spec)
      .split(`namespace=\\"${r.metadata.namespace}\\"`)
      .join('namespace=\\"<namespace>\\"')
      .replace(/"environment":"[a-z]+"/g, '"environment":"<environment>"');
  const representatives = [...new Map(thresholdRules.map((r) => [scopeless(r), r])).values()];
  test('the representatives judged below stand for every environment', () => {
    expect(representatives.length).toBeGreaterThan(0);
    expect(representatives.length).toBeLessThan(thresholdRules.length);
    for (const r of thresholdRules) expect(representatives.map(scopeless)).toContain(scopeless(r));
    // The substitution did something: each rule's own text names its namespace.
    for (const r of thresholdRules) expect(JSON.stringify(r.spec)).toContain(`namespace=\\"${r.metadata.namespace}\\"`);
  });

  test.each(representatives.map((r) => [`${r.metadata.namespace}/${r.metadata.name}`, r] as const))(
    '%s: each alert fires on its own service\'s breach only, after its for:',
    (_name, rule) => {
      const alerts = watchedAlerts(rule);
      const { file, fired } = alertTests(rule.metadata.namespace ?? '', alerts, 'rules.yaml');
      // Every alert of every service is made to fire by some scenario (none is left untested).
      expect([...fired].sort()).toEqual([...new Set(alerts.map((a) => `${a.service}/${a.rule.alert}`))].sort());
      expect(failure(testRules(file, { 'rules.yaml': ruleFile(rule) }))).toBe('');
    },
  );
});
