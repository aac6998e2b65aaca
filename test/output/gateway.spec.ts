/**
 * Traffic on the Gateway API, over the whole synthesized output: the shared Gateway's listeners
 * and certificates, every HTTPRoute's wiring, the production canary's header route and weights
 * through the Argo Rollouts Gateway API plugin, the Argo CD fields the plugin owns, and that no
 * ingress-nginx routing is left in a deployed environment.
 */
import { gatewayRoutingProblems, httpsListeners, HttpRouteRule, HttpRouteSpec, CanaryStrategy, isManagedRuleName } from '../../lib/analysis/gateway-routing';
import { GATEWAY_NAME, GATEWAY_NAMESPACE, HTTP_LISTENER_NAME, listenerName } from '../../lib/config/gateway';
import { CANARY_STEPS } from '../../lib/config/release';
import type { KubeObject } from '../../lib/output/render';
import { synthesized } from '../support/synthesized';

const result = synthesized();
const all = result.objects.map((o) => o.object);
const deployed = result.environments.filter((e) => e.gitops !== undefined);
const id = (o: KubeObject) => `${o.kind} ${o.metadata.namespace ?? '(cluster)'}/${o.metadata.name}`;
const find = (kind: string, namespace: string | undefined, name: string) =>
  all.find((o) => o.kind === kind && o.metadata.namespace === namespace && o.metadata.name === name);
const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Obj = any;

const gateway = find('Gateway', GATEWAY_NAMESPACE, GATEWAY_NAME) as Obj;
const production = deployed.find((e) => e.name === 'production')!;
const rollout = all.find((o) => o.kind === 'Rollout' && o.metadata.namespace === production.namespace && (o.spec as Obj).strategy.canary) as Obj;
const canary = rollout.spec.strategy.canary as CanaryStrategy & Obj;
const canaryRoute = find('HTTPRoute', production.namespace, 'exam-service') as Obj;

