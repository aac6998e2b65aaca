/**
 * The cluster from zero, over the whole synthesized output: every API an Application uses is
 * served before it syncs (the closure), the add-ons are Applications of upstream charts pinned
 * exactly, and their project admits exactly what those charts install.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { AppliedKind, ClosureInput, closureViolations } from '../../lib/analysis/api-closure';
import { requiredPodSecurity } from '../../lib/charts/addons-chart';
import { SYNC_WAVE_ANNOTATION } from '../../lib/charts/sync-waves';
import { ADDON_INVENTORY } from '../../lib/config/addon-inventory';
import { ADDONS, ADDONS_PROJECT_NAME, APPLICATION_WAVES, ENVIRONMENTS_WAVE_KEY } from '../../lib/config/addons';
import { ARGOCD_NAMESPACE, IN_CLUSTER, REPO_URL } from '../../lib/config/gitops';
import { CHARTS, GATEWAY_API_CRDS } from '../../lib/config/versions';
import { KubeObject } from '../../lib/output/render';
import { REPO_ROOT } from '../../lib/paths';
import { synthesized } from '../support/synthesized';

interface AppSpec {
  project: string;
  source: { repoURL: string; targetRevision: string; path?: string; chart?: string; directory?: { recurse?: boolean }; helm?: { releaseName: string; skipTests?: boolean; valuesObject: unknown } };
  destination: { server: string; namespace: string };
  syncPolicy: { automated?: { enabled?: boolean; prune?: boolean; selfHeal?: boolean }; syncOptions?: string[]; managedNamespaceMetadata?: { labels?: Record<string, string> } };
}
interface GroupKind {
  group: string;
  kind: string;
}
interface ProjectSpec {
  sourceRepos: string[];
  destinations: { server: string; namespace: string }[];
  clusterResourceWhitelist: GroupKind[];
  namespaceResourceWhitelist: GroupKind[];
  roles?: unknown[];
  syncWindows?: unknown[];
}

const { objects } = synthesized();
const spec = (a: KubeObject) => a.spec as AppSpec;
const wave = (o: KubeObject) => Number(o.metadata.annotations?.[SYNC_WAVE_ANNOTATION]);
const applications = objects.filter((o) => o.path.startsWith('argocd/') && o.object.kind === 'Application').map((o) => o.object);
const addonApps = applications.filter((a) => spec(a).project === ADDONS_PROJECT_NAME);
const app = (name: string) => applications.find((a) => a.metadata.name === name)!;
const gk = (g: GroupKind) => `${g.group}/${g.kind}`;
const groupOf = (apiVersion: string) => (apiVersion.includes('/') ? apiVersion.split('/')[0] : '');

const CORE_1_28 = new Set((JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'imports', 'schemas', 'api-surface', 'k8s-1.28.json'), 'utf8')) as { kinds: string[] }).kinds);
/**
 * Core kinds the target minor serves that 1.28 does not: ValidatingAdmissionPolicy and its
 * binding reached admissionregistration.k8s.io/v1 in Kubernetes 1.30 (the Gateway API's
 * safe-upgrades policy uses v1). Only what add-on charts render may use them.
 */
const CORE_AFTER_1_28 = new Set(['admissionregistration.k8s.io/v1/ValidatingAdmissionPolicy', 'admissionregistration.k8s.io/v1/ValidatingAdmissionPolicyBinding']);

