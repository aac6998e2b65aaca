/**
 * Kyverno (chart kyverno 3.9.0), the admission policy engine the release loop's image
 * signature policy runs on. Values: kyverno/kyverno tag v1.19.0, charts/kyverno/values.yaml.
 */

export interface KyvernoValues {
  /** The kyverno.io, reports and policies.kyverno.io CRDs (subcharts crds and kyverno-api). */
  readonly crds: { readonly install: boolean };
  /** Three admission controllers: the webhook stays up through a node drain (Kyverno's HA guidance). */
  readonly admissionController: { readonly replicas: number };
}

export const kyvernoValues: KyvernoValues = {
  crds: { install: true },
  admissionController: { replicas: 3 },
};
