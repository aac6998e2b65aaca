/**
 * The guard rails over the whole synthesized output: every workload passes Pod Security
 * "restricted", Polaris's defaults and kube-score's checks (but for the declared exceptions,
 * printed here with their reasons), and every application namespace's NetworkPolicies isolate
 * every pod and allow exactly the intended traffic.
 */
import {
  Endpoint,
  PodEndpoint,
  coverage,
  evaluateTraffic,
  externalPod,
  ipEndpoint,
  networkPoliciesOf,
  podsOf,
  policiesSelectingNothing,
} from '../../lib/analysis/network-coverage';
import { SchemaRegistry } from '../../lib/analysis/schema-validation';
import { CHECKS, checkPolicies, formatFindings, isCheckId } from '../../lib/analysis/workload-policy';
import { CONTAINER_PORT, SERVICES, SERVICE_NAMES } from '../../lib/config/catalog';
import { FLAGD_MANAGEMENT_PORT, FLAGD_PORT } from '../../lib/constructs/flagd';
import { POLICY_EXCEPTIONS } from '../../lib/config/policy-exceptions';
import { formatObjectId } from '../../lib/rules/objects';
import { synthesized } from '../support/synthesized';

const result = synthesized();
const objects = result.objects.map((o) => o.object);
const productionNamespaces = result.environments.filter((e) => e.name === 'production').map((e) => e.namespace);
const report = checkPolicies(objects, { productionNamespaces, exceptions: POLICY_EXCEPTIONS });

/** The feature-flag controller (see docs/decisions.md, 'Feature-flag controller'), Flagsmith: it serves, and only reaches its database. */
const FLAG_CONTROLLER = 'feature-flag-controller';
/** Its schema migration, a Job: reaches the database, serves nothing. */
const FLAG_MIGRATIONS = 'feature-flag-migrations';
/** flagd: every exam service evaluates its flags there, on the evaluation port only. */
const FLAGD = 'flagd';

describe('policy checks over dist/', () => {
  test('the exceptions, with their reasons', () => {
    const lines = POLICY_EXCEPTIONS.map((e) => `  - ${e.check} (${isCheckId(e.check) ? CHECKS[e.check].upstream : 'unknown check'}) on ${formatObjectId(e.kind, e.namespace, e.name)}:\n      ${e.reason}`);
    console.log(`Policy exceptions (lib/config/policy-exceptions.ts): ${POLICY_EXCEPTIONS.length}\n${lines.join('\n')}`);
    expect(POLICY_EXCEPTIONS.length).toBeGreaterThan(0);
  });

  test('the checks see the workloads (Deployments, Rollouts, DaemonSets) of every environment', () => {
    const kinds = new Set(objects.map((o) => o.kind));
    for (const kind of ['Deployment', 'Rollout', 'DaemonSet', 'Service', 'HTTPRoute', 'PodDisruptionBudget', 'Namespace']) expect(kinds).toContain(kind);
    for (const env of result.environments) {
      expect(objects.some((o) => o.kind === 'Deployment' && o.metadata.namespace === env.namespace)).toBe(true);
    }
    expect(productionNamespaces).toEqual(['exam-system']);
  });

  test('no finding outside the declared exceptions', () => {
    expect(formatFindings(report.findings)).toBe('');
  });

  test('every exception is still needed (it excuses a finding that exists)', () => {
    expect(report.unusedExceptions.map((e) => `${e.check} on ${formatObjectId(e.kind, e.namespace, e.name)}`)).toEqual([]);
  });
});

