import { Testing } from 'cdk8s';
import { SchemaRegistry } from '../../lib/analysis/schema-validation';
import { EXAM_SECRET_KEYS, ExamSecrets, ExamSecretsProps } from '../../lib/constructs/exam-secrets';

const registry = new SchemaRegistry();
const STAGING_ROLE = 'arn:aws:iam::123456789012:role/exam-secrets-staging';

function synth(props: Partial<ExamSecretsProps> = {}) {
  const chart = Testing.chart();
  new ExamSecrets(chart, 'secrets', { environment: 'staging', namespace: 'exam-system-staging', region: 'us-west-2', roleArn: STAGING_ROLE, ...props });
  const objects = Testing.synth(chart);
  return { store: objects.find((o) => o.kind === 'ClusterSecretStore'), external: objects.find((o) => o.kind === 'ExternalSecret'), objects };
}

describe('ExamSecrets', () => {
  const { store, external, objects } = synth();

  test('emits a ClusterSecretStore and an ExternalSecret, both valid against the pinned CRDs', () => {
    expect(objects.map((o) => `${o.apiVersion} ${o.kind}/${o.metadata.name}`)).toEqual([
      'external-secrets.io/v1 ClusterSecretStore/aws-secrets-manager-staging',
      'external-secrets.io/v1 ExternalSecret/exam-secrets',
    ]);
    for (const o of objects) expect(registry.validate(o)).toEqual([]);
  });

  test('the store is cluster-scoped, reads AWS Secrets Manager in the given region, and serves only the environment namespace', () => {
    expect(store.metadata.namespace).toBeUndefined();
    expect(store.spec.provider.aws).toMatchObject({ service: 'SecretsManager', region: 'us-west-2' });
    expect(store.spec.conditions).toEqual([{ namespaces: ['exam-system-staging'] }]);
    expect(synth({ region: 'eu-central-1' }).store.spec.provider.aws.region).toBe('eu-central-1');
  });

  /**
   * external-secrets/external-secrets `providers/v1/aws/auth/auth.go`: with `auth.jwt`, the
   * operator requests a token for the referenced ServiceAccount and calls
   * AssumeRoleWithWebIdentity with the role in its `eks.amazonaws.com/role-arn` annotation
   * (`credsFromServiceAccount`); with `role` set, it then assumes that role
   * (`createConfiguration`: `stscreds.NewAssumeRoleProvider(stsclient, prov.Role)`), and every
   * Secrets Manager call runs as it. So each environment's store reads as its own role.
   */
  test("authenticates as the environment's own role, on top of the operator's ServiceAccount token (IRSA), never with static keys", () => {
    expect(store.spec.provider.aws.auth).toEqual({ jwt: { serviceAccountRef: { name: 'external-secrets', namespace: 'external-secrets' } } });
    expect(JSON.stringify(store)).not.toMatch(/secretRef|accessKeyID|secretAccessKey/i);
    expect(store.spec.provider.aws.role).toBe(STAGING_ROLE);
    const role = 'arn:aws:iam::123456789012:role/exam-secrets-production';
    expect(synth({ environment: 'production', namespace: 'exam-system', roleArn: role }).store.spec.provider.aws.role).toBe(role);
  });

  test('the ExternalSecret makes and owns Secret exam-secrets in the namespace, from exam-system/<env>/...', () => {
    expect(external.metadata.namespace).toBe('exam-system-staging');
    expect(external.spec.secretStoreRef).toEqual({ kind: 'ClusterSecretStore', name: 'aws-secrets-manager-staging' });
    expect(external.spec.target).toMatchObject({ name: 'exam-secrets', creationPolicy: 'Owner' });
    expect(external.spec.refreshInterval).toBe('1h');
    const keys = external.spec.data.map((d: { secretKey: string }) => d.secretKey);
    expect(keys).toEqual(expect.arrayContaining(['FLAGSMITH_DATABASE_URL', 'FLAGSMITH_SECRET_KEY', 'DATABASE_PASSWORD', 'REDIS_PASSWORD', 'JWT_SIGNING_KEY']));
    expect(keys).toHaveLength(EXAM_SECRET_KEYS.length);
    for (const d of external.spec.data) expect(d.remoteRef.key).toMatch(/^exam-system\/staging\/[a-z0-9-]+$/);
    expect(external.spec.data.find((d: { secretKey: string }) => d.secretKey === 'FLAGSMITH_SECRET_KEY').remoteRef).toEqual({ key: 'exam-system/staging/flagsmith', property: 'secret_key' });
    expect(synth({ environment: 'production', namespace: 'exam-system' }).external.spec.data[0].remoteRef.key).toBe('exam-system/production/flagsmith');
  });

  test.each([
    [{ region: 'us-west' }, /ExamSecrets staging: region "us-west" is not an AWS region; expected e\.g\. us-east-1/],
    [{ region: undefined as unknown as string }, /region "undefined" is not an AWS region/],
    [{ refreshInterval: 'hourly' }, /refreshInterval "hourly" is not a duration/],
    [{ roleArn: 'exam-role' }, /roleArn "exam-role" is not an IAM role ARN/],
    [{ roleArn: undefined as unknown as string }, /roleArn "undefined" is not an IAM role ARN/],
    [{ roleArn: 'arn:aws:iam::12345:role/x' }, /is not an IAM role ARN; expected arn:aws:iam::<account>:role\/<name>/],
    [{ keys: [] }, /no keys/],
    [{ keys: [EXAM_SECRET_KEYS[0], EXAM_SECRET_KEYS[0]] }, /secret key "FLAGSMITH_DATABASE_URL" is listed twice/],
    [{ keys: [{ secretKey: 'db-password', remoteName: 'database', property: 'password' }] }, /secret key "db-password" is not an env var name/],
    [{ keys: [{ secretKey: 'X', remoteName: 'Database/Prod', property: 'password' }] }, /X: remoteName "Database\/Prod" is invalid/],
    [{ environment: 'qa' as never }, /unknown environment/],
  ])('fails early on %p', (props, message) => {
    expect(() => synth(props)).toThrow(message);
  });
});
