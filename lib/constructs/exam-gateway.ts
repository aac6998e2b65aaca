import { Construct } from 'constructs';
import * as cm from '../../imports/cert-manager.io';
import * as gw from '../../imports/gateway.networking.k8s.io';
import { commonLabels } from './labels';

/** The Gateway API's group (Gateways, HTTPRoutes). */
export const GATEWAY_API_GROUP = 'gateway.networking.k8s.io';
/** cert-manager's group (Certificates, ClusterIssuers). */
export const CERT_MANAGER_GROUP = 'cert-manager.io';

/** One HTTPS host of the Gateway. */
export interface GatewayHttpsListener {
  /** The listener's name: routes attach to it by `sectionName`. */
  readonly name: string;
  /** The one host the listener serves. */
  readonly hostname: string;
  /** The Secret, in the Gateway's namespace, holding the host's certificate (a Certificate of this construct makes it). */
  readonly tlsSecretName: string;
  /** The only namespace whose HTTPRoutes may attach to the listener. */
  readonly routeNamespace: string;
}

export interface ExamGatewayProps {
  readonly name: string;
  readonly namespace: string;
  readonly gatewayClassName: string;
  /**
   * Also make the GatewayClass, reconciled by this controller (for an implementation whose
   * install makes no GatewayClass).
   * @default none: the GatewayClass exists
   */
  readonly gatewayClassController?: string;
  readonly httpsListeners: readonly GatewayHttpsListener[];
  /**
   * The plain-HTTP listener (port 80): every request is redirected to HTTPS, except the ACME
   * HTTP-01 challenges, whose routes (made by cert-manager in this namespace) are more specific.
   * @default http
   */
  readonly httpListenerName?: string;
  /** @default https-redirect */
  readonly redirectRouteName?: string;
  /** The cert-manager ClusterIssuer that signs every listener's certificate. */
  readonly clusterIssuer: string;
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const HOSTNAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)+$/;
/** Gateway API: at most 64 listeners per Gateway. */
const MAX_LISTENERS = 64;
/** The label the API server sets on every Namespace. */
const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

/**
 * The shared entry point: a Gateway API Gateway with one HTTPS listener per host, each admitting
 * HTTPRoutes from its environment's namespace only, a plain-HTTP listener that redirects to
 * HTTPS, and the cert-manager Certificates that make the listeners' Secrets (one per Secret,
 * covering every host that names it). Optionally the GatewayClass.
 */
export class ExamGateway extends Construct {
  /** Listener names, HTTP listener first. */
  public readonly listenerNames: readonly string[];

  constructor(scope: Construct, id: string, props: ExamGatewayProps) {
    super(scope, id);
    const fail = (what: string, expected: string): never => {
      throw new Error(`ExamGateway ${props.namespace}/${props.name}: ${what}; expected ${expected}`);
    };
    const httpName = props.httpListenerName ?? 'http';
    if (props.httpsListeners.length === 0) fail('no HTTPS listener', 'at least one host to serve');
    if (props.httpsListeners.length + 1 > MAX_LISTENERS) fail(`${props.httpsListeners.length + 1} listeners`, `at most ${MAX_LISTENERS} (Gateway API)`);
    const names = new Set<string>([httpName]);
    const hosts = new Set<string>();
    for (const l of props.httpsListeners) {
      if (!DNS_LABEL.test(l.name)) fail(`listener name "${l.name}"`, 'a DNS label');
      if (names.has(l.name)) fail(`listener name "${l.name}" is used twice`, 'unique listener names');
      if (!HOSTNAME.test(l.hostname)) fail(`listener ${l.name}: hostname "${l.hostname}"`, 'a DNS host name without wildcard');
      if (hosts.has(l.hostname)) fail(`listener ${l.name}: hostname "${l.hostname}" is served twice`, 'one listener per host');
      if (!DNS_LABEL.test(l.tlsSecretName)) fail(`listener ${l.name}: tlsSecretName "${l.tlsSecretName}"`, 'a Kubernetes name');
      if (!DNS_LABEL.test(l.routeNamespace)) fail(`listener ${l.name}: routeNamespace "${l.routeNamespace}"`, 'a namespace name');
      names.add(l.name);
      hosts.add(l.hostname);
    }
    const labels = commonLabels('gateway');

    if (props.gatewayClassController !== undefined) {
      new gw.GatewayClass(this, 'class', {
        metadata: { name: props.gatewayClassName, labels },
        spec: { controllerName: props.gatewayClassController, description: 'Envoy Gateway: the exam system\'s entry point' },
      });
    }

    new gw.Gateway(this, 'gateway', {
      metadata: { name: props.name, namespace: props.namespace, labels },
      spec: {
        gatewayClassName: props.gatewayClassName,
        listeners: [
          {
            name: httpName,
            port: 80,
            protocol: 'HTTP',
            allowedRoutes: { namespaces: { from: gw.GatewaySpecListenersAllowedRoutesNamespacesFrom.SAME }, kinds: [{ group: GATEWAY_API_GROUP, kind: 'HTTPRoute' }] },
          },
          ...props.httpsListeners.map((l) => ({
            name: l.name,
            hostname: l.hostname,
            port: 443,
            protocol: 'HTTPS',
            tls: { mode: gw.GatewaySpecListenersTlsMode.TERMINATE, certificateRefs: [{ group: '', kind: 'Secret', name: l.tlsSecretName }] },
            allowedRoutes: {
              namespaces: {
                from: gw.GatewaySpecListenersAllowedRoutesNamespacesFrom.SELECTOR,
                selector: { matchLabels: { [NAMESPACE_NAME_LABEL]: l.routeNamespace } },
              },
              kinds: [{ group: GATEWAY_API_GROUP, kind: 'HTTPRoute' }],
            },
          })),
        ],
      },
    });

    new gw.HttpRoute(this, 'redirect', {
      metadata: { name: props.redirectRouteName ?? 'https-redirect', namespace: props.namespace, labels },
      spec: {
        parentRefs: [{ group: GATEWAY_API_GROUP, kind: 'Gateway', name: props.name, sectionName: httpName }],
        rules: [
          {
            name: 'to-https',
            filters: [
              {
                type: gw.HttpRouteSpecRulesFiltersType.REQUEST_REDIRECT,
                requestRedirect: { scheme: gw.HttpRouteSpecRulesFiltersRequestRedirectScheme.HTTPS, statusCode: gw.HttpRouteSpecRulesFiltersRequestRedirectStatusCode.VALUE_301 },
              },
            ],
          },
        ],
      },
    });

    // One Certificate per Secret, for every host whose listener names it.
    const bySecret = new Map<string, string[]>();
    for (const l of props.httpsListeners) bySecret.set(l.tlsSecretName, [...(bySecret.get(l.tlsSecretName) ?? []), l.hostname]);
    for (const secret of [...bySecret.keys()].sort()) {
      new cm.Certificate(this, `certificate-${secret}`, {
        metadata: { name: secret, namespace: props.namespace, labels },
        spec: {
          secretName: secret,
          dnsNames: [...bySecret.get(secret)!].sort(),
          issuerRef: { group: CERT_MANAGER_GROUP, kind: 'ClusterIssuer', name: props.clusterIssuer },
          privateKey: { algorithm: cm.CertificateSpecPrivateKeyAlgorithm.ECDSA, size: 256, rotationPolicy: cm.CertificateSpecPrivateKeyRotationPolicy.ALWAYS },
        },
      });
    }
    this.listenerNames = [...names];
  }
}
