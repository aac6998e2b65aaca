/**
 * The post-deploy health thresholds (see docs/decisions.md, 'Post-deploy alerts') as a
 * PrometheusRule: instead of a script polling Prometheus after each deploy, Prometheus itself
 * alerts whenever a service of the environment breaches them.
 *
 * - error rate above 5% (5xx share of requests over 5 minutes);
 * - p95 latency above 2 s;
 * - success rate below 95% (the non-5xx share: the monitor checks both views);
 * - availability below 99% (share of the service's pods answering their scrape, avg(up)).
 *
 * Each alert is scoped to one service's live Service and the environment's namespace, and
 * fires after the breach has lasted 3 minutes (the specified design rolls back after 3 failed checks one
 * minute apart). Annotations use only `$labels`, so the promtool suite (test/promql/) can check them exactly.
 */
import { Construct } from 'constructs';
import * as monitoring from '../../imports/monitoring.coreos.com';
import { runbookUrl } from '../config/slos';
import { POST_DEPLOY_SLO, SeriesScope, availabilityQuery, errorRateQuery, latencyQuantileQuery, successRateQuery } from '../config/slo';
import { MONITORING_SELECTOR_LABELS } from '../config/monitoring';
import { isDnsLabel } from '../rules/names';
import { commonLabels } from './labels';

/** Alert names, one per threshold. */
export const ALERT_NAMES = {
  errorRate: 'ExamHighErrorRate',
  latency: 'ExamHighLatencyP95',
  successRate: 'ExamLowSuccessRate',
  availability: 'ExamLowAvailability',
} as const;
export type AlertKind = keyof typeof ALERT_NAMES;

/** The labels alert expressions keep: which environment and which Service breached. */
const GROUP_BY = ['namespace', 'service'] as const;

export interface MonitoredService {
  /** The exam service (catalog name), e.g. `frontend`; becomes the alerts' `app` label. */
  readonly name: string;
  /**
   * The Service that carries the service's live traffic and selects all its live pods, e.g.
   * `frontend-service` when frontend runs blue/green (the active Service), else the service name.
   */
  readonly serviceName: string;
}

export interface ExamAlertsProps {
  readonly namespace: string;
  /** The environment name, added to every alert as the `environment` label. */
  readonly environment: string;
  /** The services to alert on. */
  readonly services: readonly MonitoredService[];
  /** The PrometheusRule's name. @default exam-slo-alerts */
  readonly name?: string;
  /**
   * Labels the monitoring add-on's Prometheus selects PrometheusRules by.
   * @default MONITORING_SELECTOR_LABELS (`release: kube-prometheus-stack`)
   */
  readonly prometheusSelectorLabels?: Readonly<Record<string, string>>;
}


function percent(ratio: number): string {
  return `${Number((ratio * 100).toFixed(2))}%`;
}

/** One PrometheusRule with a group of four alerts per service. */
export class ExamAlerts extends Construct {
  public readonly name: string;

  constructor(scope: Construct, id: string, props: ExamAlertsProps) {
    super(scope, id);
    this.name = props.name ?? 'exam-slo-alerts';
    const where = `ExamAlerts ${props.namespace}/${this.name}`;
    for (const value of [props.namespace, this.name, props.environment]) {
      if (!isDnsLabel(value)) throw new Error(`${where}: "${value}" is not a Kubernetes name; expected lower-case letters, digits and "-"`);
    }
    if (props.services.length === 0) throw new Error(`${where}: no services; expected at least one service to alert on`);
    const seen = new Set<string>();
    for (const s of props.services) {
      if (!isDnsLabel(s.name) || !isDnsLabel(s.serviceName)) {
        throw new Error(`${where}: service "${s.name}" / Service "${s.serviceName}" is not a Kubernetes name`);
      }
      if (seen.has(s.name)) throw new Error(`${where}: service "${s.name}" is listed twice; expected each service once`);
      seen.add(s.name);
    }

    const slo = POST_DEPLOY_SLO;
    const target = '{{ $labels.service }} in {{ $labels.namespace }}';
    const groups: monitoring.PrometheusRuleSpecGroups[] = props.services.map((s) => {
      const scope: SeriesScope = { namespace: props.namespace, service: s.serviceName };
      const labels = (severity: 'critical' | 'warning') => ({ severity, environment: props.environment, app: s.name });
      const rule = (
        kind: AlertKind,
        expr: string,
        severity: 'critical' | 'warning',
        summary: string,
        description: string,
      ): monitoring.PrometheusRuleSpecGroupsRules => ({
        alert: ALERT_NAMES[kind],
        expr: monitoring.PrometheusRuleSpecGroupsRulesExpr.fromString(expr),
        for: slo.for,
        labels: labels(severity),
        // Every alert links its runbook, docs/runbooks/<alert>.md.
        annotations: { summary: `${target}: ${summary}`, description, runbook_url: runbookUrl(ALERT_NAMES[kind]) },
      });
      return {
        name: `${s.name}.post-deploy-slo`,
        rules: [
          rule(
            'errorRate',
            `${errorRateQuery(scope, slo.window, GROUP_BY)}\n> ${slo.maxErrorRate}`,
            'critical',
            `error rate above ${percent(slo.maxErrorRate)}`,
            `More than ${percent(slo.maxErrorRate)} of the requests to ${target} ended in a server error (5xx) over ${slo.window}, for at least ${slo.for}.`,
          ),
          rule(
            'latency',
            `${latencyQuantileQuery(scope, slo.latencyQuantile, slo.window, GROUP_BY)}\n> ${slo.maxLatencySeconds}`,
            'warning',
            `p${slo.latencyQuantile * 100} latency above ${slo.maxLatencySeconds}s`,
            `The p${slo.latencyQuantile * 100} response time of ${target} has been above ${slo.maxLatencySeconds}s over ${slo.window}, for at least ${slo.for}.`,
          ),
          rule(
            'successRate',
            `${successRateQuery(scope, slo.window, GROUP_BY)}\n< ${slo.minSuccessRate}`,
            'critical',
            `success rate below ${percent(slo.minSuccessRate)}`,
            `Less than ${percent(slo.minSuccessRate)} of the requests to ${target} succeeded (non-5xx) over ${slo.window}, for at least ${slo.for}.`,
          ),
          rule(
            'availability',
            `${availabilityQuery(scope, GROUP_BY)}\n< ${slo.minAvailability}`,
            'critical',
            `availability below ${percent(slo.minAvailability)}`,
            `Less than ${percent(slo.minAvailability)} of the pods of ${target} answered their scrape, for at least ${slo.for}.`,
          ),
        ],
      };
    });

    new monitoring.PrometheusRule(this, 'rule', {
      metadata: { name: this.name, namespace: props.namespace, labels: { ...commonLabels('monitoring'), ...(props.prometheusSelectorLabels ?? MONITORING_SELECTOR_LABELS) } },
      spec: { groups },
    });
  }
}
