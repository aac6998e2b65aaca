/**
 * Gateway API wiring over synthesized objects: whether every HTTPRoute reaches a listener that
 * admits it and Services that exist, whether every HTTPS listener's certificate is made by a
 * cert-manager Certificate, and whether every Rollout that routes through the Argo Rollouts
 * Gateway API plugin names a route the plugin can work with. Pure: no cluster, no clock.
 *
 * The semantics relied on, by upstream file:
 * - Gateway API v1.6.1 (config/crd/standard/gateway.networking.k8s.io_gateways.yaml,
 *   _httproutes.yaml): a parentRef without namespace means the route's namespace; a listener
 *   admits routes by `allowedRoutes.namespaces.from` (Same, All, Selector) and `kinds`; a route
 *   and a listener with hostnames must share one; backendRefs without namespace are in the
 *   route's namespace (another namespace needs a ReferenceGrant, which this repository never
 *   writes, so it is reported).
 * - cert-manager v1.21.1 (deploy/crds/cert-manager.io_certificates.yaml): a Certificate writes
 *   the Secret `spec.secretName` in its own namespace, for its `dnsNames`.
 * - rollouts-plugin-trafficrouter-gatewayapi v0.15.0 (pkg/plugin/httproute.go): the route must
 *   exist in `namespace` (default: the Rollout's); setHTTPRouteWeight needs a rule, other than a
 *   managed one, that lists both the stable and the canary Service, else "backendRef was not
 *   found in httpRoute"; a rule whose name is a managed route name (or `<name>-<n>`) is treated
 *   as the plugin's own and removed (pkg/plugin/plugin.go isManagedRuleName); header routes
 *   go only to routes with `useHeaderRoutes: true`.
 * - argo-rollouts v1.9.1: every setHeaderRoute name must be in `managedRoutes`
 *   (pkg/apis/rollouts/validation/validation.go); managed routes are removed while the canary
 *   has no available pod (rollout/trafficrouting.go), so a header route set before the first
 *   setWeight would be removed again at once.
 */
import { objectId as id } from '../rules/objects';
import { ROLLOUTS_GATEWAY_API_PLUGIN } from '../config/release';
import type { KubeObject } from '../output/render';
import { LabelSelector, Labels, NAMESPACE_NAME_LABEL, selectorMatches } from './network-coverage';

export interface RoutingProblem {
  /** `Kind namespace/name`. */
  readonly object: string;
  readonly message: string;
}

interface ParentRef {
  readonly group?: string;
  readonly kind?: string;
  readonly name: string;
  readonly namespace?: string;
  readonly sectionName?: string;
}
interface BackendRef {
  readonly group?: string;
  readonly kind?: string;
  readonly name: string;
  readonly namespace?: string;
  readonly port?: number;
  readonly weight?: number;
}
interface HeaderMatch {
  readonly type?: string;
  readonly name: string;
  readonly value: string;
}
export interface HttpRouteRule {
  readonly name?: string;
  readonly matches?: readonly { readonly path?: { readonly type?: string; readonly value?: string }; readonly headers?: readonly HeaderMatch[] }[];
  readonly backendRefs?: readonly BackendRef[];
  readonly filters?: readonly unknown[];
}
export interface HttpRouteSpec {
  readonly parentRefs?: readonly ParentRef[];
  readonly hostnames?: readonly string[];
  readonly rules?: readonly HttpRouteRule[];
}
interface Listener {
  readonly name: string;
  readonly hostname?: string;
  readonly port: number;
  readonly protocol: string;
  readonly tls?: { readonly mode?: string; readonly certificateRefs?: readonly { readonly group?: string; readonly kind?: string; readonly name: string; readonly namespace?: string }[] };
  readonly allowedRoutes?: {
    readonly namespaces?: { readonly from?: string; readonly selector?: LabelSelector };
    readonly kinds?: readonly { readonly group?: string; readonly kind: string }[];
  };
}
interface GatewaySpec {
  readonly gatewayClassName: string;
  readonly listeners: readonly Listener[];
}
interface CertificateSpec {
  readonly secretName: string;
  readonly dnsNames?: readonly string[];
  readonly issuerRef: { readonly name: string; readonly kind?: string; readonly group?: string };
}
interface ServiceSpec {
  readonly ports?: readonly { readonly port: number }[];
}
export interface GatewayApiPluginConfig {
  readonly httpRoutes?: readonly { readonly name: string; readonly useHeaderRoutes?: boolean }[];
  readonly httpRoute?: string;
  readonly namespace?: string;
}
export interface CanaryStrategy {
  readonly stableService?: string;
  readonly canaryService?: string;
  readonly steps?: readonly Record<string, unknown>[];
  readonly trafficRouting?: { readonly managedRoutes?: readonly { readonly name: string }[]; readonly plugins?: Record<string, GatewayApiPluginConfig> };
}

