import { Testing } from 'cdk8s';
import { labelMatchers, measurementPhase, parseGuardedCondition, substituteArgs } from '../../lib/analysis/promql';
import { SchemaRegistry } from '../../lib/analysis/schema-validation';
import { ANALYSIS_SETTINGS, RELEASE_SLO } from '../../lib/config/slo';
import {
  AnalysisTemplates,
  CANARY_BACKGROUND_TEMPLATES,
  POST_PROMOTION_TEMPLATE,
  POD_TEMPLATE_HASH_ARG,
  PREVIEW_HEALTH_TEMPLATE,
  RESPONSE_TIME_METRIC,
  RESPONSE_TIME_TEMPLATE,
  SERVICE_NAME_ARG,
  SUCCESS_RATE_METRIC,
  SUCCESS_RATE_TEMPLATE,
} from '../../lib/constructs/analysis-templates';
import { KubeObject } from '../../lib/output/render';
import { synthesized } from '../support/synthesized';

interface Metric {
  name: string;
  interval?: string;
  count?: number;
  failureLimit?: number;
  inconclusiveLimit?: number;
  initialDelay?: string;
  successCondition: string;
  failureCondition: string;
  provider: { prometheus: { address: string; query: string } };
}
interface Template extends KubeObject {
  spec: { args: { name: string; value?: string }[]; metrics: Metric[] };
}

const ADDRESS = 'http://kube-prometheus-stack-prometheus.monitoring.svc:9090';

function synth(namespace = 'exam-system', prometheusAddress = ADDRESS): Template[] {
  const chart = Testing.chart();
  new AnalysisTemplates(chart, 'analysis', { namespace, prometheusAddress });
  return Testing.synth(chart) as Template[];
}

const templates = synth();
const byName = (name: string) => templates.find((t) => t.metadata.name === name)!;
const normalize = (q: string) => q.replace(/\s+/g, '');

/** The specified analysis queries' p95, exactly as written (see docs/decisions.md, 'Release analysis'). */
const SEED = {
  p95: 'histogram_quantile(0.95, sum(rate(http_request_duration_seconds_bucket{service="{{args.service-name}}"}[2m])) by (le))',
};

