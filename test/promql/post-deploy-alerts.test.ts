/**
 * Every synthesized PrometheusRule, checked and unit-tested by promtool (the module is
 * test/promql/post-deploy-alerts.ts): `promtool check rules` on each rule file (the CR's spec,
 * which the Prometheus Operator writes out as is: prometheus-operator
 * pkg/prometheus/operator.go), then one `promtool test rules` file per service.
 */
import { synthesized } from '../support/synthesized';
import { alertTests, ruleFile, watchedAlerts } from './post-deploy-alerts';
import { checkRules, testRules } from './promtool';

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

  test.each(rules.map((r) => [`${r.metadata.namespace}/${r.metadata.name}`, r] as const))('promtool check rules %s', (_name, rule) => {
    expect(failure(checkRules(ruleFile(rule)))).toBe('');
  });

  test('every environment has its threshold alerts', () => {
    expect(thresholdRules.map((r) => r.metadata.namespace).sort()).toEqual([...new Set(rules.map((r) => r.metadata.namespace))].sort());
  });

  test.each(thresholdRules.map((r) => [`${r.metadata.namespace}/${r.metadata.name}`, r] as const))(
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
