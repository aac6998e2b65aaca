/**
 * The namespaces the platform owns. No environment may deploy into one of them: the add-ons
 * run there, and Argo CD would fight over their objects (docs/decisions.md).
 */

/** Falco and falcosidekick. */
export const SECURITY_NAMESPACE = 'security-system';

/** The platform's namespaces: Kubernetes' own, the add-ons', and the shared Gateway's. */
export const PLATFORM_NAMESPACES: readonly string[] = [
  'kube-system',
  'kube-public',
  'kube-node-lease',
  'default',
  'argocd',
  'argo-rollouts',
  'external-secrets',
  'monitoring',
  'cert-manager',
  'envoy-gateway-system',
  'kyverno',
  'keda',
  SECURITY_NAMESPACE,
  'exam-gateway',
];

/** Undefined unless `namespace` is the platform's; then why an environment may not use it (the DNS-label rule is lib/rules/names.ts's). */
export function reservedNamespaceProblem(namespace: string): string | undefined {
  if (namespace.startsWith('kube-') || PLATFORM_NAMESPACES.includes(namespace)) {
    return `expected a namespace of the environment's own; "${namespace}" is reserved for the platform (kube-*, ${PLATFORM_NAMESPACES.filter((n) => !n.startsWith('kube-')).join(', ')})`;
  }
  return undefined;
}
