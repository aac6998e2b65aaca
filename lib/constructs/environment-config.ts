import { Construct } from 'constructs';
import * as k8s from './k8s';
import { commonLabels } from './labels';

export interface EnvironmentConfigProps {
  /** `exam-config-<env>`. */
  readonly name: string;
  readonly namespace: string;
  /** Non-secret settings, exposed to every service through envFrom. */
  readonly data: Readonly<Record<string, string>>;
}

/** The environment's ConfigMap (see docs/decisions.md, 'Environment configuration'). Keys are written in sorted order. */
export class EnvironmentConfig extends Construct {
  public readonly name: string;

  constructor(scope: Construct, id: string, props: EnvironmentConfigProps) {
    super(scope, id);
    this.name = props.name;
    const data: Record<string, string> = {};
    for (const key of Object.keys(props.data).sort()) data[key] = props.data[key];
    new k8s.KubeConfigMap(this, 'configmap', {
      metadata: { name: props.name, namespace: props.namespace, labels: commonLabels('config') },
      data,
    });
  }
}