const GATEWAY_GROUP = 'gateway.networking.k8s.io';

const specOf = <T>(o: KubeObject) => o.spec as T;

/** Whether a route hostname and a listener hostname intersect (either may be a `*.` wildcard). */
export function hostnamesIntersect(a: string, b: string): boolean {
  const matches = (wild: string, host: string) => wild.startsWith('*.') && host.endsWith(wild.slice(1)) && host.length > wild.length - 1;
  return a === b || matches(a, b) || matches(b, a);
}

/** Whether a certificate's DNS name covers a host: the same name, or a `*.` wildcard one label above it. */
export function certificateCovers(dnsName: string, host: string): boolean {
  if (dnsName === host) return true;
  if (!dnsName.startsWith('*.')) return false;
  const dot = host.indexOf('.');
  return dot > 0 && host.slice(dot) === dnsName.slice(1);
}

/** Whether a plugin-managed rule name belongs to one of the managed routes (`<name>` or `<name>-<n>`). */
export function isManagedRuleName(ruleName: string, managed: readonly string[]): boolean {
  return managed.some((m) => ruleName === m || (ruleName.startsWith(`${m}-`) && /^[+-]?\d+$/.test(ruleName.slice(m.length + 1))));
}

/** The Gateway API plugin's routes of a canary strategy, in the namespace the plugin reads them from. */
export function pluginRoutes(strategy: CanaryStrategy, rolloutNamespace: string): { name: string; namespace: string; useHeaderRoutes: boolean }[] {
  const config = strategy.trafficRouting?.plugins?.[ROLLOUTS_GATEWAY_API_PLUGIN];
  if (config === undefined) return [];
  const namespace = config.namespace ?? rolloutNamespace;
  const routes = (config.httpRoutes ?? []).map((r) => ({ name: r.name, namespace, useHeaderRoutes: r.useHeaderRoutes === true }));
  // The single-route form implies useHeaderRoutes (pkg/plugin/plugin.go insertGatewayAPIRouteLists).
  if (config.httpRoute !== undefined) routes.push({ name: config.httpRoute, namespace, useHeaderRoutes: true });
  return routes;
}

function namespaceLabels(objects: readonly KubeObject[], namespace: string): Labels {
  const ns = objects.find((o) => o.kind === 'Namespace' && o.metadata.name === namespace);
  return { ...(ns?.metadata.labels ?? {}), [NAMESPACE_NAME_LABEL]: namespace };
}

/** Whether the listener admits an HTTPRoute from `routeNamespace` (Gateway API allowedRoutes). */
export function listenerAdmits(objects: readonly KubeObject[], gateway: KubeObject, listener: Listener, routeNamespace: string): boolean {
  const kinds = listener.allowedRoutes?.kinds;
  if (kinds !== undefined && kinds.length > 0 && !kinds.some((k) => k.kind === 'HTTPRoute' && (k.group ?? GATEWAY_GROUP) === GATEWAY_GROUP)) return false;
  if (kinds === undefined && listener.protocol !== 'HTTP' && listener.protocol !== 'HTTPS') return false;
  const from = listener.allowedRoutes?.namespaces?.from ?? 'Same';
  if (from === 'All') return true;
  if (from === 'Same') return routeNamespace === gateway.metadata.namespace;
  if (from === 'Selector') return selectorMatches(listener.allowedRoutes?.namespaces?.selector ?? {}, namespaceLabels(objects, routeNamespace));
  return false;
}

