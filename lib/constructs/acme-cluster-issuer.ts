import { Construct } from 'constructs';
import * as cm from '../../imports/cert-manager.io';
import { GATEWAY_API_GROUP } from './exam-gateway';
import { commonLabels } from './labels';

export interface AcmeClusterIssuerProps {
  readonly name: string;
  /** The ACME directory URL (https). */
  readonly server: string;
  /** The ACME account's contact. */
  readonly email: string;
  /** The Secret cert-manager keeps the ACME account key in (it generates the key). */
  readonly accountKeySecretName: string;
  /**
   * Solve HTTP-01 challenges with a temporary HTTPRoute on this Gateway listener (cert-manager's
   * `gatewayHTTPRoute` solver). The route is made in the Certificate's namespace, so the
   * listener must admit routes from there.
   */
  readonly http01Gateway: { readonly name: string; readonly namespace: string; readonly sectionName: string };
}

const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;

/** A cert-manager ClusterIssuer for an ACME CA (Let's Encrypt), solving HTTP-01 through the Gateway API. */
export class AcmeClusterIssuer extends Construct {
  public readonly name: string;

  constructor(scope: Construct, id: string, props: AcmeClusterIssuerProps) {
    super(scope, id);
    const fail = (what: string, expected: string): never => {
      throw new Error(`AcmeClusterIssuer ${props.name}: ${what}; expected ${expected}`);
    };
    if (!/^https:\/\/[^\s/]+\/\S*$/.test(props.server)) fail(`server "${props.server}"`, 'an https:// ACME directory URL');
    if (!EMAIL.test(props.email)) fail(`email "${props.email}"`, 'a contact address such as platform@example.com');
    this.name = props.name;
    new cm.ClusterIssuer(this, 'issuer', {
      metadata: { name: props.name, labels: commonLabels('tls') },
      spec: {
        acme: {
          server: props.server,
          email: props.email,
          privateKeySecretRef: { name: props.accountKeySecretName },
          solvers: [
            {
              http01: {
                gatewayHttpRoute: {
                  parentRefs: [
                    { group: GATEWAY_API_GROUP, kind: 'Gateway', name: props.http01Gateway.name, namespace: props.http01Gateway.namespace, sectionName: props.http01Gateway.sectionName },
                  ],
                },
              },
            },
          ],
        },
      },
    });
  }
}