describe('AnalysisTemplates', () => {
  test('four templates, named as the Rollouts reference them, valid against the pinned Argo Rollouts CRD', () => {
    expect(templates.map((t) => t.metadata.name).sort()).toEqual([POST_PROMOTION_TEMPLATE, PREVIEW_HEALTH_TEMPLATE, RESPONSE_TIME_TEMPLATE, SUCCESS_RATE_TEMPLATE].sort());
    expect(CANARY_BACKGROUND_TEMPLATES).toEqual(['success-rate', 'response-time']);
    const registry = new SchemaRegistry();
    expect(templates.flatMap((t) => registry.validate(t))).toEqual([]);
    for (const t of templates) {
      expect(t.metadata.namespace).toBe('exam-system');
      expect(t.spec.args).toEqual([{ name: POD_TEMPLATE_HASH_ARG }, { name: SERVICE_NAME_ARG }]);
    }
  });

  test('the specified metrics, queries and thresholds; the address from the environment', () => {
    const [sr] = byName(SUCCESS_RATE_TEMPLATE).spec.metrics;
    const [rt] = byName(RESPONSE_TIME_TEMPLATE).spec.metrics;
    expect(sr.name).toBe('success-rate');
    expect(rt.name).toBe('response-time-p95');
    for (const m of [sr, rt]) {
      expect(m.interval).toBe('30s');
      expect(m.failureLimit).toBe(ANALYSIS_SETTINGS.failureLimit);
      expect(m.provider.prometheus.address).toBe(ADDRESS);
    }
    expect(parseGuardedCondition(sr.successCondition)).toEqual({ op: '>=', threshold: 0.95 });
    expect(parseGuardedCondition(rt.successCondition)).toEqual({ op: '<=', threshold: 0.5 });
    // The specified queries (see docs/decisions.md, 'Release analysis') plus the namespace and pod-template-hash matchers, over the 90 s
    // window; the success rate as 1 - errors/all so an errors-only version fails (see
    // successRateQuery).
    const scoped = (q: string) => normalize(q).replace(/namespace="exam-system",/g, '').replace(/,rollouts_pod_template_hash="\{\{args\.pod-template-hash\}\}"/g, '');
    const all = 'sum(rate(http_requests_total{service="{{args.service-name}}"}[90s]))';
    expect(scoped(sr.provider.prometheus.query)).toBe(
      normalize(`1 - (sum(rate(http_requests_total{service="{{args.service-name}}",status=~"5.."}[90s])) or 0 * ${all}) / ${all}`),
    );
    expect(scoped(rt.provider.prometheus.query)).toBe(normalize(SEED.p95).replace('sum(rate(', 'sumby(le)(rate(').replace('[2m]))by(le))', '[90s])))'));
  });

  test('background templates have no count: they watch the whole canary', () => {
    for (const name of CANARY_BACKGROUND_TEMPLATES) {
      for (const m of byName(name).spec.metrics) {
        expect(m.count).toBeUndefined();
        expect(m.initialDelay).toBeUndefined();
        expect(m.inconclusiveLimit).toBe(ANALYSIS_SETTINGS.backgroundInconclusiveLimit);
      }
    }
  });

  test('post-promotion: the same two metrics, bounded to 10 × 30s, tolerating the first no-data measurements', () => {
    const post = byName(POST_PROMOTION_TEMPLATE).spec.metrics;
    expect(post.map((m) => m.name)).toEqual([SUCCESS_RATE_METRIC, RESPONSE_TIME_METRIC]);
    const background = [...byName(SUCCESS_RATE_TEMPLATE).spec.metrics, ...byName(RESPONSE_TIME_TEMPLATE).spec.metrics];
    post.forEach((m, i) => {
      expect(m.count).toBe(10);
      expect(m.interval).toBe('30s');
      // argo-rollouts analysis/analysis.go assessMetricFailureInconclusiveOrError: without a
      // limit (0) the first empty measurement after the switch would end the run Inconclusive.
      expect(m.inconclusiveLimit).toBe(ANALYSIS_SETTINGS.postPromotionInconclusiveLimit);
      expect(m.inconclusiveLimit! + m.failureLimit!).toBeLessThan(m.count!);
      expect(m.provider).toEqual(background[i].provider);
      expect([m.successCondition, m.failureCondition, m.failureLimit]).toEqual([background[i].successCondition, background[i].failureCondition, background[i].failureLimit]);
    });
  });

  test('preview-health: every preview pod up, 4 × 30s', () => {
    const [m] = byName(PREVIEW_HEALTH_TEMPLATE).spec.metrics;
    expect([m.count, m.interval]).toEqual([4, '30s']);
    expect(normalize(m.provider.prometheus.query)).toBe('min(up{namespace="exam-system",service="{{args.service-name}}",rollouts_pod_template_hash="{{args.pod-template-hash}}"})');
    expect(parseGuardedCondition(m.successCondition)).toEqual({ op: '>=', threshold: RELEASE_SLO.minUp });
    // Three real successes are needed: the tolerated no-data measurements stay below the count.
    expect(m.inconclusiveLimit! + m.failureLimit!).toBeLessThan(m.count!);
  });

  test('no traffic (empty result or NaN) is Inconclusive for every metric; data decides pass or fail', () => {
    for (const t of templates) {
      for (const m of t.spec.metrics) {
        const { op, threshold } = parseGuardedCondition(m.successCondition);
        const where = `${t.metadata.name}/${m.name}`;
        expect([where, measurementPhase(m, [])]).toEqual([where, 'Inconclusive']);
        expect([where, measurementPhase(m, [NaN])]).toEqual([where, 'Inconclusive']);
        expect([where, measurementPhase(m, [threshold])]).toEqual([where, 'Successful']);
        const worse = op.startsWith('>') ? threshold - 0.01 : threshold + 0.01;
        const better = op.startsWith('>') ? threshold + 0.01 : threshold - 0.01;
        expect([where, measurementPhase(m, [worse])]).toEqual([where, 'Failed']);
        expect([where, measurementPhase(m, [better])]).toEqual([where, 'Successful']);
      }
    }
  });

  // The new version's pods only: argo-rollouts rollout/service.go keeps the canary Service on the
  // stable pods until the canary ReplicaSet is available; utils/analysis/factory.go fills a
  // podTemplateHashValue argument with the ReplicaSet's rollouts-pod-template-hash.
  test('every query selects the namespace, the service argument and the pod-template-hash argument, and nothing else', () => {
    for (const t of templates) {
      for (const m of t.spec.metrics) {
        const matchers = labelMatchers(substituteArgs(m.provider.prometheus.query, { [SERVICE_NAME_ARG]: 'svc', [POD_TEMPLATE_HASH_ARG]: '6d5f8b7c9' }));
        const scoped = matchers.filter((x) => x.label === 'namespace' || x.label === 'service' || x.label === 'rollouts_pod_template_hash');
        expect(new Set(scoped.map((x) => `${x.label}${x.op}${x.value}`))).toEqual(
          new Set(['namespace=exam-system', 'service=svc', 'rollouts_pod_template_hash=6d5f8b7c9']),
        );
      }
    }
  });

  test('early errors', () => {
    expect(() => synth('exam-system', 'prometheus:9090')).toThrow(/AnalysisTemplates exam-system: prometheusAddress: expected an http:\/\/ or https:\/\/ URL, found prometheus:\/\//);
    expect(() => synth('exam-system', 'ftp://prometheus:9090')).toThrow(/prometheusAddress: expected an http:\/\/ or https:\/\/ URL, found ftp:\/\//);
    expect(() => synth('Exam_System')).toThrow(/not a Kubernetes name/);
  });

  test('a trailing slash on the address is dropped', () => {
    expect(synth('ns', 'http://prom.example:9090/')[0].spec.metrics[0].provider.prometheus.address).toBe('http://prom.example:9090');
  });
});

describe('AnalysisTemplates in the whole output', () => {
  const { environments, objects } = synthesized();

  test('every environment has the four templates in its namespace, addressed at its Prometheus', () => {
    for (const env of environments) {
      const mine = objects.map((o) => o.object as Template).filter((o) => o.kind === 'AnalysisTemplate' && o.metadata.namespace === env.namespace);
      expect([env.name, mine.map((t) => t.metadata.name).sort()]).toEqual([env.name, ['post-promotion', 'preview-health', 'response-time', 'success-rate']]);
      const addresses = new Set(mine.flatMap((t) => t.spec.metrics.map((m) => m.provider.prometheus.address)));
      expect([env.name, [...addresses]]).toEqual([env.name, [env.prometheus.address.replace(/\/+$/, '')]]);
    }
  });

  test('every template a Rollout references exists in its namespace, with the arguments it needs', () => {
    const all = objects.map((o) => o.object);
    const refs = all
      .filter((o) => o.kind === 'Rollout')
      .flatMap((ro) => {
        const s = (ro.spec as { strategy: Record<string, Record<string, { templates?: { templateName: string }[]; args?: { name: string }[] }>> }).strategy;
        const analyses = [s.canary?.analysis, s.blueGreen?.prePromotionAnalysis, s.blueGreen?.postPromotionAnalysis].filter((a) => a !== undefined);
        return analyses.flatMap((a) => (a.templates ?? []).map((t) => ({ ns: ro.metadata.namespace, name: t.templateName, args: (a.args ?? []).map((x) => x.name) })));
      });
    for (const ref of refs) {
      const t = all.find((o) => o.kind === 'AnalysisTemplate' && o.metadata.namespace === ref.ns && o.metadata.name === ref.name) as Template | undefined;
      expect([ref.name, t !== undefined]).toEqual([ref.name, true]);
      expect(ref.args).toEqual(expect.arrayContaining(t!.spec.args.filter((a) => a.value === undefined).map((a) => a.name)));
    }
  });
});