function routeProblems(objects: readonly KubeObject[], route: KubeObject): string[] {
  const out: string[] = [];
  const ns = route.metadata.namespace ?? '';
  const spec = specOf<HttpRouteSpec>(route);
  if ((spec.parentRefs ?? []).length === 0) out.push('has no parentRefs: it serves nothing');
  for (const p of spec.parentRefs ?? []) {
    if ((p.kind ?? 'Gateway') !== 'Gateway' || (p.group ?? GATEWAY_GROUP) !== GATEWAY_GROUP) {
      out.push(`parentRef ${p.kind}/${p.name}: expected a Gateway`);
      continue;
    }
    const gwNs = p.namespace ?? ns;
    const gateway = objects.find((o) => o.kind === 'Gateway' && o.metadata.name === p.name && o.metadata.namespace === gwNs);
    if (gateway === undefined) {
      out.push(`parentRef Gateway ${gwNs}/${p.name} does not exist in the output`);
      continue;
    }
    const listeners = specOf<GatewaySpec>(gateway).listeners.filter((l) => p.sectionName === undefined || l.name === p.sectionName);
    if (listeners.length === 0) {
      out.push(`parentRef Gateway ${gwNs}/${p.name} has no listener named "${p.sectionName}"`);
      continue;
    }
    for (const l of listeners) {
      if (!listenerAdmits(objects, gateway, l, ns)) out.push(`listener ${gwNs}/${p.name}/${l.name} does not admit HTTPRoutes from namespace ${ns}`);
      const hosts = spec.hostnames ?? [];
      if (l.hostname !== undefined && hosts.length > 0 && !hosts.some((h) => hostnamesIntersect(h, l.hostname!))) {
        out.push(`hostnames ${hosts.join(', ')} do not match listener ${gwNs}/${p.name}/${l.name} (${l.hostname})`);
      }
    }
  }
  (spec.rules ?? []).forEach((rule, i) => {
    for (const b of rule.backendRefs ?? []) {
      const where = `rule ${rule.name ?? i} backendRef ${b.name}`;
      if ((b.kind ?? 'Service') !== 'Service' || (b.group ?? '') !== '') {
        out.push(`${where}: expected a core Service, got ${b.group ?? ''}/${b.kind}`);
        continue;
      }
      if (b.namespace !== undefined && b.namespace !== ns) {
        out.push(`${where}: in namespace ${b.namespace}, which needs a ReferenceGrant; expected a Service of ${ns}`);
        continue;
      }
      const svc = objects.find((o) => o.kind === 'Service' && o.metadata.namespace === ns && o.metadata.name === b.name);
      if (svc === undefined) out.push(`${where}: no Service ${ns}/${b.name} in the output`);
      else if (b.port === undefined) out.push(`${where}: no port; expected one of the Service's ports`);
      else if (!(specOf<ServiceSpec>(svc).ports ?? []).some((p) => p.port === b.port)) out.push(`${where}: Service ${ns}/${b.name} has no port ${b.port}`);
    }
  });
  return out;
}

function gatewayProblems(objects: readonly KubeObject[], gateway: KubeObject): string[] {
  const out: string[] = [];
  const ns = gateway.metadata.namespace ?? '';
  const spec = specOf<GatewaySpec>(gateway);
  if (!objects.some((o) => o.kind === 'GatewayClass' && o.metadata.name === spec.gatewayClassName)) {
    out.push(`gatewayClassName ${spec.gatewayClassName}: no GatewayClass of that name in the output`);
  }
  for (const l of spec.listeners) {
    if (l.protocol !== 'HTTPS') continue;
    const refs = l.tls?.certificateRefs ?? [];
    if (refs.length === 0) out.push(`HTTPS listener ${l.name} has no certificateRefs`);
    for (const ref of refs) {
      const secretNs = ref.namespace ?? ns;
      if ((ref.kind ?? 'Secret') !== 'Secret' || (ref.group ?? '') !== '') {
        out.push(`listener ${l.name}: certificateRef ${ref.kind}/${ref.name}; expected a Secret`);
        continue;
      }
      const certs = objects.filter((o) => o.kind === 'Certificate' && o.metadata.namespace === secretNs && specOf<CertificateSpec>(o).secretName === ref.name);
      if (certs.length !== 1) {
        out.push(`listener ${l.name}: Secret ${secretNs}/${ref.name} is made by ${certs.length} Certificates; expected exactly one in ${secretNs}`);
        continue;
      }
      const cert = specOf<CertificateSpec>(certs[0]);
      if (l.hostname === undefined || !(cert.dnsNames ?? []).some((d) => certificateCovers(d, l.hostname!))) {
        out.push(`listener ${l.name}: Certificate ${secretNs}/${certs[0].metadata.name} does not cover hostname ${l.hostname ?? '(none)'}`);
      }
      const issuerKind = cert.issuerRef.kind ?? 'Issuer';
      const issuerFound = objects.some(
        (o) => o.kind === issuerKind && o.metadata.name === cert.issuerRef.name && (issuerKind === 'ClusterIssuer' || o.metadata.namespace === secretNs),
      );
      if (!issuerFound) out.push(`listener ${l.name}: Certificate ${secretNs}/${certs[0].metadata.name} names ${issuerKind} ${cert.issuerRef.name}, which is not in the output`);
    }
  }
  return out;
}

