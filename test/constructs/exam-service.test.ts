import { Testing } from 'cdk8s';
import { SchemaRegistry } from '../../lib/analysis/schema-validation';
import { ExamService, ExamServiceProps } from '../../lib/constructs/exam-service';

const base: ExamServiceProps = {
  name: 'auth-service',
  namespace: 'exam-system-staging',
  component: 'backend',
  imageRepository: 'ghcr.io/org/exam-system/auth-service',
  tag: 'v1.2.3',
  replicas: 2,
  requests: { cpu: '100m', memory: '128Mi' },
  limits: { cpu: '300m', memory: '256Mi' },
  port: 8000,
  healthPath: '/health',
  envFromConfigMaps: ['exam-config-staging'],
};

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Obj = any;
function synth(props: Partial<ExamServiceProps> = {}): Obj[] {
  const chart = Testing.chart();
  new ExamService(chart, 'svc', { ...base, ...props });
  return Testing.synth(chart);
}
const find = (objs: Obj[], kind: string, name?: string) => objs.find((o) => o.kind === kind && (name === undefined || o.metadata.name === name));

describe('ExamService (rolling)', () => {
  const objs = synth();
  const deployment = find(objs, 'Deployment');
  const pod = deployment.spec.template.spec;
  const container = pod.containers[0];

  test('emits its family with stable names: Deployment, Service, PodDisruptionBudget, ServiceMonitor', () => {
    expect(objs.map((o) => `${o.kind}/${o.metadata.name}`).sort()).toEqual([
      'Deployment/auth-service',
      'PodDisruptionBudget/auth-service',
      'Service/auth-service',
      'ServiceMonitor/auth-service',
    ]);
  });

  test('secret environment variables come from a Secret, never a literal', () => {
    const c = find(synth({ secretEnv: { secretName: 'exam-secrets', keys: ['DATABASE_PASSWORD'] } }), 'Deployment').spec.template.spec.containers[0];
    expect(c.env).toEqual([{ name: 'DATABASE_PASSWORD', valueFrom: { secretKeyRef: { name: 'exam-secrets', key: 'DATABASE_PASSWORD' } } }]);
  });

  test('every object validates against the Kubernetes 1.28 schema', () => {
    const registry = new SchemaRegistry();
    expect(objs.flatMap((o) => registry.validate(o))).toEqual([]);
  });

  test('labels: app plus app.kubernetes.io/{name,part-of,component,version}; selector on app only', () => {
    expect(deployment.metadata.labels).toMatchObject({
      app: 'auth-service',
      'app.kubernetes.io/name': 'auth-service',
      'app.kubernetes.io/part-of': 'exam-system',
      'app.kubernetes.io/component': 'backend',
      'app.kubernetes.io/version': 'v1.2.3',
    });
    expect(deployment.spec.selector).toEqual({ matchLabels: { app: 'auth-service' } });
    expect(find(objs, 'Service').spec.selector).toEqual({ app: 'auth-service' });
    expect(JSON.stringify(objs)).not.toContain('cdk8s.io/metadata.addr');
  });

  test('image, port, replicas, envFrom', () => {
    expect(container.image).toBe('ghcr.io/org/exam-system/auth-service:v1.2.3');
    expect(container.ports).toEqual([{ name: 'http', containerPort: 8000, protocol: 'TCP' }]);
    expect(deployment.spec.replicas).toBe(2);
    expect(container.envFrom).toEqual([{ configMapRef: { name: 'exam-config-staging' } }]);
    expect(find(objs, 'Service').spec).toMatchObject({ type: 'ClusterIP', ports: [{ name: 'http', port: 80, targetPort: 'http' }] });
  });

  test('HTTP readiness and liveness probes on /health that differ', () => {
    expect(container.readinessProbe.httpGet).toEqual({ path: '/health', port: 8000 });
    expect(container.livenessProbe.httpGet).toEqual({ path: '/health?probe=liveness', port: 8000 });
    // kube-score compares path and port: the two must not be the same check.
    expect(container.readinessProbe.httpGet.path).not.toBe(container.livenessProbe.httpGet.path);
    expect(container.livenessProbe.periodSeconds).toBeGreaterThan(container.readinessProbe.periodSeconds);
    expect(container.startupProbe).toBeUndefined();
  });

  test('resources are the ones given, not cdk8s-plus defaults', () => {
    expect(container.resources).toEqual({ requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '300m', memory: '256Mi' } });
  });

  test('restricted security context, read-only root with /tmp as emptyDir, no token', () => {
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
    expect(container.securityContext).toMatchObject({
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
      capabilities: { drop: ['ALL'] },
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(container.volumeMounts).toEqual([{ name: 'tmp', mountPath: '/tmp' }]);
    expect(pod.volumes).toEqual([{ name: 'tmp', emptyDir: { sizeLimit: '64Mi' } }]);
  });

  test('the PDB always allows an eviction', () => {
    expect(find(objs, 'PodDisruptionBudget').spec).toEqual({ maxUnavailable: 1, selector: { matchLabels: { app: 'auth-service' } } });
  });

  test('spreads pods over zones and nodes when asked', () => {
    expect(pod.topologySpreadConstraints).toBeUndefined();
    const spread = find(synth({ spreadPods: true }), 'Deployment').spec.template.spec.topologySpreadConstraints;
    expect(spread.map((c: Obj) => c.topologyKey)).toEqual(['topology.kubernetes.io/zone', 'kubernetes.io/hostname']);
    expect(spread[0].labelSelector).toEqual({ matchLabels: { app: 'auth-service' } });
  });

  test('an HPA scales the workload between replicas and maxReplicas', () => {
    const hpa = find(synth({ autoscaling: { maxReplicas: 6, targetCPUUtilizationPercentage: 70 } }), 'HorizontalPodAutoscaler');
    expect(hpa.spec).toMatchObject({ scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'auth-service' }, minReplicas: 2, maxReplicas: 6 });
    expect(() => synth({ autoscaling: { maxReplicas: 1, targetCPUUtilizationPercentage: 70 } })).toThrow(/maxReplicas \(1\) must be >= replicas \(2\)/);
  });

  test('an Ingress with TLS for exposed services', () => {
    const ingress = find(synth({ ingress: { host: 'exam.example.com', tlsSecretName: 'exam-tls' } }), 'Ingress');
    expect(ingress.spec.ingressClassName).toBe('nginx');
    expect(ingress.spec.tls).toEqual([{ hosts: ['exam.example.com'], secretName: 'exam-tls' }]);
    expect(ingress.spec.rules[0].http.paths[0].backend).toEqual({ service: { name: 'auth-service', port: { number: 80 } } });
  });

  test('rejects negative replicas early', () => {
    expect(() => synth({ replicas: -1 })).toThrow(/ExamService auth-service: replicas must be a whole number >= 0/);
  });
});

