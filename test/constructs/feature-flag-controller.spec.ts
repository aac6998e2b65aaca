import { Testing } from 'cdk8s';
import { SchemaRegistry } from '../../lib/analysis/schema-validation';
import { FLAGSMITH_IMAGE, FLAGSMITH_VERSION } from '../../lib/config/versions';
import { FeatureFlagController, FeatureFlagControllerProps, flagsmithAllowedHosts } from '../../lib/constructs/feature-flag-controller';

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

  test('emits a Deployment, its PodDisruptionBudget, a Service and the migration Job, all valid against the Kubernetes 1.28 schema', () => {
    expect(objects.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([
      'Deployment/feature-flag-controller',
      'PodDisruptionBudget/feature-flag-controller',
      'Service/feature-flag-service',
      'Job/feature-flag-migrations',
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

  /**
   * Flagsmith/flagsmith `api/app/settings/common.py` (v2.238.0):
   * `SECRET_KEY = env("DJANGO_SECRET_KEY", default=get_random_secret_key())` and
   * `ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=[])`. Without the first, each
   * replica invents its own key; without the second, Django answers every request with 400.
   */
  test('DATABASE_URL and DJANGO_SECRET_KEY come from Secret exam-secrets, never literal (Flagsmith api/app/settings/common.py)', () => {
    const env = Object.fromEntries(container.env.map((e: { name: string }) => [e.name, e]));
    expect(env.DATABASE_URL).toEqual({ name: 'DATABASE_URL', valueFrom: { secretKeyRef: { name: 'exam-secrets', key: 'FLAGSMITH_DATABASE_URL' } } });
    expect(env.DJANGO_SECRET_KEY).toEqual({ name: 'DJANGO_SECRET_KEY', valueFrom: { secretKeyRef: { name: 'exam-secrets', key: 'FLAGSMITH_SECRET_KEY' } } });
    // The name Flagsmith never reads is gone.
    expect(env.SECRET_KEY).toBeUndefined();
    expect(synth({ secretName: 'other' }).deployment.spec.template.spec.containers[0].env[0].valueFrom.secretKeyRef.name).toBe('other');
  });

  test('DJANGO_ALLOWED_HOSTS admits the Service names (and localhost for port-forward), and the probes send one of them as Host', () => {
    const env = Object.fromEntries(container.env.map((e: { name: string; value?: string }) => [e.name, e.value]));
    const hosts = env.DJANGO_ALLOWED_HOSTS!.split(',');
    expect(hosts).toEqual(flagsmithAllowedHosts('feature-flag-service', 'exam-system'));
    expect(hosts).toEqual([
      'feature-flag-service',
      'feature-flag-service.exam-system',
      'feature-flag-service.exam-system.svc',
      'feature-flag-service.exam-system.svc.cluster.local',
      'localhost',
    ]);
    // The kubelet would otherwise send Host: <pod IP>:8000, which no entry admits (no '*').
    for (const probe of [container.readinessProbe, container.livenessProbe]) {
      expect(probe.httpGet.httpHeaders).toEqual([{ name: 'Host', value: 'feature-flag-service' }]);
      expect(hosts).toContain(probe.httpGet.httpHeaders[0].value);
    }
    expect(hosts).not.toContain('*');
  });

  /**
   * Flagsmith/flagsmith `api/scripts/run-docker.sh` (v2.238.0, the image's ENTRYPOINT, CMD
   * `migrate-and-serve`): `serve` waits for the database and execs gunicorn; `migrate` runs the
   * migrations and createcachetable and exits; `migrate-and-serve` does both, in every replica.
   */
  test('the Deployment only serves (run-docker.sh "serve"); the Job migrates once (run-docker.sh "migrate")', () => {
    expect(container.args).toEqual(['serve']);
    expect(container.command).toBeUndefined();
    const job = objects.find((o) => o.kind === 'Job');
    const jobPod = job.spec.template.spec;
    expect(jobPod.containers).toHaveLength(1);
    expect(jobPod.containers[0].args).toEqual(['migrate']);
    expect(jobPod.containers[0].image).toBe(container.image);
    expect(jobPod.containers[0].env).toEqual(container.env.filter((e: { name: string }) => ['DATABASE_URL', 'DJANGO_SECRET_KEY'].includes(e.name)));
    expect(jobPod.restartPolicy).toBe('Never');
    expect(job.spec.backoffLimit).toBeGreaterThan(0);
    expect(job.spec.activeDeadlineSeconds).toBeGreaterThan(0);
    // Restricted like every pod: non-root, read-only root, no token, no capabilities.
    expect(jobPod.automountServiceAccountToken).toBe(false);
    expect(jobPod.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
    expect(jobPod.containers[0].securityContext).toMatchObject({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
    expect(job.metadata.labels.app).toBe('feature-flag-migrations');
    expect(job.metadata.annotations).toBeUndefined();
    const hooked = synth({ migrationJobAnnotations: { 'argocd.argoproj.io/hook': 'Sync' } }).objects.find((o) => o.kind === 'Job');
    expect(hooked.metadata.annotations).toEqual({ 'argocd.argoproj.io/hook': 'Sync' });
  });

  test("distinct readiness and liveness probes on Flagsmith's health endpoints", () => {
    expect(container.readinessProbe.httpGet).toMatchObject({ path: '/health/readiness', port: 8000 });
    expect(container.livenessProbe.httpGet).toMatchObject({ path: '/health/liveness', port: 8000 });
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
    ['flagsmith/flagsmith:latest', /FeatureFlagController feature-flag-controller: image: expected a pinned image tag, not "latest"/],
    ['flagsmith/flagsmith', /image: expected a pinned image \(a tag other than latest, or a digest\)/],
    ['registry.local:5000/flagsmith', /expected a pinned image/],
    [`flagsmith/flagsmith@sha256:${'0'.repeat(64)}`, /expected a pinned image/],
    ['flagsmith/flagsmith:2.0@sha256:abc', /64 lowercase hex/],
  ])('refuses the unpinned image %s', (image, message) => {
    expect(() => synth({ image })).toThrow(message);
  });

  test('takes a tag pinned by digest, and labels pods with the tag', () => {
    const image = `docker.io/flagsmith/flagsmith:2.238.0@sha256:${'0'.repeat(64)}`;
    const { deployment } = synth({ image });
    expect(deployment.spec.template.spec.containers[0].image).toBe(image);
    expect(deployment.spec.template.metadata.labels['app.kubernetes.io/version']).toBe('2.238.0');
  });

  test('refuses a bad replica count', () => {
    expect(() => synth({ replicas: -1 })).toThrow(/FeatureFlagController feature-flag-controller: replicas must be a whole number >= 0, got -1/);
  });
});
