/**
 * TLS for the Gateway's listeners: cert-manager issues one Certificate per deployed environment
 * (its web and API hosts) from an ACME ClusterIssuer. Data only.
 */

/** How the ACME server is convinced that we control a host. */
export type AcmeSolver =
  /**
   * HTTP-01 through the Gateway API: cert-manager attaches a temporary HTTPRoute for
   * `/.well-known/acme-challenge/<token>` to the Gateway's plain-HTTP listener. Needs no DNS
   * credentials; needs the hosts to resolve to the Gateway and cert-manager's Gateway API
   * support turned on (its `config.enableGatewayAPI`).
   */
  { readonly kind: 'http01-gateway' };

export interface AcmeIssuerConfig {
  /** The ClusterIssuer's name, which Certificates reference. */
  readonly name: string;
  /** The ACME directory. */
  readonly server: string;
  /** Where the ACME CA sends expiry and account notices. */
  readonly email: string;
  /** The Secret (in cert-manager's namespace) holding the ACME account key cert-manager generates. */
  readonly accountKeySecretName: string;
  readonly solver: AcmeSolver;
}

/** Let's Encrypt production, HTTP-01 on the shared Gateway (see docs/decisions.md). */
export const ACME_ISSUER: AcmeIssuerConfig = {
  name: 'letsencrypt',
  server: 'https://acme-v02.api.letsencrypt.org/directory',
  email: 'platform-team@yourdomain.com',
  accountKeySecretName: 'letsencrypt-account-key',
  solver: { kind: 'http01-gateway' },
};
