import { Testing } from 'cdk8s';
import { labelMatchers, promqlSyntaxErrors } from '../../lib/analysis/promql';
import { SchemaRegistry } from '../../lib/analysis/schema-validation';
import { RECORDS, SERVICE_SLOS, SLI_WINDOWS, SLO_ALERT_NAMES, runbookUrl } from '../../lib/config/slos';
import { SloRules, SloRulesProps } from '../../lib/constructs/slo-rules';
import { KubeObject } from '../../lib/output/render';
import { checkRules } from '../promql/promtool';

interface Rule {
  alert?: string;
  record?: string;
  expr: string;
  for?: string;
  labels: Record<string, string>;
  annotations?: Record<string, string>;
}
interface PromRule extends KubeObject {
  spec: { groups: { name: string; interval?: string; rules: Rule[] }[] };
}

const SERVICES = [
  { name: 'exam-service', serviceName: 'exam-service', slo: SERVICE_SLOS['exam-service'] },
  { name: 'frontend', serviceName: 'frontend-service', slo: SERVICE_SLOS.frontend },
];

function synth(props: Partial<SloRulesProps> = {}): PromRule[] {
  const chart = Testing.chart();
  new SloRules(chart, 'slo', { namespace: 'exam-system', environment: 'production', services: SERVICES, ...props });
  return Testing.synth(chart) as PromRule[];
}

