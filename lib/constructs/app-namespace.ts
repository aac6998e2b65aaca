import { Construct } from 'constructs';
import * as k8s from './k8s';
import { commonLabels } from './labels';

/** Pod Security Standards levels (https://kubernetes.io/docs/concepts/security/pod-security-standards/). */
export type PodSecurityLevel = 'restricted' | 'baseline' | 'privileged';

export interface AppNamespaceProps {
  readonly name: string;
  /** `app.kubernetes.io/component` of the namespace. */
  readonly component: string;
  /**
   * The Pod Security admission level enforced (and audited and warned) in the namespace.
   * @default restricted
   */
  readonly podSecurity?: PodSecurityLevel;
  /**
   * Why the namespace needs a level below `restricted`. Required for any other level, so
   * that every exception carries its reason next to it.
   */
  readonly podSecurityReason?: string;
  /** Extra labels. @default none */
  readonly labels?: Record<string, string>;
}

/** A Namespace with Pod Security admission labels. Cluster-scoped: use it in a chart without a namespace. */
export class AppNamespace extends Construct {
  constructor(scope: Construct, id: string, props: AppNamespaceProps) {
    super(scope, id);
    const level = props.podSecurity ?? 'restricted';
    if (level !== 'restricted' && !props.podSecurityReason) {
      throw new Error(`Namespace ${props.name}: Pod Security "${level}" needs podSecurityReason`);
    }
    const psa: Record<string, string> = {};
    for (const mode of ['enforce', 'audit', 'warn']) {
      psa[`pod-security.kubernetes.io/${mode}`] = level;
      psa[`pod-security.kubernetes.io/${mode}-version`] = 'v1.28';
    }
    new k8s.KubeNamespace(this, 'namespace', {
      metadata: {
        name: props.name,
        labels: { ...commonLabels(props.component), ...props.labels, ...psa },
        annotations: props.podSecurityReason ? { 'exam-system.io/pod-security-exception': props.podSecurityReason } : undefined,
      },
    });
  }
}
