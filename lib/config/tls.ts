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
   * support turned on in its chart values (`config.gatewayAPI.enabled: true`; off by default in
   * v1.21.1: internal/apis/config/controller/v1alpha1/defaults.go).
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

/**
 * The pods cert-manager starts to answer HTTP-01 challenges, in the Certificate's namespace
 * (cert-manager v1.21.1: pkg/issuer/acme/http/pod.go labels them with
 * pkg/apis/acme/v1/types.go SolverIdentificationLabelKey; pkg/issuer/acme/http/http.go
 * acmeSolverListenPort). They run non-root with RuntimeDefault seccomp, no privilege escalation
 * and no capabilities, so the Gateway's namespace keeps Pod Security "restricted".
 */
export const ACME_HTTP01_SOLVER = {
  podLabels: { 'acme.cert-manager.io/http01-solver': 'true' },
  port: 8089,
} as const;
