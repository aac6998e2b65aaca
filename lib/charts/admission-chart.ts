import { App } from 'cdk8s';
import { SERVICE_NAMES } from '../config/catalog';
import { UNSIGNED_IMAGE_EXCEPTIONS } from '../config/policy-exceptions';
import { IMAGE_SIGNATURE_POLICY, OIDC_ISSUER, REKOR_URL, SIGNER_SUBJECT, serviceRepository } from '../config/release-loop';
import { imageRepository } from '../config/versions';
import { ImageSignaturePolicy } from '../constructs/image-signature-policy';
import { OutputChart } from './output-chart';

export interface AdmissionChartProps {
  /** The namespaces whose pods must run signed images: every deployed environment's. */
  readonly namespaces: readonly string[];
}

/** Admission: the Kyverno ClusterPolicy that verifies image signatures (dist/platform/cluster/). */
export class AdmissionChart extends OutputChart {
  constructor(scope: App, props: AdmissionChartProps) {
    super(scope, 'platform-admission', { folder: 'platform/kyverno' });
    new ImageSignaturePolicy(this, 'image-signatures', {
      name: IMAGE_SIGNATURE_POLICY.name,
      namespaces: props.namespaces,
      signedImages: SERVICE_NAMES.map((name) => ({ name, repository: imageRepository(name), workflowRepository: serviceRepository(name) })),
      issuer: OIDC_ISSUER,
      subject: SIGNER_SUBJECT,
      rekorUrl: REKOR_URL,
      exceptions: UNSIGNED_IMAGE_EXCEPTIONS,
      webhookTimeoutSeconds: IMAGE_SIGNATURE_POLICY.webhookTimeoutSeconds,
    });
  }
}
