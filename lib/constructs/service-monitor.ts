/**
 * Prometheus Operator ServiceMonitor for one exam service (see docs/decisions.md, 'Post-deploy alerts': the post-deploy checks
 * and the release analysis read its metrics).
 *
 * It selects the service's Services that carry `exam-system.io/scrape: "true"` (the main
 * Service, and a canary's canary Service or a blue/green's preview Service). The operator
 * gives every scraped series the target labels `namespace` and `service` (the name of the
 * Service the pod was discovered through), which is how the analysis queries tell the canary
 * or preview pods (`service="<name>-canary"`, `service="<name>-preview"`) from all pods
 * (`service="<name>"`), and `podTargetLabels` adds the pod-template hash, which tells the new
 * version's pods from the old (`rollouts_pod_template_hash`).
 */
import { Construct } from 'constructs';
import * as monitoring from '../../imports/monitoring.coreos.com';
import { MONITORING_SELECTOR_LABELS } from '../config/monitoring';
import { POD_TEMPLATE_HASH_POD_LABEL } from '../config/slo';
import { isDnsLabel } from '../rules/names';
import { SCRAPE_LABEL, commonLabels, selectorLabels } from './labels';

export interface ServiceMonitorProps {
  /** The exam service (its Services' `app` label); also the ServiceMonitor's name. */
  readonly service: string;
  readonly namespace: string;
  /** The Service port name scraped. @default http */
  readonly port?: string;
  /** The metrics path. @default /metrics */
  readonly path?: string;
  /** Scrape interval. @default 30s */
  readonly interval?: string;
  /**
   * Labels the monitoring add-on's Prometheus selects ServiceMonitors by.
   * @default MONITORING_SELECTOR_LABELS (`release: kube-prometheus-stack`)
   */
  readonly prometheusSelectorLabels?: Readonly<Record<string, string>>;
}

const DURATION = /^(\d+(ms|s|m|h))+$/;

/** A ServiceMonitor named as the service, scraping its labelled Services in its namespace. */
export class ServiceMonitor extends Construct {
  public readonly name: string;

  constructor(scope: Construct, id: string, props: ServiceMonitorProps) {
    super(scope, id);
    for (const [field, value] of [['service', props.service], ['namespace', props.namespace]] as const) {
      if (!isDnsLabel(value)) {
        throw new Error(`ServiceMonitor ${props.service}: ${field} "${value}" is not a Kubernetes name; expected lower-case letters, digits and "-"`);
      }
    }
    const interval = props.interval ?? '30s';
    if (!DURATION.test(interval)) throw new Error(`ServiceMonitor ${props.service}: interval "${interval}" is not a duration; expected e.g. 30s`);
    const path = props.path ?? '/metrics';
    if (!path.startsWith('/')) throw new Error(`ServiceMonitor ${props.service}: path "${path}" must start with "/"`);
    this.name = props.service;

    new monitoring.ServiceMonitor(this, 'servicemonitor', {
      metadata: {
        name: props.service,
        namespace: props.namespace,
        labels: { ...commonLabels('monitoring'), 'app.kubernetes.io/name': props.service, ...(props.prometheusSelectorLabels ?? MONITORING_SELECTOR_LABELS) },
      },
      spec: {
        selector: { matchLabels: { ...selectorLabels(props.service), [SCRAPE_LABEL]: 'true' } },
        namespaceSelector: { matchNames: [props.namespace] },
        // Every series carries the pod's Argo Rollouts pod-template hash as
        // `rollouts_pod_template_hash`, so the release analysis judges the new version's pods
        // only (see POD_TEMPLATE_HASH_ARG in analysis-templates.ts). Pods of a Deployment have
        // no such label, and the operator's relabeling (regex "(.+)") then adds none.
        podTargetLabels: [POD_TEMPLATE_HASH_POD_LABEL],
        endpoints: [{ port: props.port ?? 'http', path, interval }],
      },
    });
  }
}