describe('SloRules', () => {
  const [rule, ...rest] = synth();
  const rules = rule.spec.groups.flatMap((g) => g.rules);

  test('one PrometheusRule selected by the stack, valid against the pinned CRD and promtool', () => {
    expect(rest).toEqual([]);
    expect(rule.metadata).toMatchObject({ name: 'exam-slo-burn-rates', namespace: 'exam-system' });
    expect(rule.metadata.labels).toMatchObject({ release: 'kube-prometheus-stack' });
    expect(new SchemaRegistry().validate(rule)).toEqual([]);
    const check = checkRules({ groups: rule.spec.groups });
    expect(check.output).toContain('SUCCESS');
    expect(check.ok).toBe(true);
  });

  test('per service: the error ratios of both SLOs over the alert windows, then the alerts; the period and budgets every 5 minutes', () => {
    expect(rule.spec.groups.map((g) => `${g.name}/${g.interval ?? 'default'}`)).toEqual([
      'exam-service.slo/default',
      'exam-service.slo-period/5m',
      'frontend.slo/default',
      'frontend.slo-period/5m',
    ]);
    for (const g of rule.spec.groups.filter((x) => x.name.endsWith('.slo-period'))) {
      expect(g.rules.map((r) => `${r.record}/${r.labels.slo}`)).toEqual([
        `${RECORDS.errorRatio('30d')}/availability`,
        `${RECORDS.errorBudget}/availability`,
        `${RECORDS.errorRatio('30d')}/latency`,
        `${RECORDS.errorBudget}/latency`,
      ]);
    }
    for (const g of rule.spec.groups.filter((x) => x.name.endsWith('.slo'))) {
      const records = g.rules.filter((r) => r.record !== undefined);
      expect(records.map((r) => `${r.record}/${r.labels.slo}`)).toEqual([
        ...SLI_WINDOWS.map((w) => `${RECORDS.errorRatio(w)}/availability`),
        ...SLI_WINDOWS.map((w) => `${RECORDS.errorRatio(w)}/latency`),
      ]);
      // Alerts come after every record they read.
      expect(g.rules.slice(records.length).map((r) => r.alert)).toEqual([
        SLO_ALERT_NAMES.availability.page,
        SLO_ALERT_NAMES.availability.ticket,
        SLO_ALERT_NAMES.latency.page,
        SLO_ALERT_NAMES.latency.ticket,
      ]);
    }
    expect(SLI_WINDOWS).toEqual(['5m', '30m', '1h', '2h', '6h', '1d', '3d']);
  });

  test('every selector is scoped to the namespace and the live Service; expressions parse', () => {
    SERVICES.forEach((s) => {
      for (const r of rule.spec.groups.filter((g) => g.name.startsWith(`${s.name}.`)).flatMap((g) => g.rules)) {
        expect(promqlSyntaxErrors(r.expr)).toEqual([]);
        const scoped = labelMatchers(r.expr).filter((m) => m.label === 'namespace' || m.label === 'service');
        if (r.record === RECORDS.errorBudget) {
          expect(r.expr).toBe(`vector(${r.labels.slo === 'availability' ? (s.name === 'exam-service' ? 0.001 : 0.005) : 0.01})`);
          expect(r.labels).toEqual({ namespace: 'exam-system', service: s.serviceName, slo: r.labels.slo });
        } else {
          expect(new Set(scoped.map((m) => `${m.label}${m.op}${m.value}`))).toEqual(new Set(['namespace=exam-system', `service=${s.serviceName}`]));
        }
      }
    });
  });

  test('the latency SLI reads the threshold bucket in every spelling of its bound, and +Inf', () => {
    const latency = rules.find((r) => r.record === RECORDS.errorRatio('5m') && r.labels.slo === 'latency')!;
    const le = labelMatchers(latency.expr).filter((m) => m.label === 'le');
    expect(le.map((m) => `${m.op}${m.value}`)).toEqual(['="+Inf"', '=~0\\.50*', '="+Inf"'].map((x) => x.replace(/"/g, '')));
  });

  test('the page alert: 14.4x over 1h and 5m, or 6x over 6h and 30m; the ticket: 3x over 1d and 2h, or 1x over 3d and 6h', () => {
    const page = rules.find((r) => r.alert === SLO_ALERT_NAMES.availability.page && r.labels.app === 'exam-service')!;
    expect(page.expr).toContain('slo:sli_error:ratio_rate1h{namespace="exam-system",service="exam-service",slo="availability"} > 0.0144');
    expect(page.expr).toContain('slo:sli_error:ratio_rate5m{namespace="exam-system",service="exam-service",slo="availability"} > 0.0144');
    expect(page.expr).toContain('slo:sli_error:ratio_rate6h{namespace="exam-system",service="exam-service",slo="availability"} > 0.006');
    expect(page.expr).toContain('slo:sli_error:ratio_rate30m{namespace="exam-system",service="exam-service",slo="availability"} > 0.006');
    const ticket = rules.find((r) => r.alert === SLO_ALERT_NAMES.latency.ticket && r.labels.app === 'frontend')!;
    expect(ticket.expr).toContain('slo:sli_error:ratio_rate1d{namespace="exam-system",service="frontend-service",slo="latency"} > 0.03');
    expect(ticket.expr).toContain('slo:sli_error:ratio_rate3d{namespace="exam-system",service="frontend-service",slo="latency"} > 0.01');
    expect(page.for).toBeUndefined();
  });

  test('labels, annotations and runbooks', () => {
    for (const r of rules.filter((x) => x.alert !== undefined)) {
      expect(r.labels.severity).toBe(r.alert!.endsWith('FastBurn') ? 'critical' : 'warning');
      expect(r.labels.environment).toBe('production');
      expect(['availability', 'latency']).toContain(r.labels.slo);
      expect(r.annotations!.runbook_url).toBe(runbookUrl(r.alert!));
      expect(r.annotations!.summary).toMatch(/^\{\{ \$labels\.service \}\} in \{\{ \$labels\.namespace \}\}: /);
      expect(`${r.annotations!.summary} ${r.annotations!.description}`.match(/\{\{[^}]*\}\}/g)?.every((t) => /^\{\{ \$labels\.[a-z_]+ \}\}$/.test(t))).toBe(true);
    }
    const page = rules.find((r) => r.alert === SLO_ALERT_NAMES.availability.page && r.labels.app === 'exam-service')!;
    expect(page.annotations!.description).toContain('99.9% over 30d (error budget 0.1% of requests)');
    expect(page.annotations!.description).toContain('14.4x over 1h and 5m (2% of the budget), or 6x over 6h and 30m (5% of the budget)');
  });

  test('the selector labels can be given instead of the stack\'s', () => {
    const [other] = synth({ prometheusSelectorLabels: { role: 'alert-rules' } });
    expect(other.metadata.labels).toMatchObject({ role: 'alert-rules' });
    expect(other.metadata.labels?.release).toBeUndefined();
  });

  test('early errors', () => {
    expect(() => synth({ services: [] })).toThrow(/SloRules exam-system\/exam-slo-burn-rates: no services/);
    expect(() => synth({ namespace: 'Exam' })).toThrow(/"Exam" is not a Kubernetes name/);
    expect(() => synth({ services: [SERVICES[0], SERVICES[0]] })).toThrow(/listed twice/);
    expect(() => synth({ services: [{ ...SERVICES[0], serviceName: 'Bad' }] })).toThrow(/is not a Kubernetes name/);
    expect(() => synth({ services: [{ ...SERVICES[0], slo: { availability: 0.999, latency: { thresholdSeconds: 0.3, objective: 0.99 } } }] })).toThrow(
      /exam-service.latency.thresholdSeconds is 0.3; expected a histogram bucket bound/,
    );
  });
});
