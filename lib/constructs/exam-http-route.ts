import { Construct } from 'constructs';
import * as gw from '../../imports/gateway.networking.k8s.io';
import { GATEWAY_API_GROUP } from './exam-gateway';

/** The Gateway listener a route attaches to. */
export interface RouteParent {
  readonly gatewayName: string;
  readonly gatewayNamespace: string;
  /** The listener's name. */
  readonly sectionName: string;
}

/** A Service the route sends traffic to. */
export interface RouteBackend {
  readonly service: string;
  /** The Service port. */
  readonly port: number;
  /** Relative share of the rule's traffic (Gateway API: 0 to 1,000,000). @default the API's default, 1 */
  readonly weight?: number;
}

/** A rule that sends requests carrying one header value to one backend, whatever the other rule's weights. */
export interface HeaderRule {
  /** The rule's name (unique in the route). */
  readonly name: string;
  readonly header: { readonly name: string; readonly value: string };
  readonly backend: RouteBackend;
}

export interface ExamHttpRouteProps {
  readonly name: string;
  readonly namespace: string;
  readonly labels: Record<string, string>;
  /** The one host the route serves (the listener's hostname). */
  readonly hostname: string;
  readonly parent: RouteParent;
  /** The backends of the main rule (named `live`), for every path. */
  readonly backends: readonly RouteBackend[];
  /** Header rules next to the main rule. @default none */
  readonly headerRules?: readonly HeaderRule[];
}

/** The name of the main rule of every ExamHttpRoute. */
export const LIVE_RULE_NAME = 'live';

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

function backendRef(b: RouteBackend): gw.HttpRouteSpecRulesBackendRefs {
  if (!Number.isInteger(b.port) || b.port < 1 || b.port > 65535) throw new Error(`backend ${b.service}: port ${b.port}; expected 1-65535`);
  if (b.weight !== undefined && (!Number.isInteger(b.weight) || b.weight < 0 || b.weight > 1_000_000)) throw new Error(`backend ${b.service}: weight ${b.weight}; expected a whole number 0-1000000`);
  return { group: '', kind: 'Service', name: b.service, port: b.port, weight: b.weight };
}

/**
 * A Gateway API HTTPRoute for one host: every path to the main rule's backends (split by
 * weight when there are several), plus optional header rules. A header rule wins over the main
 * rule for the requests it matches: both match every path, and Gateway API gives precedence to
 * the rule with more header matches.
 */
export class ExamHttpRoute extends Construct {
  public readonly name: string;

  constructor(scope: Construct, id: string, props: ExamHttpRouteProps) {
    super(scope, id);
    const fail = (what: string, expected: string): never => {
      throw new Error(`ExamHttpRoute ${props.namespace}/${props.name}: ${what}; expected ${expected}`);
    };
    if (props.backends.length === 0) fail('no backend', 'at least one Service');
    const ruleNames = [LIVE_RULE_NAME, ...(props.headerRules ?? []).map((r) => r.name)];
    for (const n of ruleNames) if (!DNS_LABEL.test(n)) fail(`rule name "${n}"`, 'a DNS label');
    if (new Set(ruleNames).size !== ruleNames.length) fail(`rule names ${ruleNames.join(', ')} repeat`, 'unique rule names');
    const everyPath = { path: { type: gw.HttpRouteSpecRulesMatchesPathType.PATH_PREFIX, value: '/' } };
    this.name = props.name;
    new gw.HttpRoute(this, 'route', {
      metadata: { name: props.name, namespace: props.namespace, labels: props.labels },
      spec: {
        parentRefs: [
          { group: GATEWAY_API_GROUP, kind: 'Gateway', name: props.parent.gatewayName, namespace: props.parent.gatewayNamespace, sectionName: props.parent.sectionName },
        ],
        hostnames: [props.hostname],
        rules: [
          { name: LIVE_RULE_NAME, matches: [everyPath], backendRefs: props.backends.map(backendRef) },
          ...(props.headerRules ?? []).map((r) => ({
            name: r.name,
            matches: [{ ...everyPath, headers: [{ type: gw.HttpRouteSpecRulesMatchesHeadersType.EXACT, name: r.header.name, value: r.header.value }] }],
            backendRefs: [backendRef(r.backend)],
          })),
        ],
      },
    });
  }
}
