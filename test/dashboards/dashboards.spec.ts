/**
 * The dashboards as shipped: ConfigMaps Grafana's sidecar loads, small enough for client-side
 * apply, built by the SDK into Grafana's dashboard model, one variable set for all, every panel
 * on the chosen Prometheus, and the sync windows drawn exactly as the AppProject declares them.
 * (What each query returns is tested with promtool in test/promql/dashboards.spec.ts.)
 */
import { Testing } from 'cdk8s';
import { SERVICE_NAMES } from '../../lib/config/catalog';
import { examSessionWindows } from '../../lib/config/gitops';
import { GRAFANA_DASHBOARD_LABELS, GrafanaDashboard, MAX_ANNOTATIONS_BYTES, MAX_CLIENT_SIDE_APPLY_BYTES } from '../../lib/constructs/grafana-dashboard';
import { goDurationMinutes, syncWindowRegion } from '../../lib/dashboards/exam-day';
import { releaseHealthDashboard } from '../../lib/dashboards/release-health';
import { KubeObject } from '../../lib/output/render';
import { synthesized } from '../support/synthesized';

interface Panel {
  id?: number;
  type: string;
  title?: string;
  datasource?: { type: string; uid: string };
  targets?: { datasource?: { type: string; uid: string }; expr?: string }[];
  panels?: Panel[];
  collapsed?: boolean;
  gridPos?: { x: number; y: number; w: number; h: number };
}
interface Model {
  uid: string;
  title: string;
  editable: boolean;
  tags: string[];
  templating: { list: { name: string; type: string; query?: string; current?: { value: string } }[] };
  annotations: { list: { name: string; datasource: { type: string; uid: string }; expr?: string; target?: { queryType?: string; timeRegion?: Record<string, string> } }[] };
  panels: Panel[];
}

const { objects, environments } = synthesized();
const rendered = objects.map((o) => ({ path: o.path, object: o.object }));
const configMaps = rendered.filter((o) => o.object.kind === 'ConfigMap' && o.object.metadata.labels?.grafana_dashboard === '1');
const data = (o: KubeObject) => (o as KubeObject & { data: Record<string, string> }).data;
const models = configMaps.map((o) => JSON.parse(Object.values(data(o.object))[0]) as Model);
const byUid = (uid: string) => models.find((m) => m.uid === uid)!;

function allPanels(panels: Panel[]): Panel[] {
  return panels.flatMap((p) => [p, ...allPanels(p.panels ?? [])]);
}

describe('dashboard ConfigMaps', () => {
  test('three, in dist/platform/monitoring/, labelled for the sidecar, one JSON file each named after the uid', () => {
    expect(configMaps.map((o) => o.path).sort()).toEqual([
      'platform/monitoring/configmap-grafana-dashboard-exam-day.yaml',
      'platform/monitoring/configmap-grafana-dashboard-exam-release-health.yaml',
      'platform/monitoring/configmap-grafana-dashboard-exam-slos.yaml',
    ]);
    for (const { object } of configMaps) {
      expect(object.metadata.namespace).toBe('monitoring');
      expect(object.metadata.labels).toMatchObject(GRAFANA_DASHBOARD_LABELS);
      expect(object.metadata.labels?.grafana_dashboard).toBe('1');
      const keys = Object.keys(data(object));
      expect(keys).toHaveLength(1);
      expect(object.metadata.name).toBe(`grafana-dashboard-${keys[0].replace(/\.json$/, '')}`);
    }
    expect(models.map((m) => m.title).sort()).toEqual(['Exam system / Exam day', 'Exam system / Release health', 'Exam system / SLOs']);
  });

  test('each fits in the last-applied annotation of client-side apply (256 KiB for all annotations)', () => {
    expect(MAX_CLIENT_SIDE_APPLY_BYTES).toBeLessThan(MAX_ANNOTATIONS_BYTES);
    expect(MAX_ANNOTATIONS_BYTES).toBe(262144);
    for (const { path, object } of configMaps) {
      // kubectl stores the object as compact JSON, annotations included.
      const bytes = Buffer.byteLength(JSON.stringify(object), 'utf8');
      expect([path, bytes <= MAX_CLIENT_SIDE_APPLY_BYTES]).toEqual([path, true]);
    }
  });

  test('the construct refuses a dashboard too large for client-side apply', () => {
    const chart = Testing.chart();
    const huge = { panels: Array.from({ length: 3000 }, (_v, i) => ({ id: i, title: `panel ${i}`, description: 'x'.repeat(100) })) };
    expect(() => new GrafanaDashboard(chart, 'big', { name: 'grafana-dashboard-big', namespace: 'monitoring', uid: 'big', model: huge })).toThrow(
      /GrafanaDashboard monitoring\/grafana-dashboard-big: the object is \d+ bytes; client-side apply stores it in an annotation, expected at most 258048 bytes/,
    );
    expect(() => new GrafanaDashboard(Testing.chart(), 'bad', { name: 'Bad_Name', namespace: 'monitoring', uid: 'x', model: {} })).toThrow(/not a Kubernetes name/);
  });
});

