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
const PARENT = { gatewayName: 'gw', gatewayNamespace: 'gw-ns', sectionName: 'staging-web' };
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

  test('an HTTPRoute on the given Gateway listener for exposed services, every path to the Service; never an Ingress', () => {
    const objs = synth({ route: { hostname: 'exam.example.com', parent: PARENT } });
    const route = find(objs, 'HTTPRoute');
    expect(find(objs, 'Ingress')).toBeUndefined();
    expect(route.metadata.name).toBe('auth-service');
    expect(route.spec.hostnames).toEqual(['exam.example.com']);
    expect(route.spec.parentRefs).toEqual([{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'gw', namespace: 'gw-ns', sectionName: 'staging-web' }]);
    expect(route.spec.rules).toEqual([
      { name: 'live', matches: [{ path: { type: 'PathPrefix', value: '/' } }], backendRefs: [{ group: '', kind: 'Service', name: 'auth-service', port: 80 }] },
    ]);
    expect(new SchemaRegistry().validate(route)).toEqual([]);
  });

  test('rejects negative replicas early', () => {
    expect(() => synth({ replicas: -1 })).toThrow(/ExamService auth-service: replicas must be a whole number >= 0/);
  });
});

describe('ExamService (canary)', () => {
  const objs = synth({
    name: 'exam-service',
    replicas: 10,
    route: { hostname: 'api.example.com', parent: PARENT },
    release: {
      kind: 'canary',
      rolloutName: 'exam-service-rollout',
      steps: [{ setWeight: 10, pause: '2m' }, { setWeight: 50 }],
      analysisTemplates: ['success-rate', 'response-time'],
      serviceNameArg: 'service-name', podTemplateHashArg: 'pod-template-hash',
      headerRoute: { name: 'canary-by-header', header: { name: 'X-Canary', value: 'always' } },
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

  test('traffic routing through the Gateway API plugin on the service\'s HTTPRoute, with the header route managed', () => {
    expect(canary.stableService).toBe('exam-service-stable');
    expect(canary.canaryService).toBe('exam-service-canary');
    expect(canary.trafficRouting).toEqual({
      managedRoutes: [{ name: 'canary-by-header' }],
      plugins: { 'argoproj-labs/gatewayAPI': { httpRoutes: [{ name: 'exam-service', useHeaderRoutes: true }] } },
    });
  });

  test('the HTTPRoute has one rule with the stable (100) and canary (0) Services; nothing for ingress-nginx', () => {
    const routes = objs.filter((o) => o.kind === 'HTTPRoute');
    expect(routes.map((r) => r.metadata.name)).toEqual(['exam-service']);
    expect(routes[0].spec.rules.map((r: Obj) => r.backendRefs.map((b: Obj) => `${b.name}:${b.port}@${b.weight}`))).toEqual([['exam-service-stable:80@100', 'exam-service-canary:80@0']]);
    expect(objs.filter((o) => o.kind === 'Ingress')).toEqual([]);
  });

  test('steps: setWeight then pause, the header route right after the first weight; a pause without duration waits for a person', () => {
    expect(canary.steps).toEqual([
      { setWeight: 10 },
      { setHeaderRoute: { name: 'canary-by-header', match: [{ headerName: 'X-Canary', headerValue: { exact: 'always' } }] } },
      { pause: { duration: '2m' } },
      { setWeight: 50 },
      { pause: {} },
    ]);
  });

  test('without a header route: no setHeaderRoute step, no managedRoutes, useHeaderRoutes false', () => {
    const plain = synth({
      name: 'exam-service',
      route: { hostname: 'api.example.com', parent: PARENT },
      release: { kind: 'canary', rolloutName: 'r', steps: [{ setWeight: 10, pause: '1m' }], analysisTemplates: ['a'], serviceNameArg: 'service-name', podTemplateHashArg: 'pod-template-hash' },
    });
    const c = find(plain, 'Rollout').spec.strategy.canary;
    expect(c.steps).toEqual([{ setWeight: 10 }, { pause: { duration: '1m' } }]);
    expect(c.trafficRouting).toEqual({ plugins: { 'argoproj-labs/gatewayAPI': { httpRoutes: [{ name: 'exam-service', useHeaderRoutes: false }] } } });
  });

  test('every object validates against the schemas (Rollout v1.9.1, HTTPRoute v1.6.1)', () => {
    const registry = new SchemaRegistry();
    expect(objs.flatMap((o) => registry.validate(o))).toEqual([]);
  });

  test('background analysis judges the canary Service', () => {
    expect(canary.analysis).toEqual({
      templates: [{ templateName: 'success-rate' }, { templateName: 'response-time' }],
      args: [{ name: 'pod-template-hash', valueFrom: { podTemplateHashValue: 'Latest' } }, { name: 'service-name', value: 'exam-service-canary' }],
    });
  });

  test('the HPA targets the Rollout', () => {
    const withHpa = synth({
      name: 'exam-service',
      route: { hostname: 'api.example.com', parent: PARENT },
      autoscaling: { maxReplicas: 4, targetCPUUtilizationPercentage: 70 },
      release: { kind: 'canary', rolloutName: 'exam-service-rollout', steps: [{ setWeight: 50, pause: '1m' }], analysisTemplates: ['success-rate'], serviceNameArg: 'service-name', podTemplateHashArg: 'pod-template-hash' },
    });
    expect(find(withHpa, 'HorizontalPodAutoscaler').spec.scaleTargetRef).toEqual({ apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout', name: 'exam-service-rollout' });
  });

  test('a canary without its route, with a bad weight or a bad header route name, fails early', () => {
    const release = { kind: 'canary' as const, rolloutName: 'r', steps: [{ setWeight: 10 }], analysisTemplates: ['a'], serviceNameArg: 'service-name', podTemplateHashArg: 'pod-template-hash' };
    const route = { hostname: 'a.example.com', parent: PARENT };
    expect(() => synth({ release })).toThrow(/a canary needs props.route/);
    expect(() => synth({ release: { ...release, steps: [{ setWeight: 120 }] }, route })).toThrow(/setWeight must be 1-100/);
    expect(() => synth({ release: { ...release, headerRoute: { name: 'Canary_Route', header: { name: 'X-Canary', value: 'always' } } }, route })).toThrow(/header route name "Canary_Route" is not a DNS label/);
  });
});

describe('ExamService (blue/green)', () => {
  const objs = synth({
    name: 'frontend',
    component: 'frontend',
    replicas: 3,
    route: { hostname: 'exam.example.com', parent: PARENT },
    release: {
      kind: 'blueGreen',
      rolloutName: 'frontend-rollout',
      activeServiceName: 'frontend-service',
      autoPromotion: false,
      prePromotionTemplates: ['preview-health'],
      postPromotionTemplates: ['post-promotion'],
      serviceNameArg: 'service-name', podTemplateHashArg: 'pod-template-hash',
      scaleDownDelaySeconds: 600,
      previewHeader: { name: 'X-Preview', value: 'always' },
    },
  });
  const bg = find(objs, 'Rollout').spec.strategy.blueGreen;

  test('the route sends live traffic to the active Service and the preview header to the preview Service', () => {
    const route = find(objs, 'HTTPRoute');
    expect(route.spec.rules).toEqual([
      { name: 'live', matches: [{ path: { type: 'PathPrefix', value: '/' } }], backendRefs: [{ group: '', kind: 'Service', name: 'frontend-service', port: 80 }] },
      {
        name: 'preview',
        matches: [{ path: { type: 'PathPrefix', value: '/' }, headers: [{ type: 'Exact', name: 'X-Preview', value: 'always' }] }],
        backendRefs: [{ group: '', kind: 'Service', name: 'frontend-preview', port: 80 }],
      },
    ]);
    expect(new SchemaRegistry().validate(route)).toEqual([]);
  });

  test('active and preview Services; the service name stays resolvable as an alias', () => {
    expect(bg.activeService).toBe('frontend-service');
    expect(bg.previewService).toBe('frontend-preview');
    const alias = find(objs, 'Service', 'frontend');
    expect(alias.spec).toEqual({ type: 'ExternalName', externalName: 'frontend-service.exam-system-staging.svc.cluster.local' });
    expect(find(objs, 'HTTPRoute').spec.rules[0].backendRefs[0].name).toBe('frontend-service');
  });

  test('analysis before the switch against the preview, after it against the active Service', () => {
    expect(bg.prePromotionAnalysis).toEqual({ templates: [{ templateName: 'preview-health' }], args: [{ name: 'pod-template-hash', valueFrom: { podTemplateHashValue: 'Latest' } }, { name: 'service-name', value: 'frontend-preview' }] });
    expect(bg.postPromotionAnalysis).toEqual({ templates: [{ templateName: 'post-promotion' }], args: [{ name: 'pod-template-hash', valueFrom: { podTemplateHashValue: 'Latest' } }, { name: 'service-name', value: 'frontend-service' }] });
    expect(bg.autoPromotionEnabled).toBe(false);
    expect(bg.scaleDownDelaySeconds).toBe(600);
  });

  test('validates against the Argo Rollouts CRD', () => {
    const registry = new SchemaRegistry();
    expect(objs.flatMap((o) => registry.validate(o))).toEqual([]);
  });
});

describe('ExamService image versions', () => {
  const digest = `sha256:${'b'.repeat(64)}`;

  test('a tag pinned by digest runs <repository>:<tag>@<digest>, and the tag alone labels the pods', () => {
    const deployment = find(synth({ tag: `v1.2.3@${digest}` }), 'Deployment');
    expect(deployment.spec.template.spec.containers[0].image).toBe(`ghcr.io/org/exam-system/auth-service:v1.2.3@${digest}`);
    expect(deployment.spec.template.metadata.labels['app.kubernetes.io/version']).toBe('v1.2.3');
  });

  test.each([
    ['latest', /tag "latest": expected a pinned image tag/],
    ['v1@sha256:abc', /64 lowercase hex/],
  ])('refuses %s early', (tag, why) => {
    expect(() => synth({ tag })).toThrow(why);
  });
});

describe('ExamService with scheduled floors', () => {
  const floor = { name: 'morning', start: '30 7 * * 1-6', end: '30 12 * * 1-6', timeZone: 'Asia/Shanghai', desiredReplicas: 5 };

  test('a KEDA ScaledObject on the workload replaces the HPA; the PDB keeps its maxUnavailable', () => {
    const objs = synth({ autoscaling: { maxReplicas: 6, targetCPUUtilizationPercentage: 70, floors: [floor] }, pdbMaxUnavailable: 1 });
    expect(find(objs, 'HorizontalPodAutoscaler')).toBeUndefined();
    const so = find(objs, 'ScaledObject', 'auth-service');
    expect(so.spec.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'auth-service' });
    expect(so.spec.minReplicaCount).toBe(2);
    // KEDA's HPA takes the plain HPA's name and adopts it, so the switch needs no manual step.
    expect(so.spec.advanced.horizontalPodAutoscalerConfig.name).toBe('auth-service');
    expect(so.metadata.annotations['scaledobject.keda.sh/transfer-hpa-ownership']).toBe('true');
    expect(so.spec.triggers.map((t: Obj) => t.type)).toEqual(['cpu', 'cron']);
    expect(find(objs, 'PodDisruptionBudget').spec.maxUnavailable).toBe(1);
  });

  test('without floors, the HPA as before', () => {
    const objs = synth({ autoscaling: { maxReplicas: 6, targetCPUUtilizationPercentage: 70 } });
    expect(find(objs, 'ScaledObject')).toBeUndefined();
    expect(find(objs, 'HorizontalPodAutoscaler', 'auth-service')).toBeDefined();
  });
});

/**
 * The whole family per release strategy, with and without an HPA. dist/ shows each strategy
 * only as the environments use it today; these snapshots show every combination, so a change
 * to one strategy's objects is a reviewable diff even where no environment runs it.
 */
describe('snapshots across release strategies', () => {
  const exposed = { name: 'exam-service', component: 'api', route: { hostname: 'api.example.com', parent: PARENT } };
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
        podTemplateHashArg: 'pod-template-hash',
        headerRoute: { name: 'canary-by-header', header: { name: 'X-Canary', value: 'always' } },
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
        podTemplateHashArg: 'pod-template-hash',
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
