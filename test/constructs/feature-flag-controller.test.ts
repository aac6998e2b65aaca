import { Testing } from 'cdk8s';
import { SchemaRegistry } from '../../lib/analysis/schema-validation';
import { FLAGSMITH_IMAGE, FLAGSMITH_VERSION } from '../../lib/config/versions';
import { FeatureFlagController, FeatureFlagControllerProps } from '../../lib/constructs/feature-flag-controller';

const registry = new SchemaRegistry();

function synth(props: Partial<FeatureFlagControllerProps> = {}) {
  const chart = Testing.chart();
  new FeatureFlagController(chart, 'ffc', { namespace: 'exam-system', image: FLAGSMITH_IMAGE, ...props });
  const objects = Testing.synth(chart);
  return { deployment: objects.find((o) => o.kind === 'Deployment'), service: objects.find((o) => o.kind === 'Service'), objects };
}

describe('FeatureFlagController', () => {
  const { deployment, service, objects } = synth();
  const pdb = objects.find((o) => o.kind === 'PodDisruptionBudget');
  const pod = deployment.spec.template.spec;
  const [container] = pod.containers;

  test('emits a Deployment, its PodDisruptionBudget and a Service, all valid against the Kubernetes 1.28 schema', () => {
    expect(objects.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([
      'Deployment/feature-flag-controller',
      'PodDisruptionBudget/feature-flag-controller',
      'Service/feature-flag-service',
    ]);
    for (const o of objects) expect(registry.validate(o)).toEqual([]);
    expect(objects.every((o) => o.metadata.namespace === 'exam-system')).toBe(true);
  });

  test('the specified Deployment: 2 replicas, its resources, port 8000, a pinned flagsmith/flagsmith image', () => {
    expect(deployment.spec.replicas).toBe(2);
    expect(container.name).toBe('controller');
    expect(container.image).toBe(`docker.io/flagsmith/flagsmith:${FLAGSMITH_VERSION}`);
    expect(FLAGSMITH_VERSION).toMatch(/^\d+\.\d+\.\d+$/);
    expect(container.imagePullPolicy).toBe('IfNotPresent');
    expect(container.resources).toEqual({ requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '200m', memory: '256Mi' } });
    expect(container.ports).toEqual([{ name: 'http', containerPort: 8000, protocol: 'TCP' }]);
    expect(deployment.metadata.labels).toMatchObject({ app: 'feature-flag-controller', 'app.kubernetes.io/version': FLAGSMITH_VERSION });
  });

  test('DATABASE_URL and SECRET_KEY come from Secret exam-secrets, never literal', () => {
    const env = Object.fromEntries(container.env.map((e: { name: string }) => [e.name, e]));
    expect(env.DATABASE_URL).toEqual({ name: 'DATABASE_URL', valueFrom: { secretKeyRef: { name: 'exam-secrets', key: 'FLAGSMITH_DATABASE_URL' } } });
    expect(env.SECRET_KEY).toEqual({ name: 'SECRET_KEY', valueFrom: { secretKeyRef: { name: 'exam-secrets', key: 'FLAGSMITH_SECRET_KEY' } } });
    expect(synth({ secretName: 'other' }).deployment.spec.template.spec.containers[0].env[0].valueFrom.secretKeyRef.name).toBe('other');
  });

  test("distinct readiness and liveness probes on Flagsmith's health endpoints", () => {
    expect(container.readinessProbe.httpGet).toEqual({ path: '/health/readiness', port: 8000 });
    expect(container.livenessProbe.httpGet).toEqual({ path: '/health/liveness', port: 8000 });
    // Liveness must not restart a pod before readiness had its chance to take it out of the Service.
    expect(container.livenessProbe.initialDelaySeconds).toBeGreaterThan(container.readinessProbe.initialDelaySeconds);
  });

  test('restricted pod security, no token automount, writable scratch only where Flagsmith writes', () => {
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
    expect(container.securityContext).toMatchObject({
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
      capabilities: { drop: ['ALL'] },
    });
    expect(container.volumeMounts.map((m: { mountPath: string }) => m.mountPath)).toEqual(['/tmp', '/tmp/prometheus']);
    expect(pod.volumes.every((v: { emptyDir?: unknown }) => v.emptyDir !== undefined)).toBe(true);
  });

  test('Service feature-flag-service: port 80 to 8000, selecting exactly the controller pods', () => {
    expect(service.spec.ports).toEqual([{ name: 'http', port: 80, targetPort: 8000, protocol: 'TCP' }]);
    expect(service.spec.selector).toEqual({ app: 'feature-flag-controller' });
    expect(deployment.spec.selector.matchLabels).toEqual(service.spec.selector);
    const podLabels = deployment.spec.template.metadata.labels;
    for (const [k, v] of Object.entries(service.spec.selector)) expect(podLabels[k]).toBe(v);
    expect(container.ports.map((p: { containerPort: number }) => p.containerPort)).toContain(service.spec.ports[0].targetPort);
  });

  test('the PodDisruptionBudget selects the controller pods and always allows one eviction', () => {
    expect(pdb.spec).toEqual({ maxUnavailable: 1, selector: { matchLabels: { app: 'feature-flag-controller' } } });
  });

  test('spreads pods over zones and nodes unless told not to', () => {
    expect(pod.topologySpreadConstraints.map((c: { topologyKey: string }) => c.topologyKey)).toEqual(['topology.kubernetes.io/zone', 'kubernetes.io/hostname']);
    expect(synth({ spreadPods: false }).deployment.spec.template.spec.topologySpreadConstraints).toBeUndefined();
  });

  test.each([
    ['flagsmith/flagsmith:latest', /image "flagsmith\/flagsmith:latest" is not pinned/],
    ['flagsmith/flagsmith', /is not pinned; expected repository:tag/],
    ['registry.local:5000/flagsmith', /is not pinned/],
  ])('refuses the unpinned image %s', (image, message) => {
    expect(() => synth({ image })).toThrow(message);
  });

  test('refuses a bad replica count', () => {
    expect(() => synth({ replicas: -1 })).toThrow(/FeatureFlagController feature-flag-controller: replicas must be a whole number >= 0, got -1/);
  });
});
