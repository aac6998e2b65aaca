/**
 * Everything in dist/ that the monitoring add-on must pick up, held against that add-on's
 * defaults: kube-prometheus-stack (Helm release `kube-prometheus-stack`, namespace `monitoring`)
 * keeps `serviceMonitorSelectorNilUsesHelmValues: true` and `ruleSelectorNilUsesHelmValues:
 * true` with empty `serviceMonitorSelector` / `ruleSelector` and empty namespace selectors
 * (prometheus-community/helm-charts charts/kube-prometheus-stack/values.yaml), so its
 * Prometheus selects, in every namespace, exactly the ServiceMonitors and PrometheusRules
 * labelled `release: <release name>` (charts/kube-prometheus-stack/templates/prometheus/
 * prometheus.yaml: `serviceMonitorSelector: matchLabels: release: {{ $.Release.Name }}`, and the
 * same for `ruleSelector`). Its Prometheus Service is `<release>-prometheus` on port 9090.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { loadEnvironments } from '../../lib/config/load';
import { MONITORING, MONITORING_SELECTOR_LABELS } from '../../lib/config/monitoring';
import { POD_TEMPLATE_HASH_POD_LABEL } from '../../lib/config/slo';
import type { KubeObject } from '../../lib/output/render';

const root = path.resolve(__dirname, '..', '..');

function yamlFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? yamlFiles(p) : e.name.endsWith('.yaml') ? [p] : [];
  });
}
const dist: { file: string; object: KubeObject }[] = yamlFiles(path.join(root, 'dist')).map((file) => ({
  file: path.relative(root, file),
  object: parse(fs.readFileSync(file, 'utf8')) as KubeObject,
}));

/** The selector the add-on's Prometheus renders with the chart's default values. */
function addOnSelector(releaseName: string, values: { selector: Record<string, unknown>; nilUsesHelmValues: boolean }): { matchLabels?: Record<string, string> } {
  // templates/prometheus/prometheus.yaml: a non-empty selector wins; else NilUsesHelmValues
  // selects release=<name>; else {} (everything).
  if (Object.keys(values.selector).length > 0) return values.selector as { matchLabels?: Record<string, string> };
  return values.nilUsesHelmValues ? { matchLabels: { release: releaseName } } : {};
}
const CHART_DEFAULTS = { selector: {}, nilUsesHelmValues: true };

const matches = (labels: Record<string, string> | undefined, selector: { matchLabels?: Record<string, string> }) =>
  Object.entries(selector.matchLabels ?? {}).every(([k, v]) => labels?.[k] === v);

describe('the monitoring add-on picks up every ServiceMonitor and PrometheusRule in dist/', () => {
  const selected = dist.filter((d) => d.object.kind === 'ServiceMonitor' || d.object.kind === 'PrometheusRule');

  test('there are some in every environment folder', () => {
    for (const folder of ['staging', 'hotfix', 'production', 'development']) {
      expect([folder, selected.some((d) => d.file.startsWith(`dist/${folder}/servicemonitor-`))]).toEqual([folder, true]);
      expect([folder, selected.some((d) => d.file.startsWith(`dist/${folder}/prometheusrule-`))]).toEqual([folder, true]);
    }
  });

  test('each matches the selector the chart renders for release kube-prometheus-stack', () => {
    const selector = addOnSelector(MONITORING.release, CHART_DEFAULTS);
    expect(selector).toEqual({ matchLabels: { release: 'kube-prometheus-stack' } });
    expect(MONITORING_SELECTOR_LABELS).toEqual(selector.matchLabels);
    const missed = selected.filter((d) => !matches(d.object.metadata.labels, selector)).map((d) => d.file);
    expect(missed).toEqual([]);
    // A different release name would miss them all: the label is what selects them.
    expect(selected.filter((d) => matches(d.object.metadata.labels, addOnSelector('prometheus', CHART_DEFAULTS)))).toEqual([]);
  });

  test('every ServiceMonitor copies the Argo Rollouts pod-template hash onto its series', () => {
    for (const d of selected.filter((x) => x.object.kind === 'ServiceMonitor')) {
      expect([d.file, (d.object.spec as { podTargetLabels?: string[] }).podTargetLabels]).toEqual([d.file, [POD_TEMPLATE_HASH_POD_LABEL]]);
    }
  });

  test("the environment files and every AnalysisTemplate use the add-on's Prometheus Service", () => {
    expect(MONITORING.prometheusUrl).toBe(`http://${MONITORING.release}-prometheus.${MONITORING.namespace}.svc:9090`);
    for (const env of loadEnvironments()) {
      expect([env.name, env.prometheus.address]).toEqual([env.name, MONITORING.prometheusUrl]);
    }
    const addresses = dist
      .filter((d) => d.object.kind === 'AnalysisTemplate')
      .flatMap((d) => (d.object.spec as { metrics: { provider: { prometheus?: { address: string } } }[] }).metrics.map((m) => m.provider.prometheus?.address));
    expect(addresses.length).toBeGreaterThan(0);
    expect(new Set(addresses)).toEqual(new Set([MONITORING.prometheusUrl]));
  });
});
