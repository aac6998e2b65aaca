/**
 * The admission policy that lets an exam-system image run only when it was built and signed by
 * the release loop: a Kyverno ClusterPolicy (kyverno.io/v1) with one verifyImages rule per
 * service. Each rule requires a keyless cosign signature whose certificate was issued to GitHub
 * Actions' OIDC identity (`issuer`), for the reusable build workflow of the delivery repository
 * (`subject`, the certificate's SAN) run by that service's own repository (the certificate's
 * `githubWorkflowRepository` extension), and it pins the image's tag to the verified digest.
 * A second rule admits only listed images besides them: every third-party image is an explicit,
 * reasoned exception (lib/config/policy-exceptions.ts).
 *
 * Why ClusterPolicy, not ImageValidatingPolicy: at Kyverno v1.19.0 the ImageValidatingPolicy's
 * cosign verifier passes only `identities` (issuer and subject) to cosign and ignores
 * `keyless.additionalExtensions` (kyverno/kyverno pkg/image/verifiers/ivpol/cosign/opts.go),
 * so it cannot tell which repository called the reusable workflow; the ClusterPolicy verifier
 * matches every extension it is given (pkg/image/verifiers/cpol/cosign/cosign.go,
 * matchExtensions and extractCertExtensionValue: `githubWorkflowRepository`).
 */
import { imageRefProblem } from '../rules/image-ref';
import { Construct } from 'constructs';
import { ClusterPolicy, ClusterPolicySpecFailurePolicy, ClusterPolicySpecRules, ClusterPolicySpecRulesValidateFailureAction, ClusterPolicySpecRulesVerifyImagesFailureAction } from '../../imports/kyverno.io';
import { commonLabels } from './labels';

export interface SignedImage {
  /** The rule's name (a service name). */
  readonly name: string;
  /** The image repository, without tag or digest, e.g. ghcr.io/org/exam-system/auth-service. */
  readonly repository: string;
  /** `owner/name` of the repository whose run of the reusable workflow signed it. */
  readonly workflowRepository: string;
}

export interface UnsignedImageException {
  /** The full image reference admitted without a signature, exactly as the pods use it. */
  readonly image: string;
  readonly reason: string;
}

export interface ImageSignaturePolicyProps {
  /** @default verify-exam-system-images */
  readonly name?: string;
  /** The namespaces the policy applies to (the deployed environments). */
  readonly namespaces: readonly string[];
  readonly signedImages: readonly SignedImage[];
  /** The OIDC issuer of the signing certificates. */
  readonly issuer: string;
  /** The signing certificate's subject: the reusable workflow's URI with its ref. */
  readonly subject: string;
  /** The Rekor transparency log every signature must be in. */
  readonly rekorUrl: string;
  readonly exceptions: readonly UnsignedImageException[];
  /** How long the API server waits for Kyverno. @default 15 */
  readonly webhookTimeoutSeconds?: number;
}

const POD_CONTROLLERS = ['Pod'];

/** A Kyverno pattern alternative (`a | b`) of exact strings and `*` globs. */
function alternatives(values: readonly string[]): string {
  return values.join(' | ');
}

export class ImageSignaturePolicy extends Construct {
  public readonly name: string;

  constructor(scope: Construct, id: string, props: ImageSignaturePolicyProps) {
    super(scope, id);
    this.name = props.name ?? 'verify-exam-system-images';
    if (props.namespaces.length === 0) throw new Error(`ImageSignaturePolicy ${this.name}: expected at least one namespace`);
    if (props.signedImages.length === 0) throw new Error(`ImageSignaturePolicy ${this.name}: expected at least one signed image`);
    for (const e of props.exceptions) {
      const problem = e.image.includes('*') ? 'a wildcard' : imageRefProblem(e.image);
      if (problem !== undefined) throw new Error(`ImageSignaturePolicy ${this.name}: exception "${e.image}": expected one pinned image reference, no wildcard (${problem})`);
      if (e.reason.trim() === '') throw new Error(`ImageSignaturePolicy ${this.name}: exception "${e.image}": expected a reason`);
    }
    const match = { any: [{ resources: { kinds: POD_CONTROLLERS, namespaces: [...props.namespaces].sort() } }] };
    const signed: ClusterPolicySpecRules[] = props.signedImages.map((img) => ({
      name: `signed-${img.name}`,
      match,
      verifyImages: [
        {
          imageReferences: [`${img.repository}:*`, `${img.repository}@*`],
          failureAction: ClusterPolicySpecRulesVerifyImagesFailureAction.ENFORCE,
          required: true,
          // A tag is pinned to the digest that was verified (mutateDigest), and a Pod must name a
          // digest (verifyDigest): what was verified is what runs. Ours already name it.
          mutateDigest: true,
          verifyDigest: true,
          attestors: [
            {
              count: 1,
              entries: [
                {
                  keyless: {
                    issuer: props.issuer,
                    subject: props.subject,
                    additionalExtensions: { githubWorkflowRepository: img.workflowRepository },
                    rekor: { url: props.rekorUrl },
                  },
                },
              ],
            },
          ],
        },
      ],
    }));
    const allowed = alternatives([...props.signedImages.map((i) => `${i.repository}:*@sha256:*`), ...props.exceptions.map((e) => e.image)]);
    const onlyListed: ClusterPolicySpecRules = {
      name: 'only-signed-or-excepted-images',
      match,
      validate: {
        failureAction: ClusterPolicySpecRulesValidateFailureAction.ENFORCE,
        message: 'Only exam-system images by digest (signed by the release loop) or the exceptions of lib/config/policy-exceptions.ts run here.',
        pattern: {
          spec: {
            '=(initContainers)': [{ image: allowed }],
            '=(ephemeralContainers)': [{ image: allowed }],
            containers: [{ image: allowed }],
          },
        },
      },
    };
    new ClusterPolicy(this, 'policy', {
      metadata: {
        name: this.name,
        labels: commonLabels('admission'),
        annotations: {
          'policies.kyverno.io/title': 'Signed exam-system images',
          'policies.kyverno.io/description':
            'An exam-system image runs in a deployed environment only when the release loop built and signed it: a keyless cosign signature from GitHub Actions, made by the reusable build workflow for the service\'s own repository, pinned by digest. Third-party images are listed exceptions.',
        },
      },
      spec: {
        // Fail closed: when Kyverno cannot answer, the API server refuses the Pod (docs/decisions.md, The release loop).
        failurePolicy: ClusterPolicySpecFailurePolicy.FAIL,
        webhookTimeoutSeconds: props.webhookTimeoutSeconds ?? 15,
        background: false,
        rules: [...signed, onlyListed],
      },
    });
  }
}
