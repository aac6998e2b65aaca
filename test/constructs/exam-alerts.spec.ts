import { Testing } from 'cdk8s';
import { labelMatchers, promqlSyntaxErrors, topLevelComparison } from '../../lib/analysis/promql';
import { SchemaRegistry } from '../../lib/analysis/schema-validation';
import { POST_DEPLOY_SLO } from '../../lib/config/slo';
import { ALERT_NAMES, ExamAlerts, ExamAlertsProps } from '../../lib/constructs/exam-alerts';
import { KubeObject } from '../../lib/output/render';
import { synthesized } from '../support/synthesized';

interface Rule {
  alert: string;
  expr: string;
  for: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}
interface PromRule extends KubeObject {
  spec: { groups: { name: string; rules: Rule[] }[] };
}

const SERVICES = [
  { name: 'auth-service', serviceName: 'auth-service' },
  { name: 'frontend', serviceName: 'frontend-service' },
];

function synth(props: Partial<ExamAlertsProps> = {}): PromRule[] {
  const chart = Testing.chart();
  new ExamAlerts(chart, 'alerts', { namespace: 'exam-system', environment: 'production', services: SERVICES, ...props });
  return Testing.synth(chart) as PromRule[];
}

describe('ExamAlerts', () => {
  const [rule, ...rest] = synth();

  test('one PrometheusRule, one group of four alerts per service, valid against the pinned CRD', () => {
    expect(rest).toEqual([]);
    expect(rule.metadata).toMatchObject({ name: 'exam-slo-alerts', namespace: 'exam-system' });
    expect(new SchemaRegistry().validate(rule)).toEqual([]);
    expect(rule.spec.groups.map((g) => g.name)).toEqual(['auth-service.post-deploy-slo', 'frontend.post-deploy-slo']);
    for (const g of rule.spec.groups) {
      expect(g.rules.map((r) => r.alert)).toEqual([ALERT_NAMES.errorRate, ALERT_NAMES.latency, ALERT_NAMES.successRate, ALERT_NAMES.availability]);
    }
  });

  test('the post-deploy thresholds, as the comparison each alert fires on', () => {
    const fired = Object.fromEntries(rule.spec.groups[0].rules.map((r) => [r.alert, topLevelComparison(r.expr)]));
    expect(fired[ALERT_NAMES.errorRate]).toMatchObject({ op: '>', threshold: 0.05 });
    expect(fired[ALERT_NAMES.latency]).toMatchObject({ op: '>', threshold: 2 });
    expect(fired[ALERT_NAMES.successRate]).toMatchObject({ op: '<', threshold: 0.95 });
    expect(fired[ALERT_NAMES.availability]).toMatchObject({ op: '<', threshold: 0.99 });
    expect([POST_DEPLOY_SLO.maxErrorRate, POST_DEPLOY_SLO.maxLatencySeconds, POST_DEPLOY_SLO.minSuccessRate, POST_DEPLOY_SLO.minAvailability]).toEqual([0.05, 2, 0.95, 0.99]);
  });

  test('every selector is scoped to the namespace and the live Service; expressions parse', () => {
    SERVICES.forEach((s, i) => {
      for (const r of rule.spec.groups[i].rules) {
        expect(promqlSyntaxErrors(r.expr)).toEqual([]);
        const scoped = labelMatchers(r.expr).filter((m) => m.label === 'namespace' || m.label === 'service');
        expect(new Set(scoped.map((m) => `${m.label}${m.op}${m.value}`))).toEqual(new Set(['namespace=exam-system', `service=${s.serviceName}`]));
      }
    });
  });

  test('for, severity, environment and annotations', () => {
    for (const g of rule.spec.groups) {
      for (const r of g.rules) {
        expect(r.for).toBe('3m');
        expect(r.labels.environment).toBe('production');
        expect(['critical', 'warning']).toContain(r.labels.severity);
        expect(r.annotations.summary).toMatch(/^\{\{ \$labels\.service \}\} in \{\{ \$labels\.namespace \}\}: /);
        expect(r.annotations.description.length).toBeGreaterThan(20);
        // Only $labels: the promtool suite expands and compares annotations exactly.
        expect(`${r.annotations.summary} ${r.annotations.description}`.match(/\{\{[^}]*\}\}/g)?.every((t) => /^\{\{ \$labels\.[a-z_]+ \}\}$/.test(t))).toBe(true);
      }
    }
    expect(rule.spec.groups[1].rules.map((r) => r.labels.app)).toEqual(['frontend', 'frontend', 'frontend', 'frontend']);
    expect(rule.spec.groups[0].rules.find((r) => r.alert === ALERT_NAMES.latency)?.labels.severity).toBe('warning');
  });

  // prometheus-community/helm-charts charts/kube-prometheus-stack/templates/prometheus/prometheus.yaml:
  // ruleSelectorNilUsesHelmValues (default true) selects release=<release name>.
  test('labelled for the kube-prometheus-stack Prometheus, or the selector labels given', () => {
    expect(rule.metadata.labels?.release).toBe('kube-prometheus-stack');
    const [other] = synth({ prometheusSelectorLabels: { role: 'alert-rules' } });
    expect(other.metadata.labels).toMatchObject({ role: 'alert-rules' });
    expect(other.metadata.labels?.release).toBeUndefined();
  });

  test('early errors', () => {
    expect(() => synth({ services: [] })).toThrow(/ExamAlerts exam-system\/exam-slo-alerts: no services/);
    expect(() => synth({ services: [SERVICES[0], SERVICES[0]] })).toThrow(/listed twice/);
    expect(() => synth({ environment: 'Prod' })).toThrow(/"Prod" is not a Kubernetes name/);
  });
});

describe('ExamAlerts in the whole output', () => {
  const { environments, objects } = synthesized();

  test("every environment alerts on all its services, through each one's live Service", () => {
    for (const env of environments) {
      const rules = objects.map((o) => o.object as PromRule).filter((o) => o.kind === 'PrometheusRule' && o.metadata.namespace === env.namespace && o.metadata.name === 'exam-slo-alerts');
      expect([env.name, rules.length]).toEqual([env.name, 1]);
      for (const s of env.services) {
        const group = rules[0].spec.groups.find((g) => g.name === `${s.name}.post-deploy-slo`);
        expect([env.name, s.name, group?.rules.length]).toEqual([env.name, s.name, 4]);
        const live = s.strategy === 'blueGreen' ? (s.definition.activeServiceName ?? s.name) : s.name;
        const services = new Set(group!.rules.flatMap((r) => labelMatchers(r.expr).filter((m) => m.label === 'service').map((m) => m.value)));
        expect([env.name, s.name, [...services]]).toEqual([env.name, s.name, [live]]);
        expect(group!.rules.every((r) => r.labels.environment === env.name)).toBe(true);
      }
    }
  });
});
