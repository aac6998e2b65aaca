import { PLATFORM_NAMESPACES, SECURITY_NAMESPACE, reservedNamespaceProblem } from '../../lib/config/namespaces';

test('the platform namespaces are the shared decision\'s list, security-system among them', () => {
  expect([...PLATFORM_NAMESPACES].sort()).toEqual(
    ['kube-system', 'kube-public', 'kube-node-lease', 'default', 'argocd', 'argo-rollouts', 'external-secrets', 'monitoring', 'cert-manager', 'envoy-gateway-system', 'kyverno', 'keda', 'security-system', 'exam-gateway'].sort(),
  );
  expect(PLATFORM_NAMESPACES).toContain(SECURITY_NAMESPACE);
});

test.each([...PLATFORM_NAMESPACES, 'kube-flannel'])('%s is reserved', (ns) => {
  expect(reservedNamespaceProblem(ns)).toMatch(new RegExp(`^expected a namespace of the environment's own; "${ns}" is reserved for the platform`));
});

test.each(['exam-system', 'exam-system-staging', 'monitoring-exam', 'kube'])('%s is an environment\'s to take', (ns) => {
  expect(reservedNamespaceProblem(ns)).toBeUndefined();
});