describe('dashboard models', () => {
  const deployed = environments.filter((e) => e.gitops !== undefined);

  test('read-only, tagged, with a Prometheus data source variable and the deployed namespaces, production first', () => {
    for (const m of models) {
      expect(m.editable).toBe(false);
      expect(m.tags).toEqual(['exam-system', 'generated']);
      const [ds, ns] = m.templating.list;
      expect(ds).toMatchObject({ name: 'datasource', type: 'datasource', query: 'prometheus' });
      expect(ns).toMatchObject({ name: 'namespace', type: 'custom', current: { value: 'exam-system' } });
      expect(ns.query!.split(',').sort()).toEqual(deployed.map((e) => e.namespace).sort());
      expect(ns.query!.split(',')[0]).toBe(deployed.find((e) => e.name === 'production')!.namespace);
    }
  });

  test('every panel query and Prometheus annotation uses the data source variable; panels have unique ids', () => {
    for (const m of models) {
      const panels = allPanels(m.panels);
      const ids = panels.map((p) => p.id);
      expect(new Set(ids).size).toBe(ids.length);
      for (const p of panels.filter((x) => x.type !== 'row')) {
        expect([m.uid, p.title, (p.targets ?? []).length > 0]).toEqual([m.uid, p.title, true]);
        for (const t of p.targets ?? []) expect(t.datasource).toEqual({ type: 'prometheus', uid: '${datasource}' });
        expect(p.gridPos!.x + p.gridPos!.w).toBeLessThanOrEqual(24);
      }
      for (const a of m.annotations.list.filter((x) => x.expr !== undefined)) expect(a.datasource).toEqual({ type: 'prometheus', uid: '${datasource}' });
    }
  });

  test('no serialised SDK internals (functions) in the JSON', () => {
    for (const { object } of configMaps) expect(Object.values(data(object))[0]).not.toMatch(/_implementsDataqueryVariant/);
  });

  test('release health has a row per catalog service, the first expanded, with new vs stable by pod template hash', () => {
    const rows = byUid('exam-release-health').panels.filter((p) => p.type === 'row');
    expect(rows.map((r) => r.title)).toEqual([...SERVICE_NAMES]);
    expect(rows.map((r) => r.collapsed)).toEqual(SERVICE_NAMES.map((_s, i) => i > 0));
    // The open row's panels follow it on the dashboard; a collapsed row holds its own.
    const top = byUid('exam-release-health').panels;
    const panelsOf = (r: Panel) => (r.collapsed ? (r.panels ?? []) : top.slice(top.indexOf(r) + 1, top.findIndex((p, i) => i > top.indexOf(r) && p.type === 'row')));
    expect(rows[0].panels ?? []).toEqual([]);
    for (const r of rows) {
      const titles = panelsOf(r).map((p) => p.title);
      expect(titles).toHaveLength(6);
      expect(titles).toContain(`${r.title}: success rate, new vs stable`);
      expect(titles).toContain(`${r.title}-rollout: analysis metric results`);
    }
    const exprs = allPanels(byUid('exam-release-health').panels).flatMap((p) => (p.targets ?? []).map((t) => t.expr ?? ''));
    expect(exprs.filter((e) => e.includes('sum by (rollouts_pod_template_hash')).length).toBeGreaterThanOrEqual(4 * SERVICE_NAMES.length);
    expect(() => releaseHealthDashboard({ namespaces: ['exam-system'], services: [] })).toThrow(/no services/);
  });

  test('the Exam day sync windows are the AppProject\'s windows, as Grafana time regions', () => {
    const project = rendered.find((o) => o.object.kind === 'AppProject' && o.object.metadata.name === 'exam-system')!.object;
    const windows = (project.spec as { syncWindows: { schedule: string; duration: string; timeZone: string; kind: string }[] }).syncWindows;
    expect(windows.length).toBeGreaterThan(0);
    const regions = byUid('exam-day').annotations.list.filter((a) => a.target?.queryType === 'timeRegions');
    expect(regions.map((a) => a.datasource)).toEqual(windows.map(() => ({ type: 'grafana', uid: '-- Grafana --' })));
    expect(regions.map((a) => a.target!.timeRegion)).toEqual(
      windows.map((w) => ({ mode: 'cron', cronExpr: w.schedule, duration: `${goDurationMinutes(w.duration)}m`, timezone: w.timeZone })),
    );
    // From the exam calendar: 07:30 to 12:30 and 13:30 to 18:30, Monday to Saturday, in Shanghai;
    // the two dated sittings in London, 09:30 to 13:30.
    expect(regions.map((a) => a.target!.timeRegion)).toEqual([
      { mode: 'cron', cronExpr: '30 7 * * 1-6', duration: '300m', timezone: 'Asia/Shanghai' },
      { mode: 'cron', cronExpr: '30 13 * * 1-6', duration: '300m', timezone: 'Asia/Shanghai' },
      { mode: 'cron', cronExpr: '30 9 17 1 *', duration: '240m', timezone: 'Europe/London' },
      { mode: 'cron', cronExpr: '30 9 13 6 *', duration: '240m', timezone: 'Europe/London' },
    ]);
    expect(examSessionWindows(environments[0].calendar, ['production'], ['x'], 27 * 60).map(syncWindowRegion)).toEqual(regions.map((a) => a.target!.timeRegion));
  });

  test('Go durations in minutes; a bad one is refused', () => {
    expect([goDurationMinutes('5h15m'), goDurationMinutes('45m'), goDurationMinutes('2h')]).toEqual([315, 45, 120]);
    expect(() => goDurationMinutes('1d')).toThrow(/sync window duration "1d" is not hours and minutes/);
    expect(() => goDurationMinutes('')).toThrow(/not hours and minutes/);
  });
});
