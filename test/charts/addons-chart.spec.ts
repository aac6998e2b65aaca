/** AddonsChart: refuses a stale inventory or a duplicate add-on, and derives the project from the inventory. */
import { Testing } from 'cdk8s';
import { AddonsChart } from '../../lib/charts/addons-chart';
import { ADDON_INVENTORY } from '../../lib/config/addon-inventory';
import { ADDONS } from '../../lib/config/addons';
import { KubeObject } from '../../lib/output/render';

const metrics = ADDONS.find((a) => a.name === 'metrics-server')!;

describe('AddonsChart', () => {
  test('refuses an add-on whose values changed since the inventory was rendered, saying how to refresh it', () => {
    const changed = { ...metrics, source: { ...metrics.source, values: { replicas: 5 } } } as typeof metrics;
    expect(() => new AddonsChart(Testing.app(), { addons: [changed] })).toThrow(/addon-inventory.json: entry metrics-server was rendered from other values.*npm run charts:render/);
  });

  test('refuses an add-on listed twice', () => {
    expect(() => new AddonsChart(Testing.app(), { addons: [metrics, metrics] })).toThrow(/add-on metrics-server is listed twice/);
  });

  test("admits in its project exactly the kinds and namespaces of the add-ons' inventory", () => {
    const objects = new AddonsChart(Testing.app(), { addons: [metrics] }).toJson() as KubeObject[];
    const project = objects.find((o) => o.kind === 'AppProject')!.spec as {
      clusterResourceWhitelist: { group: string; kind: string }[];
      namespaceResourceWhitelist: { group: string; kind: string }[];
      destinations: { namespace: string }[];
      sourceRepos: string[];
    };
    const kinds = (namespaced: boolean) =>
      ADDON_INVENTORY['metrics-server'].objects.filter((o) => o.namespaced === namespaced).map((o) => `${o.apiVersion.includes('/') ? o.apiVersion.split('/')[0] : ''}/${o.kind}`).sort();
    expect(project.clusterResourceWhitelist.map((g) => `${g.group}/${g.kind}`).sort()).toEqual(kinds(false));
    expect(project.namespaceResourceWhitelist.map((g) => `${g.group}/${g.kind}`).sort()).toEqual(kinds(true));
    expect(project.destinations.map((d) => d.namespace)).toEqual(['kube-system']);
    expect(project.sourceRepos).toEqual(['https://kubernetes-sigs.github.io/metrics-server/']);
  });

  test('refuses a namespace Pod Security level other than the strictest its pods pass', () => {
    const rollouts = ADDONS.find((a) => a.name === 'argo-rollouts')!;
    const loose = { ...rollouts, createNamespace: { enforce: 'baseline' as const, reason: 'just in case' } };
    expect(() => new AddonsChart(Testing.app(), { addons: [loose] })).toThrow(/namespace argo-rollouts enforcing Pod Security "baseline", but its pods .* pass "restricted"/);
    const kps = ADDONS.find((a) => a.name === 'kube-prometheus-stack')!;
    const strict = { ...kps, createNamespace: { enforce: 'restricted' as const } };
    expect(() => new AddonsChart(Testing.app(), { addons: [strict] })).toThrow(/pass "privileged" and no stricter level/);
  });

  test("refuses a chart field that changes on every render unless the add-on's Application ignores it", () => {
    const kps = ADDONS.find((a) => a.name === 'kube-prometheus-stack')!;
    expect(ADDON_INVENTORY['kube-prometheus-stack'].unstable.length).toBeGreaterThan(0);
    const unguarded = { ...kps, ignoreDifferences: kps.ignoreDifferences!.filter((d) => d.kind !== 'Deployment') };
    expect(() => new AddonsChart(Testing.app(), { addons: [unguarded] })).toThrow(
      /renders Deployment monitoring\/kube-prometheus-stack-grafana differently every time at \/spec\/template\/metadata\/annotations\/checksum~1secret/,
    );
  });
});
