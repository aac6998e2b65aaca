/**
 * Envoy Gateway, the Gateway API implementation (OCI charts gateway-helm and gateway-crds-helm
 * v1.9.0, registry-1.docker.io/envoyproxy). Values: envoyproxy/gateway tag v1.9.0,
 * charts/gateway-helm/values.tmpl.yaml and charts/gateway-crds-helm/values.tmpl.yaml.
 *
 * gateway-helm bundles the experimental-channel Gateway API CRDs; the cluster installs the
 * standard channel once (the gateway-api-crds Application), and the standard channel's
 * safe-upgrades ValidatingAdmissionPolicy rejects experimental CRDs over standard ones. So
 * gateway-helm installs no CRDs at all, and Envoy Gateway's own CRDs come from
 * gateway-crds-helm with its Gateway API copy turned off (the chart README's documented split).
 */

export interface EnvoyGatewayValues {
  /** Off: neither the bundled Gateway API CRDs nor Envoy Gateway's own (see above). */
  readonly crds: { readonly enabled: false };
}

export const envoyGatewayValues: EnvoyGatewayValues = { crds: { enabled: false } };

export interface EnvoyGatewayCrdsValues {
  readonly crds: {
    readonly gatewayAPI: { readonly enabled: false };
    readonly envoyGateway: { readonly enabled: true };
  };
}

export const envoyGatewayCrdsValues: EnvoyGatewayCrdsValues = {
  crds: { gatewayAPI: { enabled: false }, envoyGateway: { enabled: true } },
};