describe('NetworkPolicies over dist/', () => {
  const policies = networkPoliciesOf(objects);
  const allPods = podsOf(objects);
  const appNamespaces = result.environments.map((e) => e.namespace);

  // The Envoy proxies of the shared Gateway, labelled as Envoy Gateway v1.9.0 labels them, in its
  // controller's namespace (envoyproxy/gateway: internal/infrastructure/kubernetes/proxy/resource.go
  // EnvoyAppLabel, internal/gatewayapi/helpers.go owning-gateway labels, and the rendered
  // internal/infrastructure/kubernetes/proxy/testdata/deployments/default.yaml).
  const envoyOf = (gatewayName: string) =>
    externalPod('envoy-gateway-system', {
      'app.kubernetes.io/name': 'envoy',
      'app.kubernetes.io/component': 'proxy',
      'app.kubernetes.io/managed-by': 'envoy-gateway',
      'gateway.envoyproxy.io/owning-gateway-name': gatewayName,
      'gateway.envoyproxy.io/owning-gateway-namespace': 'exam-gateway',
    });
  const envoy = envoyOf('exam-gateway');
  const otherGatewaysEnvoy = envoyOf('another-gateway');
  const nginx = externalPod('ingress-nginx', { 'app.kubernetes.io/name': 'ingress-nginx', 'app.kubernetes.io/component': 'controller' });
  /** The apps whose Services are backends of the namespace's HTTPRoutes. */
  const routedApps = (ns: string): string[] => {
    const backends = objects
      .filter((o) => o.kind === 'HTTPRoute' && o.metadata.namespace === ns)
      .flatMap((r) => (r.spec as { rules: { backendRefs?: { name: string }[] }[] }).rules.flatMap((rule) => (rule.backendRefs ?? []).map((b) => b.name)));
    const services = objects.filter((o) => o.kind === 'Service' && o.metadata.namespace === ns && backends.includes(o.metadata.name));
    return [...new Set(services.map((svc) => (svc.spec as { selector: { app: string } }).selector.app))].sort();
  };
  const prometheus = externalPod('monitoring', { 'app.kubernetes.io/name': 'prometheus' });
  const grafana = externalPod('monitoring', { 'app.kubernetes.io/name': 'grafana' });
  const kubeDns = externalPod('kube-system', { 'k8s-app': 'kube-dns' });
  const metricsServer = externalPod('kube-system', { 'k8s-app': 'metrics-server' });
  const database = ipEndpoint('10.40.1.20', 'database');
  const internet = ipEndpoint('52.216.10.10', 'internet');
  const TCP = (port: number) => ({ protocol: 'TCP' as const, port });

  const app = (p: PodEndpoint) => p.labels.app;
  const podsIn = (ns: string) => allPods.filter((p) => p.namespace === ns);
  const allowed = (from: Endpoint, to: Endpoint, port: number) => evaluateTraffic(policies, from, to, TCP(port)).allowed;

  /** What each app may call: the catalog's call graph, plus every exam service's flag evaluations. */
  function intendedCalls(a: string): readonly string[] {
    if ((SERVICE_NAMES as readonly string[]).includes(a)) return [...SERVICES[a as keyof typeof SERVICES].calls, FLAGD];
    return [];
  }
  /** The port an app is called on. */
  const servingPort = (a: string) => (a === FLAGD ? FLAGD_PORT : CONTAINER_PORT);
  /** The port Prometheus scrapes an app on (none for the Job). */
  const metricsPort = (a: string) => (a === FLAGD ? FLAGD_MANAGEMENT_PORT : a === FLAG_MIGRATIONS ? undefined : CONTAINER_PORT);

  test("the Gateway's namespace: default deny; only the shared Gateway's proxies reach cert-manager's HTTP-01 solver pods, on 8089", () => {
    // Labels and port of the solver pods: cert-manager v1.21.1 pkg/issuer/acme/http/pod.go,
    // pkg/apis/acme/v1/types.go (SolverIdentificationLabelKey), pkg/issuer/acme/http/http.go.
    const solver = externalPod('exam-gateway', { 'acme.cert-manager.io/http01-solver': 'true', 'acme.cert-manager.io/http-token': '123' }, [{ name: 'http', containerPort: 8089, protocol: 'TCP' }]);
    const inGatewayNs = policies.filter((p) => p.metadata.namespace === 'exam-gateway').map((p) => p.metadata.name);
    expect(inGatewayNs.sort()).toEqual(['allow-acme-http01-solver', 'default-deny']);
    expect(allowed(envoy, solver, 8089)).toBe(true);
    expect(allowed(otherGatewaysEnvoy, solver, 8089)).toBe(false);
    expect(allowed(nginx, solver, 8089)).toBe(false);
    expect(allowed(envoy, solver, 22)).toBe(false);
    expect(allowed(solver, internet, 443)).toBe(false);
  });

  test('every NetworkPolicy validates against the Kubernetes 1.28 schema', () => {
    const registry = new SchemaRegistry();
    expect(policies.length).toBeGreaterThan(0);
    expect(policies.flatMap((p) => registry.validate(p))).toEqual([]);
  });

  describe.each(result.environments.map((e) => [e.name, e.namespace] as const))('%s (%s)', (envName, ns) => {
    const pods = podsIn(ns);

    test('runs a pod template for every exam service, flagd, the flag controller and its migration Job, each with an app label', () => {
      expect([...new Set(pods.map(app))].sort()).toEqual([...SERVICE_NAMES, FLAGD, FLAG_CONTROLLER, FLAG_MIGRATIONS].sort());
    });

    test('every pod is isolated for both Ingress and Egress', () => {
      const uncovered = coverage(pods, policies)
        .filter((c) => c.ingress.length === 0 || c.egress.length === 0)
        .map((c) => `${c.pod.name}: ingress [${c.ingress.join(', ')}], egress [${c.egress.join(', ')}]`);
      expect(uncovered).toEqual([]);
    });

    test('every NetworkPolicy selects some pod of the namespace (kube-score networkpolicy-targets-pod)', () => {
      const inNs = policies.filter((p) => p.metadata.namespace === ns);
      expect(inNs.map((p) => p.metadata.name)).toContain('default-deny');
      expect(policiesSelectingNothing(pods, inNs).map((p) => p.metadata.name)).toEqual([]);
    });

    test('allowed pod-to-pod traffic equals the intended call graph', () => {
      const actual: string[] = [];
      const expected: string[] = [];
      for (const from of pods) {
        for (const to of pods) {
          if (app(from) === app(to)) continue;
          for (const port of new Set([CONTAINER_PORT, FLAGD_PORT, FLAGD_MANAGEMENT_PORT])) if (allowed(from, to, port)) actual.push(`${app(from)} -> ${app(to)}:${port}`);
          if (intendedCalls(app(from)).includes(app(to))) expected.push(`${app(from)} -> ${app(to)}:${servingPort(app(to))}`);
        }
      }
      expect(actual.sort()).toEqual(expected.sort());
      expect(expected.length).toBeGreaterThan(SERVICE_NAMES.length);
    });

    test('named edges: frontend reaches auth-service; question-service does not; nobody calls in to frontend', () => {
      const by = (a: string) => pods.find((p) => app(p) === a)!;
      expect(allowed(by('frontend'), by('auth-service'), CONTAINER_PORT)).toBe(true);
      expect(allowed(by('exam-service'), by('question-service'), CONTAINER_PORT)).toBe(true);
      expect(allowed(by('question-service'), by('auth-service'), CONTAINER_PORT)).toBe(false);
      expect(allowed(by('auth-service'), by('exam-service'), CONTAINER_PORT)).toBe(false);
      expect(allowed(by('exam-service'), by('frontend'), CONTAINER_PORT)).toBe(false);
      // The flags path: every service to flagd's evaluation port, and nowhere else on flagd.
      expect(allowed(by('notification-service'), by(FLAGD), FLAGD_PORT)).toBe(true);
      expect(allowed(by('frontend'), by(FLAGD), FLAGD_PORT)).toBe(true);
      expect(allowed(by('notification-service'), by(FLAGD), FLAGD_MANAGEMENT_PORT)).toBe(false);
      expect(allowed(by('notification-service'), by(FLAG_CONTROLLER), CONTAINER_PORT)).toBe(false);
      expect(allowed(by(FLAG_CONTROLLER), by('auth-service'), CONTAINER_PORT)).toBe(false);
      expect(allowed(by(FLAGD), by(FLAG_CONTROLLER), CONTAINER_PORT)).toBe(false);
    });

    test("the shared Gateway's Envoy proxies reach exactly the pods behind the namespace's HTTPRoutes, on the container port; nothing else gets in", () => {
      const reached = [...new Set(pods.filter((p) => allowed(envoy, p, CONTAINER_PORT)).map(app))].sort();
      expect(reached).toEqual(routedApps(ns));
      expect(reached).toEqual(envName === 'development' ? [] : ['exam-service', 'frontend']);
      expect(pods.filter((p) => allowed(envoy, p, 22)).map(app)).toEqual([]);
      expect(pods.filter((p) => allowed(otherGatewaysEnvoy, p, CONTAINER_PORT)).map(app)).toEqual([]);
      expect(pods.filter((p) => allowed(nginx, p, CONTAINER_PORT)).map(app)).toEqual([]);
    });

    test('Prometheus scrapes every serving pod on its metrics port; other monitoring pods and ports stay out', () => {
      const scraped = pods.filter((p) => metricsPort(app(p)) !== undefined);
      expect(scraped.filter((p) => !allowed(prometheus, p, metricsPort(app(p))!)).map((p) => p.name)).toEqual([]);
      expect(pods.filter((p) => [CONTAINER_PORT, FLAGD_PORT, FLAGD_MANAGEMENT_PORT].some((port) => allowed(grafana, p, port))).map((p) => p.name)).toEqual([]);
      expect(pods.filter((p) => allowed(prometheus, p, 9090) || (app(p) === FLAGD && allowed(prometheus, p, FLAGD_PORT))).map((p) => p.name)).toEqual([]);
      // The migration Job accepts no connection at all.
      const job = pods.find((p) => app(p) === FLAG_MIGRATIONS)!;
      expect([CONTAINER_PORT, FLAGD_PORT].some((port) => allowed(prometheus, job, port) || pods.some((p) => allowed(p, job, port)))).toBe(false);
    });

    test('every pod resolves names through kube-dns (UDP and TCP 53), and only there', () => {
      for (const p of pods) {
        expect(evaluateTraffic(policies, p, kubeDns, { protocol: 'UDP', port: 53 }).allowed).toBe(true);
        expect(evaluateTraffic(policies, p, kubeDns, TCP(53)).allowed).toBe(true);
        expect(evaluateTraffic(policies, p, metricsServer, { protocol: 'UDP', port: 53 }).allowed).toBe(false);
      }
    });

    test('data stores: backends, the flag controller and its migration Job reach the database; backends reach Redis and the AWS endpoints; flagd reaches nothing; nothing reaches the internet', () => {
      const reaching = (port: number, to: Endpoint = database) => [...new Set(pods.filter((p) => allowed(p, to, port)).map(app))].sort();
      const backends = SERVICE_NAMES.filter((s) => SERVICES[s].component === 'backend');
      expect(reaching(5432)).toEqual([...backends, FLAG_CONTROLLER, FLAG_MIGRATIONS].sort());
      expect(reaching(6379)).toEqual([...backends].sort());
      expect(reaching(443)).toEqual([...backends].sort());
      expect(reaching(22)).toEqual([]);
      expect(reaching(443, internet)).toEqual([]);
      expect(reaching(80, internet)).toEqual([]);
    });
  });

  test('no traffic crosses environments, even between callers and callees', () => {
    const crossing: string[] = [];
    for (const a of appNamespaces) {
      for (const b of appNamespaces) {
        if (a === b) continue;
        for (const from of podsIn(a)) {
          for (const to of podsIn(b)) {
            if (allowed(from, to, CONTAINER_PORT)) crossing.push(`${from.name} -> ${to.name}`);
          }
        }
      }
    }
    expect(crossing).toEqual([]);
  });
});
