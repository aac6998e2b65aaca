/**
 * TLS for the shared Gateway: the ACME account and solver the cluster's ClusterIssuer uses.
 * Data only; the ClusterIssuer object is built from it where the Gateway is. The
 * cert-manager add-on turns on its Gateway API support because the solver below answers
 * HTTP-01 challenges through an HTTPRoute attached to the shared Gateway.
 */

/** The ACME HTTP-01 solver that attaches its challenge route to a Gateway listener. */
export interface AcmeGatewayHttp01Solver {
  readonly type: 'http01-gateway';
  /** The Gateway the challenge HTTPRoute attaches to (namespace exam-gateway: the shared Gateway). */
  readonly gatewayNamespace: string;
  /** The plain-HTTP (port 80) listener of that Gateway the challenge route uses. */
  readonly listenerSectionName: string;
}

export interface AcmeIssuerConfig {
  /** The ClusterIssuer's name, which Certificates reference. */
  readonly name: string;
  /** The ACME directory. */
  readonly server: string;
  /** The account's contact address (expiry and incident notices from the CA). */
  readonly email: string;
  /** The Secret (in cert-manager's namespace) holding the ACME account key; cert-manager creates it. */
  readonly privateKeySecretName: string;
  readonly solver: AcmeGatewayHttp01Solver;
}

/** The namespace of the shared Gateway and its Certificates (a platform namespace). */
export const GATEWAY_NAMESPACE = 'exam-gateway';

/** The ClusterIssuer every exam-system Certificate uses: Let's Encrypt production. */
export const ACME_ISSUER: AcmeIssuerConfig = {
  name: 'letsencrypt-production',
  server: 'https://acme-v02.api.letsencrypt.org/directory',
  email: 'platform-team@exam-platform.example',
  privateKeySecretName: 'letsencrypt-production-account-key',
  solver: { type: 'http01-gateway', gatewayNamespace: GATEWAY_NAMESPACE, listenerSectionName: 'http' },
};
