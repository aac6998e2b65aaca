import { Testing } from 'cdk8s';
import { SchemaRegistry } from '../../lib/analysis/schema-validation';
import { ExamGateway, ExamGatewayProps } from '../../lib/constructs/exam-gateway';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Obj = any;
const base: ExamGatewayProps = {
  name: 'gw',
  namespace: 'gw-ns',
  gatewayClassName: 'eg',
  gatewayClassController: 'gateway.envoyproxy.io/gatewayclass-controller',
  clusterIssuer: 'letsencrypt',
  httpsListeners: [
    { name: 'staging-web', hostname: 'staging.example.com', tlsSecretName: 'staging-tls', routeNamespace: 'app-staging' },
    { name: 'staging-api', hostname: 'staging-api.example.com', tlsSecretName: 'staging-tls', routeNamespace: 'app-staging' },
    { name: 'prod-web', hostname: 'example.com', tlsSecretName: 'prod-tls', routeNamespace: 'app' },
  ],
};
function synth(props: Partial<ExamGatewayProps> = {}): Obj[] {
  const chart = Testing.chart();
  new ExamGateway(chart, 'gw', { ...base, ...props });
  return Testing.synth(chart);
}

describe('ExamGateway', () => {
  const objs = synth();
  const gateway = objs.find((o) => o.kind === 'Gateway');

  test('emits the GatewayClass, the Gateway, the HTTPS redirect and one Certificate per Secret, with stable names', () => {
    expect(objs.map((o) => `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`)).toEqual([
      'GatewayClass//eg',
      'Gateway/gw-ns/gw',
      'HTTPRoute/gw-ns/https-redirect',
      'Certificate/gw-ns/prod-tls',
      'Certificate/gw-ns/staging-tls',
    ]);
    expect(objs[0].spec.controllerName).toBe('gateway.envoyproxy.io/gatewayclass-controller');
    expect(synth({ gatewayClassController: undefined }).map((o) => o.kind)).not.toContain('GatewayClass');
  });

  test('an HTTP listener for the redirect, then one HTTPS listener per host admitting HTTPRoutes from its namespace only', () => {
    expect(gateway.spec.gatewayClassName).toBe('eg');
    expect(gateway.spec.listeners[0]).toEqual({
      name: 'http',
      port: 80,
      protocol: 'HTTP',
      allowedRoutes: { namespaces: { from: 'Same' }, kinds: [{ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute' }] },
    });
    expect(gateway.spec.listeners[1]).toEqual({
      name: 'staging-web',
      hostname: 'staging.example.com',
      port: 443,
      protocol: 'HTTPS',
      tls: { mode: 'Terminate', certificateRefs: [{ group: '', kind: 'Secret', name: 'staging-tls' }] },
      allowedRoutes: {
        namespaces: { from: 'Selector', selector: { matchLabels: { 'kubernetes.io/metadata.name': 'app-staging' } } },
        kinds: [{ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute' }],
      },
    });
  });

  test('the redirect route answers every plain-HTTP request with a 301 to https', () => {
    const redirect = objs.find((o) => o.kind === 'HTTPRoute');
    expect(redirect.spec.parentRefs).toEqual([{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'gw', sectionName: 'http' }]);
    expect(redirect.spec.hostnames).toBeUndefined();
    expect(redirect.spec.rules[0].filters).toEqual([{ type: 'RequestRedirect', requestRedirect: { scheme: 'https', statusCode: 301 } }]);
  });

  test('a Certificate covers every host whose listener names its Secret, from the ClusterIssuer', () => {
    const cert = objs.find((o) => o.kind === 'Certificate' && o.metadata.name === 'staging-tls');
    expect(cert.spec).toEqual({
      secretName: 'staging-tls',
      dnsNames: ['staging-api.example.com', 'staging.example.com'],
      issuerRef: { group: 'cert-manager.io', kind: 'ClusterIssuer', name: 'letsencrypt' },
      privateKey: { algorithm: 'ECDSA', size: 256, rotationPolicy: 'Always' },
    });
  });

  test('every object validates against the Gateway API v1.6.1 and cert-manager v1.21.1 schemas', () => {
    const registry = new SchemaRegistry();
    expect(objs.flatMap((o) => registry.validate(o))).toEqual([]);
  });

  const listener = base.httpsListeners[0];
  test.each<[string, Partial<ExamGatewayProps>, RegExp]>([
    ['no listener', { httpsListeners: [] }, /no HTTPS listener; expected at least one host/],
    ['a duplicate listener', { httpsListeners: [listener, { ...listener, hostname: 'b.example.com' }] }, /listener name "staging-web" is used twice/],
    ['a listener named like the HTTP one', { httpsListeners: [{ ...listener, name: 'http' }] }, /listener name "http" is used twice/],
    ['a host served twice', { httpsListeners: [listener, { ...listener, name: 'other' }] }, /hostname "staging.example.com" is served twice/],
    ['a wildcard host', { httpsListeners: [{ ...listener, hostname: '*.example.com' }] }, /hostname "\*.example.com"; expected a DNS host name without wildcard/],
    ['a bad Secret name', { httpsListeners: [{ ...listener, tlsSecretName: 'Bad_Name' }] }, /tlsSecretName "Bad_Name"; expected a Kubernetes name/],
    ['too many listeners', { httpsListeners: Array.from({ length: 64 }, (_, i) => ({ ...listener, name: `l${i}`, hostname: `h${i}.example.com` })) }, /65 listeners; expected at most 64/],
  ])('rejects %s early', (_what, props, expected) => {
    expect(() => synth(props)).toThrow(expected);
  });
});
