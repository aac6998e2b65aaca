import { Testing } from 'cdk8s';
import { SchemaRegistry } from '../../lib/analysis/schema-validation';
import { ImageSignaturePolicy, ImageSignaturePolicyProps } from '../../lib/constructs/image-signature-policy';

const registry = new SchemaRegistry();
const BASE: ImageSignaturePolicyProps = {
  namespaces: ['b-ns', 'a-ns'],
  signedImages: [{ name: 'api', repository: 'ghcr.io/org/system/api', workflowRepository: 'org/api' }],
  issuer: 'https://token.actions.githubusercontent.com',
  subject: 'https://github.com/org/delivery/.github/workflows/build.yml@refs/heads/main',
  rekorUrl: 'https://rekor.sigstore.dev',
  exceptions: [{ image: 'docker.io/vendor/tool:1.2.3', reason: 'a third-party tool, pinned, published by its vendor' }],
};

function synth(props: Partial<ImageSignaturePolicyProps> = {}) {
  const chart = Testing.chart();
  new ImageSignaturePolicy(chart, 'policy', { ...BASE, ...props });
  return Testing.synth(chart);
}

describe('ImageSignaturePolicy', () => {
  const [policy] = synth();

  test('one ClusterPolicy, valid against the Kyverno v1.19.0 schema, failing closed', () => {
    expect(policy).toMatchObject({ apiVersion: 'kyverno.io/v1', kind: 'ClusterPolicy', metadata: { name: 'verify-exam-system-images' }, spec: { failurePolicy: 'Fail', webhookTimeoutSeconds: 15, background: false } });
    expect(registry.validate(policy)).toEqual([]);
  });

  test('per signed image: keyless, issuer, subject and the calling repository; namespaces sorted', () => {
    const [rule, allow] = policy.spec.rules;
    expect(rule.match).toEqual({ any: [{ resources: { kinds: ['Pod'], namespaces: ['a-ns', 'b-ns'] } }] });
    expect(rule.verifyImages[0].attestors[0].entries[0].keyless).toEqual({
      issuer: BASE.issuer,
      subject: BASE.subject,
      additionalExtensions: { githubWorkflowRepository: 'org/api' },
      rekor: { url: BASE.rekorUrl },
    });
    expect(allow.validate.pattern.spec.containers).toEqual([{ image: 'ghcr.io/org/system/api:*@sha256:* | docker.io/vendor/tool:1.2.3' }]);
  });

  test.each([
    [{ namespaces: [] }, /expected at least one namespace/],
    [{ signedImages: [] }, /expected at least one signed image/],
    [{ exceptions: [{ image: 'docker.io/vendor/*', reason: 'x' }] }, /expected one pinned image reference, no wildcard/],
    [{ exceptions: [{ image: 'docker.io/vendor/tool:1', reason: ' ' }] }, /expected a reason/],
  ] as [Partial<ImageSignaturePolicyProps>, RegExp][])('refuses %j early', (props, message) => {
    expect(() => synth(props)).toThrow(message);
  });
});