/** Who applies a dist/ file, and in which wave of the root. */
function appliedBy(filePath: string): { by: string; wave: number } | undefined {
  const top = filePath.split('/')[0];
  if (top === 'argocd-bootstrap') return { by: 'a person, after installing Argo CD', wave: -1 };
  if (top === 'argocd') return { by: 'exam-root', wave: -1 };
  const owners = applications.filter((a) => {
    const s = spec(a).source;
    if (s.repoURL !== REPO_URL || s.path === undefined) return false;
    const folder = s.path.replace(/^dist\//, '');
    return filePath.startsWith(`${folder}/`) && (s.directory?.recurse === true || !filePath.slice(folder.length + 1).includes('/'));
  });
  return owners.length === 1 ? { by: owners[0].metadata.name, wave: wave(owners[0]) } : undefined;
}

function closureInput(overrideWaves: Record<string, number> = {}, extra: AppliedKind[] = []): ClosureInput {
  const waves = new Map(addonApps.map((a) => [a.metadata.name, overrideWaves[a.metadata.name] ?? wave(a)]));
  const applied: AppliedKind[] = [];
  for (const o of objects) {
    // development is not deployed: a person applies it to a local cluster that runs the add-ons.
    const who = o.path.startsWith('development/') ? { by: 'a person (development bundle)', wave: Number.POSITIVE_INFINITY } : appliedBy(o.path)!;
    applied.push({ apiVersion: o.object.apiVersion, kind: o.object.kind, where: `dist/${o.path}`, appliedBy: who.by, wave: overrideWaves[who.by] ?? who.wave, targetCoreApi: false });
  }
  for (const addon of ADDONS) {
    for (const k of ADDON_INVENTORY[addon.name].objects) {
      applied.push({ apiVersion: k.apiVersion, kind: k.kind, where: `add-on ${addon.name}`, appliedBy: addon.name, wave: waves.get(addon.name)!, targetCoreApi: true, ownAddon: addon.name });
    }
  }
  return { coreKinds: CORE_1_28, targetCoreKinds: CORE_AFTER_1_28, addons: ADDONS, inventory: ADDON_INVENTORY, bootstrapAddon: 'argo-cd', waves, applied: [...applied, ...extra] };
}

describe('the API closure of dist/', () => {
  test('every deployed object is applied by exactly one Application (or by the person bootstrapping Argo CD)', () => {
    for (const o of objects.filter((x) => !x.path.startsWith('development/'))) expect([o.path, appliedBy(o.path) !== undefined]).toEqual([o.path, true]);
  });

  test('every apiVersion/kind is core Kubernetes 1.28 or installed by an add-on that syncs in an earlier wave', () => {
    const input = closureInput();
    // The check has something to check: custom kinds in dist/ and in the charts.
    expect(input.applied.filter((a) => !CORE_1_28.has(`${a.apiVersion}/${a.kind}`)).length).toBeGreaterThan(10);
    expect(closureViolations(input)).toEqual([]);
  });

  test('fails when an add-on syncs too late for its users, or a kind has no add-on', () => {
    // Monitoring after the environments: their ServiceMonitors (and the charts' ones) come first.
    const late = closureViolations(closureInput({ 'kube-prometheus-stack': 8 }));
    expect(late.join('\n')).toMatch(/monitoring\.coreos\.com\/v1\/ServiceMonitor is installed by add-on kube-prometheus-stack in wave 8, not before exam-production/);
    expect(late.join('\n')).toMatch(/add-on cert-manager: monitoring\.coreos\.com\/v1\/ServiceMonitor .* wave 8/);
    // The same wave is not earlier.
    expect(closureViolations(closureInput({ 'external-secrets': 5 })).join('\n')).toMatch(/external-secrets\.io\/v1\/ClusterSecretStore is installed by add-on external-secrets in wave 5, not before exam-platform \(wave 5\)/);
    const unknown: AppliedKind = { apiVersion: 'example.com/v1', kind: 'Widget', where: 'dist/production/widget-x.yaml', appliedBy: 'exam-production', wave: 7, targetCoreApi: false };
    expect(closureViolations(closureInput({}, [unknown]))).toEqual([expect.stringContaining('example.com/v1/Widget is neither core Kubernetes nor installed by any add-on')]);
    // Production's ScaledObjects need KEDA before the environments: a KEDA synced with them is refused.
    expect(closureViolations(closureInput({ keda: 7 })).join('\n')).toMatch(/keda\.sh\/v1alpha1\/ScaledObject is installed by add-on keda in wave 7, not before exam-production \(wave 7\)/);
    // A core kind of a later minor is not admitted in dist/ (the 1.28 surface), only in a chart.
    const vap: AppliedKind = { apiVersion: 'admissionregistration.k8s.io/v1', kind: 'ValidatingAdmissionPolicy', where: 'dist/platform/cluster/x.yaml', appliedBy: 'exam-platform', wave: 5, targetCoreApi: false };
    expect(closureViolations(closureInput({}, [vap]))).toHaveLength(1);
  });

  test('Application waves follow APPLICATION_WAVES, every Application has one, and the projects come first', () => {
    for (const a of applications) {
      const key = spec(a).project === 'exam-system' && a.metadata.name !== 'exam-platform' ? ENVIRONMENTS_WAVE_KEY : a.metadata.name;
      const expected = APPLICATION_WAVES.find((w) => w.applications.includes(key))!.wave;
      expect([a.metadata.name, wave(a)]).toEqual([a.metadata.name, expected]);
    }
    const projects = objects.filter((o) => o.path.startsWith('argocd/') && o.object.kind === 'AppProject').map((o) => o.object);
    expect(projects.map((p) => p.metadata.name).sort()).toEqual([ADDONS_PROJECT_NAME, 'exam-bootstrap', 'exam-platform', 'exam-system']);
    for (const p of projects) for (const a of applications) expect(wave(p)).toBeLessThan(wave(a));
    // Every wave named in the table is used, and each Application is in exactly one wave.
    const listed = APPLICATION_WAVES.flatMap((w) => w.applications);
    expect(new Set(listed).size).toBe(listed.length);
  });
});

describe('the add-on Applications', () => {
  test('one per add-on, each in project exam-addons, in namespace argocd, on the in-cluster API', () => {
    expect(addonApps.map((a) => a.metadata.name).sort()).toEqual(ADDONS.map((a) => a.name).sort());
    expect(addonApps.map((a) => a.metadata.name).sort()).toEqual(
      ['argo-cd', 'argo-rollouts', 'cert-manager', 'envoy-gateway', 'envoy-gateway-crds', 'external-secrets', 'falcosidekick', 'gateway-api-crds', 'keda', 'kube-prometheus-stack', 'kyverno', 'metrics-server'].sort(),
    );
    for (const a of addonApps) expect([a.metadata.name, a.metadata.namespace, spec(a).destination.server]).toEqual([a.metadata.name, ARGOCD_NAMESPACE, IN_CLUSTER]);
  });

  test('each is an upstream chart at an exact version with our values, or the Gateway API CRDs at a tag', () => {
    const pins = Object.values(CHARTS);
    for (const a of addonApps) {
      const s = spec(a).source;
      if (a.metadata.name === 'gateway-api-crds') {
        expect(s).toEqual({ repoURL: GATEWAY_API_CRDS.repoURL, targetRevision: 'v1.6.1', path: 'config/crd/standard', directory: { recurse: false } });
        continue;
      }
      const pin = pins.find((p) => p.chart === s.chart && p.repoURL === s.repoURL)!;
      expect([a.metadata.name, pin !== undefined]).toEqual([a.metadata.name, true]);
      expect(s.targetRevision).toBe(pin.version);
      expect(s.targetRevision).toMatch(/^v?\d+\.\d+\.\d+$/);
      expect(s.helm).toMatchObject({ skipTests: true, valuesObject: expect.any(Object) });
    }
  });

  test('sync with server-side apply (large CRDs), heal automatically, never prune by themselves, and keep running when deleted', () => {
    for (const a of addonApps) {
      const p = spec(a).syncPolicy;
      expect([a.metadata.name, p.syncOptions]).toEqual([a.metadata.name, expect.arrayContaining(['ServerSideApply=true', 'FailOnSharedResource=true'])]);
      expect([a.metadata.name, p.automated]).toEqual([a.metadata.name, { enabled: true, prune: false, selfHeal: true }]);
      expect([a.metadata.name, (a.metadata as { finalizers?: string[] }).finalizers]).toEqual([a.metadata.name, undefined]);
    }
  });

  test('create their namespaces enforcing the strictest Pod Security level their pods pass, except where another owner makes the namespace', () => {
    for (const a of addonApps) {
      const p = spec(a).syncPolicy;
      const ns = spec(a).destination.namespace;
      const creates = p.syncOptions!.includes('CreateNamespace=true');
      const hasPods = ADDON_INVENTORY[a.metadata.name].podSecurity.some((x) => x.namespace === ns);
      if (['argocd', 'kube-system', 'security-system'].includes(ns) || !hasPods) {
        expect([a.metadata.name, creates, p.managedNamespaceMetadata]).toEqual([a.metadata.name, false, undefined]);
        continue;
      }
      expect([a.metadata.name, creates]).toEqual([a.metadata.name, true]);
      expect([a.metadata.name, p.managedNamespaceMetadata?.labels]).toEqual([
        a.metadata.name,
        expect.objectContaining({
          'pod-security.kubernetes.io/enforce': requiredPodSecurity(ns, ADDON_INVENTORY),
          'pod-security.kubernetes.io/enforce-version': 'v1.35',
          'pod-security.kubernetes.io/audit': 'restricted',
          'pod-security.kubernetes.io/warn': 'restricted',
        }),
      ]);
    }
    // Only node-exporter needs more than restricted (host network, PID and paths); every other
    // add-on namespace enforces restricted. Envoy Gateway's data plane, which the controller creates
    // at run time (not in the render), is restricted too: envoyproxy/gateway v1.9.0
    // internal/infrastructure/kubernetes/proxy/testdata/deployments/default.yaml (non-root 65532,
    // no privilege escalation, ALL capabilities dropped, RuntimeDefault seccomp).
    const enforced = Object.fromEntries(addonApps.filter((a) => spec(a).syncPolicy.managedNamespaceMetadata).map((a) => [spec(a).destination.namespace, spec(a).syncPolicy.managedNamespaceMetadata!.labels!['pod-security.kubernetes.io/enforce']]));
    expect(enforced).toEqual({ monitoring: 'privileged', 'cert-manager': 'restricted', 'external-secrets': 'restricted', kyverno: 'restricted', 'argo-rollouts': 'restricted', 'envoy-gateway-system': 'restricted', keda: 'restricted' });
    // falcosidekick's values make it pass restricted, though security-system allows Falco more.
    expect(ADDON_INVENTORY.falcosidekick.podSecurity).toEqual([{ namespace: 'security-system', restrictedFindings: [], baselineFindings: [] }]);
    // security-system is exam-platform's (wave 5); falcosidekick syncs after it.
    expect(wave(app('falcosidekick'))).toBeGreaterThan(wave(app('exam-platform')));
  });
});

describe('the exam-addons project', () => {
  const project = objects.find((o) => o.path === `argocd/appproject-${ADDONS_PROJECT_NAME}.yaml`)!.object;
  const p = project.spec as ProjectSpec;

  test("allow-lists exactly the add-ons' repositories, spelled out", () => {
    const expected = new Set(addonApps.map((a) => spec(a).source.repoURL));
    expect(p.sourceRepos.sort()).toEqual([...expected].sort());
    expect(p.sourceRepos).not.toContain(REPO_URL);
    expect(JSON.stringify([p.sourceRepos, p.destinations, p.clusterResourceWhitelist, p.namespaceResourceWhitelist])).not.toContain('*');
  });

  test("admits exactly the kinds and namespaces the charts render (the inventory), plus Namespace for CreateNamespace", () => {
    const cluster = new Set<string>(['/Namespace']);
    const namespaced = new Set<string>();
    const namespaces = new Set<string>(addonApps.map((a) => spec(a).destination.namespace));
    for (const addon of ADDONS) {
      for (const k of ADDON_INVENTORY[addon.name].objects) {
        (k.namespaced ? namespaced : cluster).add(gk({ group: groupOf(k.apiVersion), kind: k.kind }));
        for (const ns of k.namespaces) namespaces.add(ns);
      }
    }
    expect(p.clusterResourceWhitelist.map(gk).sort()).toEqual([...cluster].sort());
    expect(p.namespaceResourceWhitelist.map(gk).sort()).toEqual([...namespaced].sort());
    expect(p.destinations.map((d) => d.namespace).sort()).toEqual([...namespaces].sort());
    // The charts need CRDs, webhooks and cluster RBAC; exam-system admits none of them.
    expect(p.clusterResourceWhitelist.map(gk)).toEqual(expect.arrayContaining(['apiextensions.k8s.io/CustomResourceDefinition', 'rbac.authorization.k8s.io/ClusterRole']));
    const examSystem = objects.find((o) => o.path === 'argocd/appproject-exam-system.yaml')!.object.spec as ProjectSpec;
    expect(examSystem.clusterResourceWhitelist.map(gk)).not.toContain('apiextensions.k8s.io/CustomResourceDefinition');
    expect(examSystem.clusterResourceWhitelist.map(gk)).not.toContain('rbac.authorization.k8s.io/ClusterRole');
  });

  test('carries the exam-session deny windows of every project, for every add-on, and no roles (administrators only)', () => {
    // The same windows as exam-platform's (derived from the exam calendar), over every add-on.
    const platform = objects.find((o) => o.path === 'argocd/appproject-exam-platform.yaml')!.object.spec as ProjectSpec;
    expect(p.syncWindows?.length).toBeGreaterThan(0);
    expect(p.syncWindows).toEqual((platform.syncWindows as Record<string, unknown>[]).map((w) => ({ ...w, applications: ADDONS.map((a) => a.name) })));
    expect(p.roles).toBeUndefined();
  });
});
