import { Testing } from 'cdk8s';
import { SchemaRegistry } from '../../lib/analysis/schema-validation';
import { SCRAPE_LABEL } from '../../lib/constructs/labels';
import { ServiceMonitor } from '../../lib/constructs/service-monitor';
import { KubeObject } from '../../lib/output/render';
import { synthesized } from '../support/synthesized';

interface Monitor extends KubeObject {
  spec: {
    selector: { matchLabels: Record<string, string> };
    namespaceSelector: { matchNames: string[] };
    endpoints: { port: string; path: string; interval: string }[];
  };
}
interface Service extends KubeObject {
  spec: { type?: string; ports?: { name?: string }[] };
}

function synth(props: Partial<ConstructorParameters<typeof ServiceMonitor>[2]> = {}): Monitor[] {
  const chart = Testing.chart();
  new ServiceMonitor(chart, 'm', { service: 'exam-service', namespace: 'exam-system', ...props });
  return Testing.synth(chart) as Monitor[];
}

describe('ServiceMonitor', () => {
  test('one per service, named as the service, scraping its labelled Services on http /metrics every 30s', () => {
    const [m, ...rest] = synth();
    expect(rest).toEqual([]);
    expect(m.apiVersion).toBe('monitoring.coreos.com/v1');
    expect(m.kind).toBe('ServiceMonitor');
    expect(m.metadata).toMatchObject({ name: 'exam-service', namespace: 'exam-system' });
    expect(m.spec.selector).toEqual({ matchLabels: { app: 'exam-service', [SCRAPE_LABEL]: 'true' } });
    expect(m.spec.namespaceSelector).toEqual({ matchNames: ['exam-system'] });
    expect(m.spec.endpoints).toEqual([{ port: 'http', path: '/metrics', interval: '30s' }]);
    expect(new SchemaRegistry().validate(m)).toEqual([]);
  });

  // prometheus-operator pkg/prometheus/promcfg.go: each podTargetLabels entry is relabeled from
  // __meta_kubernetes_pod_label_<name> onto the target as sanitizeLabelName(<name>), with regex
  // "(.+)" (pods without the label get none); argo-rollouts stamps rollouts-pod-template-hash.
  test("copies the pods' Argo Rollouts pod-template hash onto every series; labelled for kube-prometheus-stack", () => {
    const [m] = synth();
    expect((m.spec as { podTargetLabels?: string[] }).podTargetLabels).toEqual(['rollouts-pod-template-hash']);
    expect(m.metadata.labels?.release).toBe('kube-prometheus-stack');
    const [other] = synth({ prometheusSelectorLabels: { prometheus: 'apps' } });
    expect(other.metadata.labels?.prometheus).toBe('apps');
    expect(other.metadata.labels?.release).toBeUndefined();
  });

  test('early errors', () => {
    expect(() => synth({ interval: 'often' })).toThrow(/ServiceMonitor exam-service: interval "often"/);
    expect(() => synth({ service: 'Exam' })).toThrow(/service "Exam" is not a Kubernetes name/);
    expect(() => synth({ path: 'metrics' })).toThrow(/must start with "\/"/);
  });
});

describe('ServiceMonitors in the whole output', () => {
  const { environments, objects } = synthesized();
  const all = objects.map((o) => o.object);
  const matches = (labels: Record<string, string> | undefined, selector: Record<string, string>) =>
    Object.entries(selector).every(([k, v]) => labels?.[k] === v);

  test('every service of every environment has one, and it validates', () => {
    const registry = new SchemaRegistry();
    for (const env of environments) {
      const monitors = all.filter((o) => o.kind === 'ServiceMonitor' && o.metadata.namespace === env.namespace);
      expect([env.name, monitors.map((m) => m.metadata.name).sort()]).toEqual([env.name, [...env.services.map((s) => s.name), 'flagd'].sort()]);
      expect(monitors.flatMap((m) => registry.validate(m))).toEqual([]);
    }
  });

  test('each selects the live Service, the canary or preview Service, never the stable one or another app, and only Services with an http port', () => {
    for (const env of environments) {
      for (const s of env.services) {
        const monitor = all.find((o) => o.kind === 'ServiceMonitor' && o.metadata.namespace === env.namespace && o.metadata.name === s.name) as Monitor;
        const selected = all.filter(
          (o): o is Service => o.kind === 'Service' && o.metadata.namespace === env.namespace && matches(o.metadata.labels, monitor.spec.selector.matchLabels),
        );
        const names = selected.map((o) => o.metadata.name).sort();
        const live = s.strategy === 'blueGreen' ? (s.definition.activeServiceName ?? s.name) : s.name;
        const expected = s.strategy === 'canary' ? [s.name, `${s.name}-canary`] : s.strategy === 'blueGreen' ? [live, `${s.name}-preview`] : [s.name];
        expect([env.name, s.name, names]).toEqual([env.name, s.name, expected.sort()]);
        for (const svc of selected) {
          expect([svc.metadata.name, svc.spec.ports?.some((p) => p.name === monitor.spec.endpoints[0].port)]).toEqual([svc.metadata.name, true]);
        }
      }
    }
  });
});
