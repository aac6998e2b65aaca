/**
 * The SLOs of one environment as a PrometheusRule: per service, recording rules for the error
 * ratio of each SLO over every window the alerts read, and the multi-window, multi-burn-rate
 * alerts (one page and one ticket alert per SLO); in a second, slower group, the ratio over the
 * 30-day period and the error budget as a constant series, which the dashboards read.
 * Everything comes from lib/config/slos.ts.
 *
 * The first group holds the recording rules and then the alerts: Prometheus evaluates a group's
 * rules one after the other, so an alert always reads the ratios recorded in the same evaluation. Selectors are scoped to the environment's namespace and the service's
 * live Service, like the threshold alerts (lib/constructs/exam-alerts.ts).
 */
import { Construct } from 'constructs';
import * as monitoring from '../../imports/monitoring.coreos.com';
import { MONITORING_SELECTOR_LABELS } from '../config/monitoring';
import { SeriesScope } from '../config/slo';
import {
  BurnSeverity,
  RECORDS,
  SEVERITY_LABEL,
  SLI_WINDOWS,
  SLO_ALERT_NAMES,
  SLO_KINDS,
  SLO_PERIOD,
  ServiceSlo,
  SloKind,
  budgetConsumed,
  BURN_RATE_WINDOWS,
  PERIOD_RULES_INTERVAL,
  burnRateAlertExpr,
  errorBudgetOf,
  objectiveOf,
  runbookUrl,
  sliErrorRatioQuery,
  validateServiceSlo,
} from '../config/slos';
import { commonLabels } from './labels';

export interface SloService {
  /** The exam service (catalog name); becomes the alerts' `app` label. */
  readonly name: string;
  /** The Service that carries its live traffic (the active Service of a blue/green). */
  readonly serviceName: string;
  readonly slo: ServiceSlo;
}

export interface SloRulesProps {
  readonly namespace: string;
  /** The environment name, added to every alert as the `environment` label. */
  readonly environment: string;
  readonly services: readonly SloService[];
  /** The PrometheusRule's name. @default exam-slo-burn-rates */
  readonly name?: string;
  /**
   * Labels the monitoring add-on's Prometheus selects PrometheusRules by.
   * @default MONITORING_SELECTOR_LABELS (`release: kube-prometheus-stack`)
   */
  readonly prometheusSelectorLabels?: Readonly<Record<string, string>>;
}

const NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

function percent(ratio: number): string {
  return `${Number((ratio * 100).toPrecision(6))}%`;
}

/** One PrometheusRule: a group of recording rules and burn-rate alerts per service. */
export class SloRules extends Construct {
  public readonly name: string;

  constructor(scope: Construct, id: string, props: SloRulesProps) {
    super(scope, id);
    this.name = props.name ?? 'exam-slo-burn-rates';
    const where = `SloRules ${props.namespace}/${this.name}`;
    for (const value of [props.namespace, this.name, props.environment]) {
      if (!NAME.test(value)) throw new Error(`${where}: "${value}" is not a Kubernetes name; expected lower-case letters, digits and "-"`);
    }
    if (props.services.length === 0) throw new Error(`${where}: no services; expected at least one service with SLOs`);
    const seen = new Set<string>();
    for (const s of props.services) {
      if (!NAME.test(s.name) || !NAME.test(s.serviceName)) throw new Error(`${where}: service "${s.name}" / Service "${s.serviceName}" is not a Kubernetes name`);
      if (seen.has(s.name)) throw new Error(`${where}: service "${s.name}" is listed twice; expected each service once`);
      seen.add(s.name);
      validateServiceSlo(s.name, s.slo);
    }

    const target = '{{ $labels.service }} in {{ $labels.namespace }}';
    const groups: monitoring.PrometheusRuleSpecGroups[] = props.services.flatMap((s) => {
      const seriesScope: SeriesScope = { namespace: props.namespace, service: s.serviceName };
      // The same labels the expressions keep; stated so that every rule is unique by name and labels.
      const labels = (kind: SloKind) => ({ namespace: props.namespace, service: s.serviceName, slo: kind });
      const ratio = (kind: SloKind, window: string): monitoring.PrometheusRuleSpecGroupsRules => ({
        record: RECORDS.errorRatio(window),
        expr: monitoring.PrometheusRuleSpecGroupsRulesExpr.fromString(sliErrorRatioQuery(kind, seriesScope, s.slo, window)),
        labels: labels(kind),
      });
      const records = SLO_KINDS.flatMap((kind) => SLI_WINDOWS.map((window) => ratio(kind, window)));
      const periodRecords = SLO_KINDS.flatMap((kind) => [
        ratio(kind, SLO_PERIOD.window),
        {
          record: RECORDS.errorBudget,
          expr: monitoring.PrometheusRuleSpecGroupsRulesExpr.fromString(`vector(${errorBudgetOf(s.slo, kind)})`),
          labels: labels(kind),
        },
      ]);
      const alert = (kind: SloKind, severity: BurnSeverity): monitoring.PrometheusRuleSpecGroupsRules => {
        const name = SLO_ALERT_NAMES[kind][severity];
        const windows = BURN_RATE_WINDOWS.filter((w) => w.severity === severity)
          .map((w) => `${w.burnRate}x over ${w.longWindow} and ${w.shortWindow} (${percent(budgetConsumed(w))} of the budget)`)
          .join(', or ');
        const what = kind === 'availability' ? 'server errors' : `requests slower than ${s.slo.latency.thresholdSeconds}s`;
        return {
          alert: name,
          expr: monitoring.PrometheusRuleSpecGroupsRulesExpr.fromString(burnRateAlertExpr(kind, seriesScope, s.slo, severity)),
          labels: { severity: SEVERITY_LABEL[severity], environment: props.environment, app: s.name, slo: kind },
          annotations: {
            summary: `${target}: ${severity === 'page' ? 'burning' : 'slowly burning'} its ${SLO_PERIOD.window} ${kind} error budget`,
            description:
              `The ${kind} SLO of ${target} is ${percent(objectiveOf(s.slo, kind))} over ${SLO_PERIOD.window} ` +
              `(error budget ${percent(errorBudgetOf(s.slo, kind))} of requests). Its ${what} burn the budget at ${windows}.`,
            runbook_url: runbookUrl(name),
          },
        };
      };
      return [
        { name: `${s.name}.slo`, rules: [...records, ...SLO_KINDS.flatMap((kind) => [alert(kind, 'page'), alert(kind, 'ticket')])] },
        { name: `${s.name}.slo-period`, interval: PERIOD_RULES_INTERVAL, rules: periodRecords },
      ];
    });

    new monitoring.PrometheusRule(this, 'rule', {
      metadata: {
        name: this.name,
        namespace: props.namespace,
        labels: { ...commonLabels('monitoring'), ...(props.prometheusSelectorLabels ?? MONITORING_SELECTOR_LABELS) },
      },
      spec: { groups },
    });
  }
}
