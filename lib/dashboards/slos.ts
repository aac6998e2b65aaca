/**
 * SLOs: per service of the chosen environment, the availability and latency SLIs over the
 * 30-day period, the error budget left, and the burn rate over each alert window with the rate
 * its alert fires at. Everything reads the series recorded by lib/constructs/slo-rules.ts, so
 * the dashboard shows exactly what the alerts judge.
 */
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import * as bargauge from '@grafana/grafana-foundation-sdk/bargauge';
import * as table from '@grafana/grafana-foundation-sdk/table';
import * as timeseries from '@grafana/grafana-foundation-sdk/timeseries';
import { BURN_RATE_WINDOWS, RECORDS, SLO_GROUP_BY, SLO_KINDS, SLO_PERIOD, SloKind } from '../config/slos';
import { DashboardJson, NAMESPACE_VAR, datasourceVariable, deploymentAnnotation, finish, namespaceVariable, promQuery, promTable } from './common';

export interface SloDashboardProps {
  /** The deployed environments' namespaces (the first is the default). */
  readonly namespaces: readonly string[];
}

const NS = `namespace="$${NAMESPACE_VAR}"`;
const ON = `on (${[...SLO_GROUP_BY, 'slo'].join(', ')})`;

function recorded(window: string, kind: SloKind): string {
  return `${RECORDS.errorRatio(window)}{${NS},slo="${kind}"}`;
}

function budget(kind: SloKind): string {
  return `${RECORDS.errorBudget}{${NS},slo="${kind}"}`;
}

/** The SLI over the period: the share of good requests. */
export function sliQuery(kind: SloKind): string {
  return `1 - ${recorded(SLO_PERIOD.window, kind)}`;
}

/** The share of the period's error budget not yet spent (negative: overspent). */
export function budgetLeftQuery(kind: SloKind): string {
  return `1 - (\n  ${recorded(SLO_PERIOD.window, kind)}\n  / ${ON}\n  ${budget(kind)}\n)`;
}

/** How many times faster than the period allows the budget burns over `window`. */
export function burnRateQuery(window: string, kind: SloKind): string {
  return `${recorded(window, kind)}\n/ ${ON}\n${budget(kind)}`;
}

export function sloDashboard(props: SloDashboardProps): DashboardJson {
  const b = new dashboard.DashboardBuilder('SLOs')
    .description(`Availability and latency SLOs per service over ${SLO_PERIOD.window}: SLI, error budget left, burn rates (lib/config/slos.ts).`)
    .withVariable(datasourceVariable())
    .withVariable(namespaceVariable(props.namespaces))
    .annotation(deploymentAnnotation());
  let id = 0;
  b.withPanel(
    new table.PanelBuilder()
      .id(++id)
      .title('Objectives')
      .description('The objective of every SLO (1 - its error budget).')
      .span(24)
      .height(6)
      .unit('percentunit')
      .decimals(2)
      .withTarget(promTable('A', `1 - ${RECORDS.errorBudget}{${NS}}`)),
  );
  for (const kind of SLO_KINDS) {
    const row = new dashboard.RowBuilder(kind === 'availability' ? 'Availability (requests not answered 5xx)' : 'Latency (requests within the threshold)').id(++id);
    row.withPanel(
      new bargauge.PanelBuilder()
        .id(++id)
        .title(`${kind} SLI, last ${SLO_PERIOD.window}`)
        .unit('percentunit')
        .decimals(3)
        .span(8)
        .withTarget(promQuery('A', sliQuery(kind), '{{service}}').instant()),
    );
    row.withPanel(
      new bargauge.PanelBuilder()
        .id(++id)
        .title(`${kind} error budget left`)
        .description(`The share of the ${SLO_PERIOD.window} error budget not yet spent; below 0 the SLO is broken.`)
        .unit('percentunit')
        .min(-1)
        .max(1)
        .span(8)
        .withTarget(promQuery('A', budgetLeftQuery(kind), '{{service}}').instant()),
    );
    row.withPanel(
      new timeseries.PanelBuilder()
        .id(++id)
        .title(`${kind} error budget left over time`)
        .unit('percentunit')
        .span(8)
        .withTarget(promQuery('A', budgetLeftQuery(kind), '{{service}}')),
    );
    for (const w of BURN_RATE_WINDOWS) {
      row.withPanel(
        new timeseries.PanelBuilder()
          .id(++id)
          .title(`${kind} burn rate over ${w.longWindow} (${w.severity} at ${w.burnRate}x)`)
          .description(`Error ratio over ${w.longWindow} / error budget. The ${w.severity} alert fires when this and the ${w.shortWindow} burn rate both exceed ${w.burnRate}.`)
          .span(6)
          .withTarget(promQuery('A', burnRateQuery(w.longWindow, kind), '{{service}}')),
      );
    }
    b.withRow(row);
  }
  return finish(b, 'exam-slos', 'Exam system / SLOs', 'now-7d');
}
