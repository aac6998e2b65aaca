import { certificateCovers, gatewayRoutingProblems, hostnamesIntersect, isManagedRuleName, pluginRoutes } from '../../lib/analysis/gateway-routing';
import type { KubeObject } from '../../lib/output/render';
import { synthesized } from '../support/synthesized';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Obj = any;
const all = synthesized().objects.map((o) => o.object);
const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;
const problemsAfter = (mutate: (objs: Obj[]) => void): string => {
  const objs = clone(all) as Obj[];
  mutate(objs);
  return gatewayRoutingProblems(objs as KubeObject[]).map((p) => `${p.object}: ${p.message}`).join('\n');
};
const canaryOf = (objs: Obj[]) => objs.find((o) => o.kind === 'Rollout' && o.metadata.namespace === 'exam-system' && o.spec.strategy.canary).spec.strategy.canary;
const canaryRouteOf = (objs: Obj[]) => objs.find((o) => o.kind === 'HTTPRoute' && o.metadata.namespace === 'exam-system' && o.metadata.name === 'exam-service');

describe('gatewayRoutingProblems: Rollouts on the Gateway API plugin', () => {
  test('the synthesized output has none', () => {
    expect(gatewayRoutingProblems(all)).toEqual([]);
  });

  test.each<[string, (objs: Obj[]) => void, RegExp]>([
    ['a route the plugin cannot find', (objs) => (canaryOf(objs).trafficRouting.plugins['argoproj-labs/gatewayAPI'].httpRoutes[0].name = 'ghost'), /plugin route HTTPRoute exam-system\/ghost does not exist/],
    ['a route in the namespace the config names', (objs) => (canaryOf(objs).trafficRouting.plugins['argoproj-labs/gatewayAPI'].namespace = 'elsewhere'), /plugin route HTTPRoute elsewhere\/exam-service does not exist/],
    ['a route without the canary Service (httproute.go: backendRef was not found)', (objs) => canaryRouteOf(objs).spec.rules[0].backendRefs.pop(), /has no rule listing both exam-service-stable and exam-service-canary/],
    ['a hand-written rule named like the managed route', (objs) => (canaryRouteOf(objs).spec.rules[0].name = 'canary-by-header-1'), /rule "canary-by-header-1" has a managed route's name: the plugin would remove it/],
    ['a header step missing from managedRoutes', (objs) => (canaryOf(objs).trafficRouting.managedRoutes = [{ name: 'other' }]), /setHeaderRoute "canary-by-header" is not in trafficRouting.managedRoutes/],
    ['a header step with no header-routed route', (objs) => (canaryOf(objs).trafficRouting.plugins['argoproj-labs/gatewayAPI'].httpRoutes[0].useHeaderRoutes = false), /reaches no route: none has useHeaderRoutes: true/],
    [
      'a header step before the first weight',
      (objs) => {
        const steps = canaryOf(objs).steps;
        steps.unshift(steps.splice(steps.findIndex((s: Obj) => s.setHeaderRoute), 1)[0]);
      },
      /step 0: setHeaderRoute "canary-by-header" comes before the first setWeight/,
    ],
    ['a Gateway of an unknown class', (objs) => (objs.find((o) => o.kind === 'Gateway').spec.gatewayClassName = 'nginx'), /gatewayClassName nginx: no GatewayClass of that name/],
    ['a Certificate from a missing issuer', (objs) => (objs.find((o) => o.kind === 'Certificate').spec.issuerRef.name = 'ghost'), /names ClusterIssuer ghost, which is not in the output/],
    ['a backend in another namespace', (objs) => (canaryRouteOf(objs).spec.rules[0].backendRefs[0].namespace = 'exam-system-staging'), /needs a ReferenceGrant/],
    ['a route without parents', (objs) => (canaryRouteOf(objs).spec.parentRefs = []), /has no parentRefs/],
  ])('reports %s', (_what, mutate, expected) => {
    expect(problemsAfter(mutate)).toMatch(expected);
  });
});

describe('helpers', () => {
  test('hostnames: exact or one wildcard label; certificates cover their names and one level under a wildcard', () => {
    expect(hostnamesIntersect('a.example.com', 'a.example.com')).toBe(true);
    expect(hostnamesIntersect('*.example.com', 'a.example.com')).toBe(true);
    expect(hostnamesIntersect('a.example.com', 'b.example.com')).toBe(false);
    expect(certificateCovers('*.example.com', 'a.example.com')).toBe(true);
    expect(certificateCovers('*.example.com', 'a.b.example.com')).toBe(false);
    expect(certificateCovers('example.com', 'a.example.com')).toBe(false);
  });

  test('managed rule names as the plugin matches them (pkg/plugin/plugin.go isManagedRuleName: the name, or the name, "-" and an integer)', () => {
    expect(isManagedRuleName('canary-by-header', ['canary-by-header'])).toBe(true);
    expect(isManagedRuleName('canary-by-header-3', ['canary-by-header'])).toBe(true);
    expect(isManagedRuleName('canary-by-header-x', ['canary-by-header'])).toBe(false);
    expect(isManagedRuleName('live', ['canary-by-header'])).toBe(false);
  });

  test('the single httpRoute form implies header routes (pkg/plugin/plugin.go insertGatewayAPIRouteLists)', () => {
    expect(pluginRoutes({ trafficRouting: { plugins: { 'argoproj-labs/gatewayAPI': { httpRoute: 'r' } } } }, 'ns')).toEqual([{ name: 'r', namespace: 'ns', useHeaderRoutes: true }]);
    expect(pluginRoutes({ trafficRouting: { plugins: { 'argoproj-labs/gatewayAPI': { httpRoutes: [{ name: 'r' }], namespace: 'x' } } } }, 'ns')).toEqual([{ name: 'r', namespace: 'x', useHeaderRoutes: false }]);
    expect(pluginRoutes({}, 'ns')).toEqual([]);
  });
});