describe('the shared Gateway', () => {
  test('no wiring problem anywhere (routes, listeners, certificates, plugin-routed Rollouts)', () => {
    expect(all.filter((o) => o.kind === 'HTTPRoute').length).toBeGreaterThanOrEqual(2 * deployed.length + 1);
    expect(gatewayRoutingProblems(all)).toEqual([]);
  });

  test("one HTTPS listener per deployed environment's web and API host, with exactly the environment files' hosts", () => {
    const listeners = gateway.spec.listeners as Obj[];
    const expected = deployed.flatMap((e) => [
      { name: listenerName(e.name, 'web'), hostname: e.ingress.webHost, namespace: e.namespace },
      { name: listenerName(e.name, 'api'), hostname: e.ingress.apiHost, namespace: e.namespace },
    ]);
    expect(
      listeners
        .filter((l) => l.protocol === 'HTTPS')
        .map((l) => ({ name: l.name, hostname: l.hostname, namespace: l.allowedRoutes.namespaces.selector.matchLabels['kubernetes.io/metadata.name'] })),
    ).toEqual(expected);
    for (const l of listeners.filter((x) => x.protocol === 'HTTPS')) {
      expect([l.name, l.port, l.tls.mode, l.allowedRoutes.namespaces.from, l.allowedRoutes.kinds]).toEqual([l.name, 443, 'Terminate', 'Selector', [{ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute' }]]);
    }
    // development is not deployed: the Gateway serves none of its hosts.
    const development = result.environments.find((e) => e.name === 'development')!;
    expect(listeners.map((l) => l.hostname)).not.toContain(development.ingress.webHost);
  });

  test('every HTTPS listener\'s certificateRef Secret is made by a Certificate in the Gateway\'s namespace, for its host, from the ACME ClusterIssuer', () => {
    const listeners = httpsListeners(all);
    expect(listeners.length).toBe(2 * deployed.length);
    for (const { listener } of listeners) {
      const refs = listener.tls!.certificateRefs!;
      expect(refs.map((r) => [r.group, r.kind, r.namespace])).toEqual([['', 'Secret', undefined]]);
      const certs = all.filter((o) => o.kind === 'Certificate' && o.metadata.namespace === GATEWAY_NAMESPACE && (o.spec as Obj).secretName === refs[0].name) as Obj[];
      expect([listener.name, certs.length]).toEqual([listener.name, 1]);
      expect(certs[0].spec.dnsNames).toContain(listener.hostname);
      expect(certs[0].spec.issuerRef.kind).toBe('ClusterIssuer');
      expect(find('ClusterIssuer', undefined, certs[0].spec.issuerRef.name)).toBeDefined();
    }
    // No Certificate without a listener that uses it.
    const used = new Set(listeners.map(({ listener }) => listener.tls!.certificateRefs![0].name));
    expect(all.filter((o) => o.kind === 'Certificate').map((o) => (o.spec as Obj).secretName).filter((s: string) => !used.has(s))).toEqual([]);
  });

  test('the HTTP listener redirects every request to HTTPS; ACME HTTP-01 challenges attach to it from the Gateway\'s namespace', () => {
    const http = (gateway.spec.listeners as Obj[]).find((l) => l.name === HTTP_LISTENER_NAME);
    expect([http.port, http.protocol, http.allowedRoutes.namespaces.from]).toEqual([80, 'HTTP', 'Same']);
    const redirects = all.filter((o) => o.kind === 'HTTPRoute' && (o.spec as Obj).parentRefs.some((p: Obj) => p.sectionName === HTTP_LISTENER_NAME)) as Obj[];
    expect(redirects.map(id)).toEqual([`HTTPRoute ${GATEWAY_NAMESPACE}/https-redirect`]);
    expect(redirects[0].spec.rules).toEqual([{ name: 'to-https', filters: [{ type: 'RequestRedirect', requestRedirect: { scheme: 'https', statusCode: 301 } }] }]);
    const issuer = all.find((o) => o.kind === 'ClusterIssuer') as Obj;
    expect(issuer.spec.acme.solvers).toEqual([
      { http01: { gatewayHTTPRoute: { parentRefs: [{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: GATEWAY_NAME, namespace: GATEWAY_NAMESPACE, sectionName: HTTP_LISTENER_NAME }] } } },
    ]);
  });

  test('the analysis catches broken wiring: a missing listener, a foreign namespace, a missing Service or port, a Secret no Certificate makes', () => {
    const route = clone(find('HTTPRoute', 'exam-system-staging', 'frontend')!) as Obj;
    const cases: [string, (objs: Obj[]) => void, RegExp][] = [
      ['sectionName', (objs) => (objs.find((o) => o.kind === 'HTTPRoute' && o.metadata.name === 'frontend' && o.metadata.namespace === 'exam-system-staging').spec.parentRefs[0].sectionName = 'nope'), /has no listener named "nope"/],
      ['listener of another environment', (objs) => (objs.find((o) => o.kind === 'HTTPRoute' && o.metadata.name === 'frontend' && o.metadata.namespace === 'exam-system-staging').spec.parentRefs[0].sectionName = 'production-web'), /does not admit HTTPRoutes from namespace exam-system-staging/],
      ['backend', (objs) => (objs.find((o) => o.kind === 'HTTPRoute' && o.metadata.name === 'frontend' && o.metadata.namespace === 'exam-system-staging').spec.rules[0].backendRefs[0].name = 'ghost'), /no Service exam-system-staging\/ghost/],
      ['port', (objs) => (objs.find((o) => o.kind === 'HTTPRoute' && o.metadata.name === 'frontend' && o.metadata.namespace === 'exam-system-staging').spec.rules[0].backendRefs[0].port = 8080), /has no port 8080/],
      ['certificate', (objs) => objs.splice(objs.findIndex((o) => o.kind === 'Certificate' && o.spec.secretName === 'exam-staging-tls'), 1), /Secret exam-gateway\/exam-staging-tls is made by 0 Certificates/],
      ['dnsNames', (objs) => (objs.find((o) => o.kind === 'Certificate' && o.spec.secretName === 'exam-tls').spec.dnsNames = ['exam.yourdomain.com']), /does not cover hostname api.exam.yourdomain.com/],
      ['hostname', (objs) => (objs.find((o) => o.kind === 'HTTPRoute' && o.metadata.name === 'frontend' && o.metadata.namespace === 'exam-system-staging').spec.hostnames = ['elsewhere.example.com']), /do not match listener/],
    ];
    // staging runs frontend blue/green like production: the route sends traffic to the active Service.
    expect(route.spec.rules[0].backendRefs[0].name).toBe('frontend-service');
    for (const [what, mutate, expected] of cases) {
      const objs = clone(all) as Obj[];
      mutate(objs);
      expect([what, gatewayRoutingProblems(objs).map((p) => `${p.object}: ${p.message}`).join('\n')]).toEqual([what, expect.stringMatching(expected)]);
    }
  });
});

describe('HTTPRoutes of the deployed environments', () => {
  describe.each(deployed.map((e) => [e.name, e] as const))('%s', (_name, env) => {
    const route = (name: string) => find('HTTPRoute', env.namespace, name) as Obj;
    const serviceSelects = (service: string, app: string) => (find('Service', env.namespace, service) as Obj | undefined)?.spec.selector.app === app;

    test('frontend and exam-service each have an HTTPRoute on their listener of the shared Gateway, for their host', () => {
      expect(all.filter((o) => o.kind === 'HTTPRoute' && o.metadata.namespace === env.namespace).map((o) => o.metadata.name).sort()).toEqual(['exam-service', 'frontend']);
      for (const [name, exposure, host] of [['frontend', 'web', env.ingress.webHost], ['exam-service', 'api', env.ingress.apiHost]] as const) {
        const r = route(name);
        expect(r.spec.parentRefs).toEqual([{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: GATEWAY_NAME, namespace: GATEWAY_NAMESPACE, sectionName: listenerName(env.name, exposure) }]);
        expect(r.spec.hostnames).toEqual([host]);
        for (const rule of r.spec.rules as HttpRouteRule[]) {
          for (const b of rule.backendRefs ?? []) expect([b.name, serviceSelects(b.name, name)]).toEqual([b.name, true]);
        }
      }
    });

    test("backends are the workload's own Services: stable and canary for a canary, active (and preview by header) for blue/green, the Service otherwise", () => {
      for (const name of ['frontend', 'exam-service']) {
        const workload = all.find((o) => (o.kind === 'Deployment' || o.kind === 'Rollout') && o.metadata.namespace === env.namespace && (o.spec as Obj).selector.matchLabels.app === name) as Obj;
        const rules = route(name).spec.rules as HttpRouteRule[];
        const refs = (rule: HttpRouteRule) => (rule.backendRefs ?? []).map((b) => `${b.name}:${b.port}${b.weight === undefined ? '' : `@${b.weight}`}`);
        if (workload.kind === 'Deployment') {
          expect(rules.map(refs)).toEqual([[`${name}:80`]]);
        } else if (workload.spec.strategy.canary) {
          const c = workload.spec.strategy.canary;
          expect(rules.map(refs)).toEqual([[`${c.stableService}:80@100`, `${c.canaryService}:80@0`]]);
        } else {
          const bg = workload.spec.strategy.blueGreen;
          expect(rules.map(refs)).toEqual([[`${bg.activeService}:80`], [`${bg.previewService}:80`]]);
          expect(rules[1].matches).toEqual([{ path: { type: 'PathPrefix', value: '/' }, headers: [{ type: 'Exact', name: 'X-Preview', value: 'always' }] }]);
        }
      }
    });

    test('no ingress-nginx routing: no Ingress, no nginx annotation, no nginx traffic routing, no NetworkPolicy peer in ingress-nginx', () => {
      const folder = result.objects.filter((o) => o.path.startsWith(`${env.name}/`)).map((o) => o.object);
      expect(folder.length).toBeGreaterThan(0);
      expect(folder.filter((o) => o.kind === 'Ingress').map(id)).toEqual([]);
      expect(folder.filter((o) => Object.keys(o.metadata.annotations ?? {}).some((k) => k.includes('nginx'))).map(id)).toEqual([]);
      expect(folder.filter((o) => o.kind === 'Rollout' && JSON.stringify((o.spec as Obj).strategy).includes('nginx')).map(id)).toEqual([]);
      expect(folder.filter((o) => o.kind === 'NetworkPolicy' && JSON.stringify(o.spec).includes('ingress-nginx')).map(id)).toEqual([]);
    });
  });
});

describe('the production canary through the Argo Rollouts Gateway API plugin', () => {
  test("weights follow the release's steps, each followed by its pause, on the route's stable/canary rule", () => {
    const weights = (canary.steps as Obj[]).filter((s) => s.setWeight !== undefined).map((s) => s.setWeight);
    const pauses = (canary.steps as Obj[]).filter((s) => s.pause !== undefined).map((s) => s.pause.duration);
    expect(weights).toEqual(CANARY_STEPS.map((s) => s.setWeight));
    expect(weights).toEqual([10, 25, 50, 75]);
    expect(pauses).toEqual(['2m', '5m', '10m', '10m']);
    expect(canary.trafficRouting.plugins).toEqual({ 'argoproj-labs/gatewayAPI': { httpRoutes: [{ name: 'exam-service', useHeaderRoutes: true }] } });
    expect(canary.trafficRouting.nginx).toBeUndefined();
  });

  test('a setHeaderRoute step, listed in managedRoutes, right after the first weight, sends X-Canary: always to the canary', () => {
    const steps = canary.steps as Obj[];
    const i = steps.findIndex((s) => s.setHeaderRoute !== undefined);
    expect(steps.filter((s) => s.setHeaderRoute !== undefined).length).toBe(1);
    expect(steps[i - 1]).toEqual({ setWeight: 10 });
    expect(steps[i].setHeaderRoute).toEqual({ name: 'canary-by-header', match: [{ headerName: 'X-Canary', headerValue: { exact: 'always' } }] });
    expect(canary.trafficRouting.managedRoutes).toEqual([{ name: 'canary-by-header' }]);
    // Our own rules never carry a managed name (the plugin would delete them: pkg/plugin/plugin.go isManagedRuleName).
    expect((canaryRoute.spec as HttpRouteSpec).rules!.filter((r) => isManagedRuleName(r.name ?? '', ['canary-by-header']))).toEqual([]);
  });
});

describe('sync order on a fresh cluster (Argo CD v3.5.1)', () => {
  test('the Gateway and its Certificates share a wave: neither can turn healthy before the other exists', () => {
    // resource_customizations/cert-manager.io/Certificate/health.lua: Progressing until issued,
    // and it is issued through the Gateway's HTTP listener; resource_customizations/
    // gateway.networking.k8s.io/Gateway/health.lua: Degraded while a listener's Secret is
    // missing, which fails the wave (gitops-engine/pkg/sync/sync_context.go).
    const wave = (o: KubeObject) => o.metadata.annotations?.['argocd.argoproj.io/sync-wave'];
    const certificates = all.filter((o) => o.kind === 'Certificate');
    expect(certificates.length).toBeGreaterThan(0);
    for (const c of certificates) expect([c.metadata.name, wave(c)]).toEqual([c.metadata.name, wave(gateway)]);
    // The challenge route cert-manager makes needs only the ClusterIssuer, in an earlier wave.
    const issuer = all.find((o) => o.kind === 'ClusterIssuer')!;
    expect(Number(wave(issuer))).toBeLessThan(Number(wave(gateway)));
  });
});
