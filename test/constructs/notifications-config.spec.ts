import { Testing } from 'cdk8s';
import { SchemaRegistry } from '../../lib/analysis/schema-validation';
import { AwsSecretStore, AwsSecretStoreProps } from '../../lib/constructs/aws-secret-store';
import { NotificationsConfig, NotificationsConfigProps } from '../../lib/constructs/notifications-config';

const registry = new SchemaRegistry();

const PROPS: NotificationsConfigProps = {
  namespace: 'argocd',
  configMapName: 'argocd-notifications-cm',
  data: { 'service.slack': 'token: $slack-token\n', 'template.x': 'message: hi\n', 'trigger.on-x': '- send: [x]\n' },
  secretName: 'argocd-notifications-secret',
  storeName: 'aws-secrets-manager-platform',
  remoteKey: 'exam-platform/notifications',
  keys: [{ key: 'slack-token', property: 'slack_token' }],
};

function synthConfig(props: Partial<NotificationsConfigProps> = {}) {
  const chart = Testing.chart();
  new NotificationsConfig(chart, 'n', { ...PROPS, ...props });
  return Testing.synth(chart);
}

function synthStore(props: Partial<AwsSecretStoreProps> = {}) {
  const chart = Testing.chart();
  new AwsSecretStore(chart, 's', { name: 'store', namespaces: ['argocd'], region: 'us-east-1', roleArn: 'arn:aws:iam::123456789012:role/r', ...props });
  return Testing.synth(chart);
}

describe('NotificationsConfig', () => {
  test('a ConfigMap the controller reads and the ExternalSecret of its Secret, both schema-valid; no token in the ConfigMap', () => {
    const objects = synthConfig();
    expect(objects.map((o) => `${o.kind}/${o.metadata.namespace}/${o.metadata.name}`)).toEqual(['ConfigMap/argocd/argocd-notifications-cm', 'ExternalSecret/argocd/argocd-notifications-secret']);
    for (const o of objects) expect(registry.validate(o)).toEqual([]);
    const es = objects[1];
    expect(es.spec.secretStoreRef).toEqual({ kind: 'ClusterSecretStore', name: 'aws-secrets-manager-platform' });
    expect(es.spec.target).toMatchObject({ name: 'argocd-notifications-secret', creationPolicy: 'Owner' });
    expect(es.spec.data).toEqual([{ secretKey: 'slack-token', remoteRef: { key: 'exam-platform/notifications', property: 'slack_token' } }]);
  });

  test.each<[string, Partial<NotificationsConfigProps>, RegExp]>([
    ['a $key the Secret lacks', { data: { 'service.slack': 'token: $slack-tokn\n' } }, /service\.slack references \$slack-tokn, which is not a key of Secret argocd-notifications-secret; expected one of slack-token/],
    ['an unknown data key', { data: { 'slack': 'x' } }, /data key "slack" is not a notifications setting/],
    ['no keys', { keys: [] }, /no secret keys/],
    ['a duplicate key', { keys: [PROPS.keys[0], PROPS.keys[0]] }, /secret key "slack-token" is invalid or listed twice/],
  ])('refuses %s', (_what, props, message) => {
    expect(() => synthConfig(props)).toThrow(message);
  });
});

describe('AwsSecretStore', () => {
  test('serves the given namespaces only, assuming its own role over the operator web identity', () => {
    const [store] = synthStore({ namespaces: ['argocd', 'argo-rollouts'] });
    expect(registry.validate(store)).toEqual([]);
    expect(store.spec.conditions).toEqual([{ namespaces: ['argocd', 'argo-rollouts'] }]);
    expect(store.spec.provider.aws).toEqual({
      service: 'SecretsManager',
      region: 'us-east-1',
      role: 'arn:aws:iam::123456789012:role/r',
      auth: { jwt: { serviceAccountRef: { name: 'external-secrets', namespace: 'external-secrets' } } },
    });
  });

  test.each<[string, Partial<AwsSecretStoreProps>, RegExp]>([
    ['no namespace', { namespaces: [] }, /namespaces \[\] is empty or holds a bad name/],
    ['a bad region', { region: 'east' }, /region "east" is not an AWS region/],
    ['a bad role', { roleArn: 'role/r' }, /roleArn "role\/r" is not an IAM role ARN/],
    ['a bad name', { name: 'Store' }, /name is not a Kubernetes name/],
  ])('refuses %s', (_what, props, message) => {
    expect(() => synthStore(props)).toThrow(message);
  });
});
