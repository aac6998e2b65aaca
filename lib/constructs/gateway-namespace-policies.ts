import { Construct } from 'constructs';
import * as k8s from './k8s';
import { commonLabels } from './labels';
import { DEFAULT_DENY_POLICY, NetworkPeerSpec } from './network-policies';

export interface GatewayNamespacePoliciesProps {
  /** The Gateway's namespace. */
  readonly namespace: string;
  /** The Gateway's data plane, which forwards the ACME CA's challenge requests to the solver pods. */
  readonly gatewayDataPlane: NetworkPeerSpec;
  /** The labels of cert-manager's HTTP-01 solver pods. */
  readonly solverPodLabels: Readonly<Record<string, string>>;
  /** The port the solver pods listen on. */
  readonly solverPort: number;
}

/** The name of the policy that admits the Gateway's proxies to the HTTP-01 solver pods. */
export const ACME_SOLVER_POLICY = 'allow-acme-http01-solver';

/**
 * The NetworkPolicies of the Gateway's namespace, whose only pods are cert-manager's short-lived
 * HTTP-01 solvers: deny everything, then admit the Gateway's proxies to the solvers' port. The
 * solvers open no connection (they only answer).
 */
export class GatewayNamespacePolicies extends Construct {
  constructor(scope: Construct, id: string, props: GatewayNamespacePoliciesProps) {
    super(scope, id);
    if (!Number.isInteger(props.solverPort) || props.solverPort < 1 || props.solverPort > 65535) {
      throw new Error(`GatewayNamespacePolicies ${props.namespace}: solverPort ${props.solverPort}; expected a TCP port from 1 to 65535`);
    }
    if (Object.keys(props.solverPodLabels).length === 0) {
      throw new Error(`GatewayNamespacePolicies ${props.namespace}: no solverPodLabels; expected the labels cert-manager puts on its HTTP-01 solver pods`);
    }
    const labels = commonLabels('network-policy');
    new k8s.KubeNetworkPolicy(this, 'default-deny', {
      metadata: { name: DEFAULT_DENY_POLICY, namespace: props.namespace, labels },
      spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] },
    });
    new k8s.KubeNetworkPolicy(this, 'solver', {
      metadata: { name: ACME_SOLVER_POLICY, namespace: props.namespace, labels },
      spec: {
        podSelector: { matchLabels: { ...props.solverPodLabels } },
        policyTypes: ['Ingress'],
        ingress: [
          {
            from: [
              {
                namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': props.gatewayDataPlane.namespace } },
                podSelector: { matchLabels: { ...props.gatewayDataPlane.podLabels } },
              },
            ],
            ports: [{ protocol: 'TCP', port: k8s.IntOrString.fromNumber(props.solverPort) }],
          },
        ],
      },
    });
  }
}