function rolloutProblems(objects: readonly KubeObject[], rollout: KubeObject): string[] {
  const strategy = (rollout.spec as { strategy?: { canary?: CanaryStrategy } }).strategy?.canary;
  if (strategy === undefined) return [];
  const routes = pluginRoutes(strategy, rollout.metadata.namespace ?? '');
  if (routes.length === 0) return [];
  const out: string[] = [];
  const managed = (strategy.trafficRouting?.managedRoutes ?? []).map((m) => m.name);
  const { stableService, canaryService } = strategy;
  if (stableService === undefined || canaryService === undefined) out.push('the Gateway API plugin needs stableService and canaryService');
  for (const r of routes) {
    const route = objects.find((o) => o.kind === 'HTTPRoute' && o.metadata.namespace === r.namespace && o.metadata.name === r.name);
    if (route === undefined) {
      out.push(`plugin route HTTPRoute ${r.namespace}/${r.name} does not exist in the output`);
      continue;
    }
    const rules = specOf<HttpRouteSpec>(route).rules ?? [];
    for (const rule of rules) {
      if (rule.name !== undefined && isManagedRuleName(rule.name, managed)) {
        out.push(`HTTPRoute ${r.namespace}/${r.name} rule "${rule.name}" has a managed route's name: the plugin would remove it`);
      }
    }
    const weighted = rules.filter((rule) => {
      const names = (rule.backendRefs ?? []).map((b) => b.name);
      return names.includes(stableService ?? '') && names.includes(canaryService ?? '');
    });
    if (weighted.length === 0) out.push(`HTTPRoute ${r.namespace}/${r.name} has no rule listing both ${stableService} and ${canaryService}: the plugin cannot set weights`);
  }
  const steps = strategy.steps ?? [];
  const firstWeight = steps.findIndex((s) => s.setWeight !== undefined);
  steps.forEach((s, i) => {
    const header = s.setHeaderRoute as { name?: string; match?: unknown[] } | undefined;
    if (header === undefined) return;
    if (!managed.includes(header.name ?? '')) out.push(`step ${i}: setHeaderRoute "${header.name}" is not in trafficRouting.managedRoutes`);
    if (!routes.some((r) => r.useHeaderRoutes)) out.push(`step ${i}: setHeaderRoute "${header.name}" reaches no route: none has useHeaderRoutes: true`);
    if (header.match !== undefined && (firstWeight === -1 || i < firstWeight)) {
      out.push(`step ${i}: setHeaderRoute "${header.name}" comes before the first setWeight, while the canary has no pod: Argo Rollouts removes managed routes then`);
    }
  });
  return out;
}

/** Every wiring problem of the Gateways, HTTPRoutes and plugin-routed Rollouts in `objects`. */
export function gatewayRoutingProblems(objects: readonly KubeObject[]): RoutingProblem[] {
  const out: RoutingProblem[] = [];
  for (const o of objects) {
    const problems =
      o.kind === 'HTTPRoute' ? routeProblems(objects, o) : o.kind === 'Gateway' ? gatewayProblems(objects, o) : o.kind === 'Rollout' ? rolloutProblems(objects, o) : [];
    for (const message of problems) out.push({ object: id(o), message });
  }
  return out;
}

/** The HTTPS listeners of the Gateways in `objects`, with the Gateway they belong to. */
export function httpsListeners(objects: readonly KubeObject[]): { gateway: KubeObject; listener: Listener }[] {
  return objects
    .filter((o) => o.kind === 'Gateway')
    .flatMap((gateway) => specOf<GatewaySpec>(gateway).listeners.filter((l) => l.protocol === 'HTTPS').map((listener) => ({ gateway, listener })));
}
