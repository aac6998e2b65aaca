import { Construct } from 'constructs';
import * as k8s from './k8s';

export interface ExamIngressProps {
  readonly name: string;
  readonly namespace: string;
  readonly labels: Record<string, string>;
  readonly host: string;
  /** Secret holding the host's TLS certificate (issued in the cluster, never in git). */
  readonly tlsSecretName: string;
  /** The Service traffic goes to (for a canary: the stable Service). */
  readonly backendService: string;
  /** @default 80 */
  readonly backendPort?: number;
  /** @default nginx */
  readonly ingressClassName?: string;
}

/** A TLS Ingress for one host, all paths to one Service. */
export class ExamIngress extends Construct {
  constructor(scope: Construct, id: string, props: ExamIngressProps) {
    super(scope, id);
    new k8s.KubeIngress(this, 'ingress', {
      metadata: {
        name: props.name,
        namespace: props.namespace,
        labels: props.labels,
        annotations: { 'nginx.ingress.kubernetes.io/ssl-redirect': 'true' },
      },
      spec: {
        ingressClassName: props.ingressClassName ?? 'nginx',
        tls: [{ hosts: [props.host], secretName: props.tlsSecretName }],
        rules: [
          {
            host: props.host,
            http: {
              paths: [
                {
                  path: '/',
                  pathType: 'Prefix',
                  backend: { service: { name: props.backendService, port: { number: props.backendPort ?? 80 } } },
                },
              ],
            },
          },
        ],
      },
    });
  }
}
