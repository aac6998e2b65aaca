import { Testing } from 'cdk8s';
import { SchemaRegistry } from '../../lib/analysis/schema-validation';
import { AcmeClusterIssuer, AcmeClusterIssuerProps } from '../../lib/constructs/acme-cluster-issuer';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Obj = any;
const base: AcmeClusterIssuerProps = {
  name: 'letsencrypt',
  server: 'https://acme-v02.api.letsencrypt.org/directory',
  email: 'platform@example.com',
  accountKeySecretName: 'letsencrypt-account-key',
  http01Gateway: { name: 'gw', namespace: 'gw-ns', sectionName: 'http' },
};
function synth(props: Partial<AcmeClusterIssuerProps> = {}): Obj {
  const chart = Testing.chart();
  new AcmeClusterIssuer(chart, 'issuer', { ...base, ...props });
  return Testing.synth(chart)[0];
}

describe('AcmeClusterIssuer', () => {
  test('an ACME ClusterIssuer solving HTTP-01 with an HTTPRoute on the Gateway listener (cert-manager gatewayHTTPRoute)', () => {
    const issuer = synth();
    expect([issuer.kind, issuer.metadata.name, issuer.metadata.namespace]).toEqual(['ClusterIssuer', 'letsencrypt', undefined]);
    expect(issuer.spec).toEqual({
      acme: {
        server: 'https://acme-v02.api.letsencrypt.org/directory',
        email: 'platform@example.com',
        privateKeySecretRef: { name: 'letsencrypt-account-key' },
        solvers: [{ http01: { gatewayHTTPRoute: { parentRefs: [{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'gw', namespace: 'gw-ns', sectionName: 'http' }] } } }],
      },
    });
    expect(new SchemaRegistry().validate(issuer)).toEqual([]);
  });

  test.each<[string, Partial<AcmeClusterIssuerProps>, RegExp]>([
    ['a plain-http server', { server: 'http://acme.example.com/directory' }, /server "http:\/\/acme.example.com\/directory"; expected an https:\/\/ ACME directory URL/],
    ['a bad email', { email: 'platform' }, /email "platform"; expected a contact address/],
  ])('rejects %s early', (_what, props, expected) => {
    expect(() => synth(props)).toThrow(expected);
  });
});
