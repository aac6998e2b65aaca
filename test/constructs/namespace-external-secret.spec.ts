import { Testing } from 'cdk8s';
import { SchemaRegistry } from '../../lib/analysis/schema-validation';
import { NamespaceExternalSecret, NamespaceExternalSecretProps } from '../../lib/constructs/namespace-external-secret';

const registry = new SchemaRegistry();

const PROPS: NamespaceExternalSecretProps = {
  namespace: 'security-system',
  secretName: 'falcosidekick-slack',
  storeName: 'aws-secrets-manager-platform',
  keys: [{ secretKey: 'SLACK_WEBHOOKURL', remoteKey: 'exam-platform/falcosidekick-slack', property: 'webhook_url' }],
  component: 'runtime-security',
};

function synth(props: Partial<NamespaceExternalSecretProps> = {}) {
  const chart = Testing.chart();
  new NamespaceExternalSecret(chart, 's', { ...PROPS, ...props });
  return Testing.synth(chart);
}

describe('NamespaceExternalSecret', () => {
  test('one ExternalSecret, valid against the External Secrets CRD, that owns its Secret and reads through the given store', () => {
    const objects = synth();
    expect(objects.map((o) => o.kind)).toEqual(['ExternalSecret']);
    const [es] = objects;
    expect(registry.validate(es)).toEqual([]);
    expect(es.metadata).toMatchObject({ name: 'falcosidekick-slack', namespace: 'security-system' });
    expect(es.spec).toEqual({
      refreshInterval: '1h',
      secretStoreRef: { kind: 'ClusterSecretStore', name: 'aws-secrets-manager-platform' },
      target: { name: 'falcosidekick-slack', creationPolicy: 'Owner', deletionPolicy: 'Retain' },
      data: [{ secretKey: 'SLACK_WEBHOOKURL', remoteRef: { key: 'exam-platform/falcosidekick-slack', property: 'webhook_url' } }],
    });
  });

  test('Secret keys follow the Kubernetes key rule (lower-case tokens too), not the env var rule', () => {
    expect(() => synth({ keys: [{ secretKey: 'slack-token', remoteKey: 'exam-platform/notifications', property: 'slack_token' }] })).not.toThrow();
  });

  test.each([
    [{ keys: [] }, /no keys; expected at least one/],
    [{ keys: [{ secretKey: 'a/b', remoteKey: 'exam-platform/x', property: 'p' }] }, /secret key "a\/b": expected a ConfigMap key/],
    [{ keys: [{ secretKey: 'K', remoteKey: 'no-path', property: 'p' }] }, /remote key "no-path"; expected a path such as exam-platform\/<name>/],
    [{ storeName: 'Bad_Store' }, /store name "Bad_Store"; expected a Kubernetes name/],
  ] as [Partial<NamespaceExternalSecretProps>, RegExp][])('refuses %j early', (props, why) => {
    expect(() => synth(props)).toThrow(why);
  });
});
