import { Testing } from 'cdk8s';
import { SchemaRegistry } from '../../lib/analysis/schema-validation';
import { FLAGD_IMAGE } from '../../lib/config/versions';
import { Flagd, FlagdProps } from '../../lib/constructs/flagd';

const registry = new SchemaRegistry();

function synth(props: Partial<FlagdProps> = {}) {
  const chart = Testing.chart();
  new Flagd(chart, 'flagd', { namespace: 'exam-system', image: FLAGD_IMAGE, configMapName: 'feature-flags', configMapKey: 'flags.flagd.json', ...props });
  return Testing.synth(chart);
}

describe('Flagd', () => {
  const objects = synth();
  const deployment = objects.find((o) => o.kind === 'Deployment');
  const pod = deployment.spec.template.spec;
  const [container] = pod.containers;

  test('emits a Deployment, its PodDisruptionBudget, a Service and a ServiceMonitor, valid against their schemas', () => {
    expect(objects.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual(['Deployment/flagd', 'PodDisruptionBudget/flagd', 'Service/flagd', 'ServiceMonitor/flagd']);
    for (const o of objects) expect(registry.validate(o)).toEqual([]);
  });

  test('reads the ConfigMap key through a directory mount (open-feature/flagd core/pkg/sync/file/filepath_sync.go re-reads it on the kubelet symlink swap)', () => {
    expect(container.args).toEqual(['start', '--uri', 'file:/etc/flagd/flags.flagd.json', '--port', '8013', '--management-port', '8014']);
    expect(container.volumeMounts).toContainEqual({ name: 'flags', mountPath: '/etc/flagd', readOnly: true });
    expect(container.volumeMounts.some((m: { subPath?: string }) => m.subPath !== undefined)).toBe(false);
    expect(pod.volumes).toContainEqual({ name: 'flags', configMap: { name: 'feature-flags', defaultMode: 0o444 } });
  });

  test('probes the management port (/readyz, /healthz), distinct; restricted security context; pinned image', () => {
    expect(container.readinessProbe.httpGet).toEqual({ path: '/readyz', port: 8014 });
    expect(container.livenessProbe.httpGet).toEqual({ path: '/healthz', port: 8014 });
    expect(container.image).toMatch(/^ghcr\.io\/open-feature\/flagd:v\d+\.\d+\.\d+$/);
    expect(container.securityContext).toMatchObject({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, runAsNonRoot: true, capabilities: { drop: ['ALL'] } });
    expect(pod.automountServiceAccountToken).toBe(false);
  });

  test.each([
    [{ image: 'ghcr.io/open-feature/flagd:latest' }, /Flagd flagd: image "ghcr.io\/open-feature\/flagd:latest" is not pinned/],
    [{ configMapKey: 'features.txt' }, /configMapKey "features.txt" is not a .json\/.yaml file name; expected e.g. flags.flagd.json/],
    [{ replicas: 1.5 }, /replicas must be a whole number >= 0, got 1.5/],
  ])('refuses %j', (props, message) => {
    expect(() => synth(props)).toThrow(message);
  });
});