describe('ExamService (canary)', () => {
  const objs = synth({
    name: 'exam-service',
    replicas: 10,
    ingress: { host: 'api.example.com', tlsSecretName: 'exam-tls' },
    release: {
      kind: 'canary',
      rolloutName: 'exam-service-rollout',
      steps: [{ setWeight: 10, pause: '2m' }, { setWeight: 50 }],
      analysisTemplates: ['success-rate', 'response-time'],
      serviceNameArg: 'service-name',
      ingressAnnotations: { 'canary-by-header': 'X-Canary', 'canary-by-header-value': 'always' },
    },
  });
  const rollout = find(objs, 'Rollout');
  const canary = rollout.spec.strategy.canary;

  test('a Rollout instead of a Deployment, with stable and canary Services', () => {
    expect(find(objs, 'Deployment')).toBeUndefined();
    expect(rollout.metadata.name).toBe('exam-service-rollout');
    expect(rollout.spec.replicas).toBe(10);
    expect(objs.filter((o) => o.kind === 'Service').map((o) => o.metadata.name).sort()).toEqual(['exam-service', 'exam-service-canary', 'exam-service-stable']);
  });

  test('stableService/canaryService sit on the canary strategy, not under trafficRouting.nginx', () => {
    expect(canary.stableService).toBe('exam-service-stable');
    expect(canary.canaryService).toBe('exam-service-canary');
    expect(canary.trafficRouting.nginx).toEqual({
      stableIngress: 'exam-service',
      additionalIngressAnnotations: { 'canary-by-header': 'X-Canary', 'canary-by-header-value': 'always' },
    });
  });

  test('the stable Ingress routes to the stable Service; no canary Ingress is synthesized', () => {
    const ingresses = objs.filter((o) => o.kind === 'Ingress');
    expect(ingresses.map((i) => i.metadata.name)).toEqual(['exam-service']);
    expect(ingresses[0].spec.rules[0].http.paths[0].backend.service.name).toBe('exam-service-stable');
  });

  test('steps: setWeight then pause; a pause without duration waits for a person', () => {
    expect(canary.steps).toEqual([{ setWeight: 10 }, { pause: { duration: '2m' } }, { setWeight: 50 }, { pause: {} }]);
  });

  test('background analysis judges the canary Service', () => {
    expect(canary.analysis).toEqual({
      templates: [{ templateName: 'success-rate' }, { templateName: 'response-time' }],
      args: [{ name: 'service-name', value: 'exam-service-canary' }],
    });
  });

  test('the HPA targets the Rollout', () => {
    const withHpa = synth({
      name: 'exam-service',
      ingress: { host: 'api.example.com', tlsSecretName: 'exam-tls' },
      autoscaling: { maxReplicas: 4, targetCPUUtilizationPercentage: 70 },
      release: { kind: 'canary', rolloutName: 'exam-service-rollout', steps: [{ setWeight: 50, pause: '1m' }], analysisTemplates: ['success-rate'], serviceNameArg: 'service-name' },
    });
    expect(find(withHpa, 'HorizontalPodAutoscaler').spec.scaleTargetRef).toEqual({ apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout', name: 'exam-service-rollout' });
  });

  test('a canary without its Ingress, or with a bad weight, fails early', () => {
    const release = { kind: 'canary' as const, rolloutName: 'r', steps: [{ setWeight: 10 }], analysisTemplates: ['a'], serviceNameArg: 'service-name' };
    expect(() => synth({ release })).toThrow(/needs props.ingress/);
    expect(() => synth({ release: { ...release, steps: [{ setWeight: 120 }] }, ingress: { host: 'a.example.com', tlsSecretName: 't' } })).toThrow(/setWeight must be 1-100/);
  });
});

describe('ExamService (blue/green)', () => {
  const objs = synth({
    name: 'frontend',
    component: 'frontend',
    replicas: 3,
    ingress: { host: 'exam.example.com', tlsSecretName: 'exam-tls' },
    release: {
      kind: 'blueGreen',
      rolloutName: 'frontend-rollout',
      activeServiceName: 'frontend-service',
      autoPromotion: false,
      prePromotionTemplates: ['preview-health'],
      postPromotionTemplates: ['post-promotion'],
      serviceNameArg: 'service-name',
      scaleDownDelaySeconds: 600,
    },
  });
  const bg = find(objs, 'Rollout').spec.strategy.blueGreen;

  test('active and preview Services; the service name stays resolvable as an alias', () => {
    expect(bg.activeService).toBe('frontend-service');
    expect(bg.previewService).toBe('frontend-preview');
    const alias = find(objs, 'Service', 'frontend');
    expect(alias.spec).toEqual({ type: 'ExternalName', externalName: 'frontend-service.exam-system-staging.svc.cluster.local' });
    expect(find(objs, 'Ingress').spec.rules[0].http.paths[0].backend.service.name).toBe('frontend-service');
  });

  test('analysis before the switch against the preview, after it against the active Service', () => {
    expect(bg.prePromotionAnalysis).toEqual({ templates: [{ templateName: 'preview-health' }], args: [{ name: 'service-name', value: 'frontend-preview' }] });
    expect(bg.postPromotionAnalysis).toEqual({ templates: [{ templateName: 'post-promotion' }], args: [{ name: 'service-name', value: 'frontend-service' }] });
    expect(bg.autoPromotionEnabled).toBe(false);
    expect(bg.scaleDownDelaySeconds).toBe(600);
  });

  test('validates against the Argo Rollouts CRD', () => {
    const registry = new SchemaRegistry();
    expect(objs.flatMap((o) => registry.validate(o))).toEqual([]);
  });
});

/**
 * The whole family per release strategy, with and without an HPA. dist/ shows each strategy
 * only as the environments use it today; these snapshots show every combination, so a change
 * to one strategy's objects is a reviewable diff even where no environment runs it.
 */
describe('snapshots across release strategies', () => {
  const exposed = { name: 'exam-service', component: 'api', ingress: { host: 'api.example.com', tlsSecretName: 'exam-tls' } };
  const releases: Record<string, Partial<ExamServiceProps>> = {
    rolling: {},
    canary: {
      ...exposed,
      release: {
        kind: 'canary',
        rolloutName: 'exam-service-rollout',
        steps: [{ setWeight: 10, pause: '2m' }, { setWeight: 50 }],
        analysisTemplates: ['success-rate', 'response-time'],
        serviceNameArg: 'service-name',
        ingressAnnotations: { 'canary-by-header': 'X-Canary', 'canary-by-header-value': 'always' },
      },
    },
    blueGreen: {
      ...exposed,
      release: {
        kind: 'blueGreen',
        rolloutName: 'exam-service-rollout',
        activeServiceName: 'exam-service-active',
        autoPromotion: false,
        prePromotionTemplates: ['preview-health'],
        postPromotionTemplates: ['post-promotion'],
        serviceNameArg: 'service-name',
        scaleDownDelaySeconds: 600,
      },
    },
  };
  const cases = Object.entries(releases).flatMap(([strategy, props]) => [
    [`${strategy}, fixed replicas`, props],
    [`${strategy}, autoscaled`, { ...props, spreadPods: true, autoscaling: { maxReplicas: 6, targetCPUUtilizationPercentage: 70 } }],
  ]) as [string, Partial<ExamServiceProps>][];

  test.each(cases)('%s', (_label, props) => {
    expect(synth(props)).toMatchSnapshot();
  });
});
