import { Testing } from 'cdk8s';
import { evaluateTraffic, externalPod, ipEndpoint } from '../../lib/analysis/network-coverage';
import { SchemaRegistry } from '../../lib/analysis/schema-validation';
import { GatewayNamespacePolicies, GatewayNamespacePoliciesProps } from '../../lib/constructs/gateway-namespace-policies';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Obj = any;
const base: GatewayNamespacePoliciesProps = {
  namespace: 'gw-ns',
  gatewayDataPlane: { namespace: 'envoy-gateway-system', podLabels: { 'app.kubernetes.io/name': 'envoy', 'gateway.envoyproxy.io/owning-gateway-name': 'gw' } },
  solverPodLabels: { 'acme.cert-manager.io/http01-solver': 'true' },
  solverPort: 8089,
};
function synth(props: Partial<GatewayNamespacePoliciesProps> = {}): Obj[] {
  const chart = Testing.chart();
  new GatewayNamespacePolicies(chart, 'p', { ...base, ...props });
  return Testing.synth(chart);
}

describe('GatewayNamespacePolicies', () => {
  const policies = synth();
  const TCP = (port: number) => ({ protocol: 'TCP' as const, port });
  const solver = externalPod('gw-ns', { 'acme.cert-manager.io/http01-solver': 'true', 'acme.cert-manager.io/http-domain': '1' }, [{ name: 'http', containerPort: 8089, protocol: 'TCP' }]);
  const envoy = externalPod('envoy-gateway-system', { 'app.kubernetes.io/name': 'envoy', 'gateway.envoyproxy.io/owning-gateway-name': 'gw' });
  const otherEnvoy = externalPod('envoy-gateway-system', { 'app.kubernetes.io/name': 'envoy', 'gateway.envoyproxy.io/owning-gateway-name': 'other' });
  const stray = externalPod('gw-ns', { app: 'stray' });

  test('default deny, then the Gateway\'s proxies to the solver pods on their port only', () => {
    expect(policies.map((p) => p.metadata.name)).toEqual(['default-deny', 'allow-acme-http01-solver']);
    expect(evaluateTraffic(policies, envoy, solver, TCP(8089)).allowed).toBe(true);
    expect(evaluateTraffic(policies, envoy, solver, TCP(22)).allowed).toBe(false);
    expect(evaluateTraffic(policies, otherEnvoy, solver, TCP(8089)).allowed).toBe(false);
    expect(evaluateTraffic(policies, envoy, stray, TCP(8089)).allowed).toBe(false);
    expect(evaluateTraffic(policies, solver, ipEndpoint('52.216.10.10'), TCP(443)).allowed).toBe(false);
    const registry = new SchemaRegistry();
    expect(policies.flatMap((p) => registry.validate(p))).toEqual([]);
  });

  test.each<[string, Partial<GatewayNamespacePoliciesProps>, RegExp]>([
    ['a bad port', { solverPort: 0 }, /solverPort 0; expected a TCP port/],
    ['no solver labels', { solverPodLabels: {} }, /no solverPodLabels/],
  ])('rejects %s early', (_what, props, expected) => {
    expect(() => synth(props)).toThrow(expected);
  });
});
