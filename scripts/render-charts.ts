/**
 * Renders every add-on with the real Helm engine and records what it installs in
 * lib/config/addon-inventory.json (the CRDs and the object kinds; see
 * lib/config/addon-inventory.ts). The charts are not in this repository: pull them, at the
 * pinned versions, into a cache folder first (`--print-pull-commands` prints the commands).
 *
 *   npm run charts:render -- --print-pull-commands [--cache DIR]
 *   npm run charts:render -- --cache DIR            # render and write the inventory
 *   npm run charts:render -- --cache DIR --check    # render and compare (exit 1 on a difference)
 *   npm run charts:render -- --cache DIR --only keda  # render one add-on, keep the others' entries
 *
 * Every chart is rendered as Argo CD renders it (`helm template --include-crds`) with our
 * values, `--kube-version` KUBERNETES_VERSION, and `--api-versions` for every API the add-ons
 * install (Argo CD passes the cluster's APIs, and by the add-on's wave those are installed):
 * a first pass finds the CRDs, a second renders with them. `helm template` fails on a value
 * the chart's values.schema.json or templates reject.
 */
import { apiGroupOf } from '../lib/rules/objects';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { ADDONS, AddonSpec, applicationWave } from '../lib/config/addons';
import { CHECKS, CheckId, PolicyObject, runCheck } from '../lib/analysis/workload-policy';
import { AddonInventory, AddonInventoryEntry, InventoryCrd, InventoryKind, InventoryPodSecurity, InventoryUnstableField, addonInputDigest, addonSourceId } from '../lib/config/addon-inventory';
import { KUBERNETES_VERSION } from '../lib/config/versions';
import { helmBinary } from './helm';

const root = path.resolve(__dirname, '..');
export const INVENTORY_FILE = path.join(root, 'lib', 'config', 'addon-inventory.json');

/** Core kinds without a namespace (Kubernetes 1.28-1.35); every other core kind is namespaced. */
const CLUSTER_SCOPED_CORE = new Set([
  'Namespace',
  'Node',
  'PersistentVolume',
  'ClusterRole',
  'ClusterRoleBinding',
  'CustomResourceDefinition',
  'APIService',
  'MutatingWebhookConfiguration',
  'ValidatingWebhookConfiguration',
  'ValidatingAdmissionPolicy',
  'ValidatingAdmissionPolicyBinding',
  'MutatingAdmissionPolicy',
  'MutatingAdmissionPolicyBinding',
  'PriorityClass',
  'StorageClass',
  'CSIDriver',
  'CSINode',
  'VolumeAttachment',
  'IngressClass',
  'RuntimeClass',
  'FlowSchema',
  'PriorityLevelConfiguration',
  'CertificateSigningRequest',
]);

interface Manifest {
  apiVersion?: string;
  kind?: string;
  metadata?: { name?: string; namespace?: string };
  spec?: { group?: string; scope?: string; names?: { kind?: string }; versions?: { name: string; served?: boolean }[]; [field: string]: unknown };
}

/** The file `helm pull` writes for a chart: `<chart>-<version>.tgz`. */
export function chartArchive(cache: string, addon: AddonSpec): string {
  if (addon.source.type !== 'helm') throw new Error(`${addon.name} is not a Helm chart`);
  return path.join(cache, `${addon.source.chart.chart}-${addon.source.chart.version}.tgz`);
}

/** The folder of a git-sourced add-on inside the cache: `<repo name>-<revision>/<path>`. */
export function gitFolder(cache: string, addon: AddonSpec): string {
  if (addon.source.type !== 'git') throw new Error(`${addon.name} is not a git source`);
  const repo = path.basename(addon.source.git.repoURL).replace(/\.git$/, '');
  return path.join(cache, `${repo}-${addon.source.git.revision}`, addon.source.git.path);
}

/** The commands that fill the cache with exactly the pinned sources. */
export function pullCommands(cache: string): string[] {
  return ADDONS.map((a) => {
    if (a.source.type === 'git') {
      const { repoURL, revision } = a.source.git;
      return `git clone --depth 1 --branch ${revision} ${repoURL} ${path.join(cache, `${path.basename(repoURL).replace(/\.git$/, '')}-${revision}`)}`;
    }
    const { repoURL, chart, version } = a.source.chart;
    return repoURL.startsWith('https://')
      ? `helm pull ${chart} --repo ${repoURL} --version ${version} --destination ${cache}`
      : `helm pull oci://${repoURL}/${chart} --version ${version} --destination ${cache}`;
  });
}

function renderAddon(addon: AddonSpec, cache: string, apiVersions: readonly string[], tmp: string): Manifest[] {
  if (addon.source.type === 'git') {
    const dir = gitFolder(cache, addon);
    if (!fs.existsSync(dir)) throw new Error(`${addon.name}: ${dir} is missing; fill the cache first (npm run charts:render -- --print-pull-commands)`);
    return fs
      .readdirSync(dir)
      .filter((f) => /\.ya?ml$/.test(f))
      .sort()
      .flatMap((f) => parseAllDocuments(fs.readFileSync(path.join(dir, f), 'utf8')).map((d) => d.toJS() as Manifest));
  }
  const archive = chartArchive(cache, addon);
  if (!fs.existsSync(archive)) throw new Error(`${addon.name}: ${archive} is missing; fill the cache first (npm run charts:render -- --print-pull-commands)`);
  const valuesFile = path.join(tmp, `${addon.name}.values.json`);
  fs.writeFileSync(valuesFile, JSON.stringify(addon.source.values));
  const args = [
    'template',
    addon.source.releaseName,
    archive,
    '--namespace',
    addon.namespace,
    '--kube-version',
    KUBERNETES_VERSION,
    '--values',
    valuesFile,
    '--include-crds',
    // The Applications set helm.skipTests: Argo CD does not run Helm test hooks.
    '--skip-tests',
    ...apiVersions.flatMap((v) => ['--api-versions', v]),
  ];
  let out: string;
  try {
    out = execFileSync(helmBinary(), args, { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (err) {
    const stderr = (err as { stderr?: string }).stderr ?? String(err);
    throw new Error(`${addon.name}: helm template ${path.basename(archive)} failed with our values (lib/config/addons/): ${stderr.trim()}`);
  }
  return parseAllDocuments(out)
    .map((d) => d.toJS() as Manifest | null)
    .filter((m): m is Manifest => m !== null && typeof m === 'object' && m.kind !== undefined);
}

function crdsOf(manifests: readonly Manifest[]): InventoryCrd[] {
  return manifests
    .filter((m) => m.kind === 'CustomResourceDefinition')
    .map((m) => ({
      group: m.spec!.group!,
      kind: m.spec!.names!.kind!,
      scope: m.spec!.scope === 'Cluster' ? ('Cluster' as const) : ('Namespaced' as const),
      versions: (m.spec!.versions ?? []).filter((v) => v.served !== false).map((v) => v.name),
    }))
    .sort((a, b) => `${a.group}/${a.kind}`.localeCompare(`${b.group}/${b.kind}`, 'en'));
}

/** The Pod Security Standards checks of lib/analysis/workload-policy.ts ("restricted" includes baseline). */
const RESTRICTED_CHECKS = (Object.keys(CHECKS) as CheckId[]).filter((id) => CHECKS[id].source === 'Pod Security Standards (restricted)');
/** The host-access checks that "baseline" makes too (hostPath volumes are checked below). */
const BASELINE_CHECKS: readonly CheckId[] = ['hostProcess', 'hostNetworkSet', 'hostPIDSet', 'hostIPCSet', 'runAsPrivileged', 'hostPortSet'];

interface PodTemplateJson {
  spec?: { volumes?: { name: string; hostPath?: unknown }[] };
}

/** Pod templates of a rendered workload (Deployment, DaemonSet, Job, CronJob...). */
function podTemplates(m: Manifest): PodTemplateJson[] {
  const spec = (m as { spec?: { template?: PodTemplateJson; jobTemplate?: { spec?: { template?: PodTemplateJson } } } }).spec;
  return [spec?.template, spec?.jobTemplate?.spec?.template].filter((t): t is PodTemplateJson => t !== undefined);
}

/**
 * Per namespace, what the chart's pods need from Pod Security admission: the restricted checks
 * they fail, and the baseline (host access) checks they fail, hostPath volumes included.
 */
export function podSecurityOf(addon: AddonSpec, manifests: readonly Manifest[]): InventoryPodSecurity[] {
  const withNamespace = manifests
    .filter((m) => m.kind !== undefined && m.apiVersion !== undefined)
    .map((m) => ({ ...m, metadata: { name: m.metadata?.name ?? '', namespace: m.metadata?.namespace ?? addon.namespace } })) as unknown as PolicyObject[];
  const byNamespace = new Map<string, { restricted: Set<string>; baseline: Set<string> }>();
  const at = (ns: string) => byNamespace.get(ns) ?? byNamespace.set(ns, { restricted: new Set(), baseline: new Set() }).get(ns)!;
  for (const m of withNamespace) if (podTemplates(m as unknown as Manifest).length > 0) at(m.metadata.namespace!);
  for (const id of RESTRICTED_CHECKS) {
    for (const f of runCheck(id, withNamespace, { productionNamespaces: [], exceptions: [] })) {
      const ns = f.object.split(' ')[1].split('/')[0];
      at(ns).restricted.add(id);
      if (BASELINE_CHECKS.includes(id)) at(ns).baseline.add(id);
    }
  }
  for (const m of withNamespace) {
    if (podTemplates(m as unknown as Manifest).some((t) => (t.spec?.volumes ?? []).some((v) => v.hostPath !== undefined))) at(m.metadata.namespace!).baseline.add('hostPathVolume');
  }
  return [...byNamespace.entries()]
    .map(([namespace, v]) => ({ namespace, restrictedFindings: [...v.restricted].sort(), baselineFindings: [...v.baseline].sort() }))
    .sort((a, b) => (a.namespace < b.namespace ? -1 : 1));
}

/** The inventory entry of one render: pure, so the test can check it on any render. */
function objectKey(m: Manifest): string {
  return `${m.apiVersion} ${m.kind} ${m.metadata?.namespace ?? ''} ${m.metadata?.name ?? ''}`;
}

/** JSON pointers (RFC 6901) of the leaves that differ between two values. */
function differingPointers(a: unknown, b: unknown, at = ''): string[] {
  const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;
  if (isObj(a) && isObj(b) && Array.isArray(a) === Array.isArray(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
    return keys.flatMap((k) => differingPointers(a[k], b[k], `${at}/${k.replace(/~/g, '~0').replace(/\//g, '~1')}`));
  }
  return JSON.stringify(a) === JSON.stringify(b) ? [] : [at];
}

/** The fields two renders of the same chart and values disagree on, per object. */
export function unstableFields(first: readonly Manifest[], second: readonly Manifest[]): InventoryUnstableField[] {
  const other = new Map(second.map((m) => [objectKey(m), m]));
  const out: InventoryUnstableField[] = [];
  for (const m of first) {
    const pointers = differingPointers(m, other.get(objectKey(m)));
    if (pointers.length === 0) continue;
    const group = apiGroupOf(m.apiVersion!);
    out.push({ group, kind: m.kind!, namespace: m.metadata?.namespace, name: m.metadata?.name ?? '', jsonPointers: pointers });
  }
  return out.sort((a, b) => (`${a.kind}/${a.name}` < `${b.kind}/${b.name}` ? -1 : 1));
}

export function inventoryEntry(
  addon: AddonSpec,
  manifests: readonly Manifest[],
  allCrds: readonly InventoryCrd[],
  unstable: readonly InventoryUnstableField[] = [],
): AddonInventoryEntry {
  const crds = crdsOf(manifests);
  const scopeOf = (apiVersion: string, kind: string): boolean => {
    const group = apiGroupOf(apiVersion);
    const crd = allCrds.find((c) => c.group === group && c.kind === kind);
    if (crd !== undefined) return crd.scope === 'Namespaced';
    return !CLUSTER_SCOPED_CORE.has(kind);
  };
  const kinds = new Map<string, { apiVersion: string; kind: string; namespaced: boolean; count: number; namespaces: Set<string> }>();
  for (const m of manifests) {
    if (m.apiVersion === undefined || m.kind === undefined) throw new Error(`${addon.name}: a rendered object has no apiVersion or kind`);
    const key = `${m.apiVersion} ${m.kind}`;
    const namespaced = scopeOf(m.apiVersion, m.kind);
    const k = kinds.get(key) ?? { apiVersion: m.apiVersion, kind: m.kind, namespaced, count: 0, namespaces: new Set<string>() };
    k.count++;
    if (namespaced) k.namespaces.add(m.metadata?.namespace ?? addon.namespace);
    kinds.set(key, k);
  }
  const objects: InventoryKind[] = [...kinds.values()]
    .map((k) => ({ apiVersion: k.apiVersion, kind: k.kind, namespaced: k.namespaced, count: k.count, namespaces: [...k.namespaces].sort() }))
    .sort((a, b) => `${a.apiVersion} ${a.kind}`.localeCompare(`${b.apiVersion} ${b.kind}`, 'en'));
  return { source: addonSourceId(addon), kubernetesVersion: KUBERNETES_VERSION, inputDigest: addonInputDigest(addon), crds, objects, podSecurity: podSecurityOf(addon, manifests), unstable };
}

function apiVersionsOf(crds: readonly InventoryCrd[]): string[] {
  return [...new Set(crds.flatMap((c) => c.versions.flatMap((v) => [`${c.group}/${v}`, `${c.group}/${v}/${c.kind}`])))].sort();
}

/**
 * Renders every add-on into an inventory, in two passes. First in wave order, each add-on
 * with only the APIs of the add-ons of earlier waves: what the cluster serves when Argo CD
 * first renders it (a chart that requires a missing API fails here, which is an ordering
 * error). Then each with every add-on's APIs: what Argo CD renders once all are installed,
 * which is the state the inventory records.
 */
export function renderInventory(cache: string): AddonInventory {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'exam-delivery-charts-'));
  try {
    const byWave = [...ADDONS].sort((a, b) => applicationWave(a.name) - applicationWave(b.name));
    const allCrds: InventoryCrd[] = [];
    for (const wave of [...new Set(byWave.map((a) => applicationWave(a.name)))]) {
      const earlier = apiVersionsOf(allCrds);
      for (const addon of byWave.filter((a) => applicationWave(a.name) === wave)) allCrds.push(...crdsOf(renderAddon(addon, cache, earlier, tmp)));
    }
    const apiVersions = apiVersionsOf(allCrds);
    const out: Record<string, AddonInventoryEntry> = {};
    for (const addon of ADDONS) {
      const render = renderAddon(addon, cache, apiVersions, tmp);
      // A second render finds what the chart randomizes: Argo CD would see it change on every refresh.
      const again = renderAddon(addon, cache, apiVersions, tmp);
      out[addon.name] = inventoryEntry(addon, render, allCrds, unstableFields(render, again));
    }
    return out;
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

/**
 * Renders one add-on and replaces its entry in `inventory` (the others stay as recorded): for a
 * new or changed add-on when only its chart is in the cache. The same two passes as
 * renderInventory, with the other add-ons' APIs read from the inventory.
 */
export function renderOneAddon(cache: string, name: string, inventory: AddonInventory): AddonInventory {
  const addon = ADDONS.find((a) => a.name === name);
  if (addon === undefined) throw new Error(`--only ${name}: no such add-on; expected one of ${ADDONS.map((a) => a.name).join(', ')}`);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'exam-delivery-charts-'));
  try {
    const others = ADDONS.filter((a) => a.name !== name && inventory[a.name] !== undefined);
    const earlier = others.filter((a) => applicationWave(a.name) < applicationWave(name)).flatMap((a) => inventory[a.name].crds);
    const own = crdsOf(renderAddon(addon, cache, apiVersionsOf(earlier), tmp));
    const allCrds = [...others.flatMap((a) => inventory[a.name].crds), ...own];
    const render = renderAddon(addon, cache, apiVersionsOf(allCrds), tmp);
    const again = renderAddon(addon, cache, apiVersionsOf(allCrds), tmp);
    const entry = inventoryEntry(addon, render, allCrds, unstableFields(render, again));
    return Object.fromEntries(ADDONS.filter((a) => a.name === name || inventory[a.name] !== undefined).map((a) => [a.name, a.name === name ? entry : inventory[a.name]]));
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

export function inventoryText(inventory: AddonInventory): string {
  return `${JSON.stringify(inventory, null, 2)}\n`;
}

function main(argv: readonly string[]): number {
  const arg = (name: string): string | undefined => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const cache = path.resolve(arg('--cache') ?? path.join(root, '.chart-cache'));
  if (argv.includes('--print-pull-commands')) {
    console.log(pullCommands(path.relative(process.cwd(), cache) || '.').join('\n'));
    return 0;
  }
  const only = arg('--only');
  const text = inventoryText(only === undefined ? renderInventory(cache) : renderOneAddon(cache, only, JSON.parse(fs.readFileSync(INVENTORY_FILE, 'utf8')) as AddonInventory));
  const rel = path.relative(root, INVENTORY_FILE);
  if (argv.includes('--check')) {
    if (fs.readFileSync(INVENTORY_FILE, 'utf8') !== text) {
      console.error(`${rel} differs from a render of the pinned charts in ${cache}; run npm run charts:render -- --cache ${cache} and commit it`);
      return 1;
    }
    console.log(`${rel} matches the charts in ${cache}`);
    return 0;
  }
  fs.writeFileSync(INVENTORY_FILE, text);
  console.log(`${rel} written from ${ADDONS.length} add-ons rendered at Kubernetes ${KUBERNETES_VERSION}`);
  return 0;
}

if (require.main === module) {
  try {
    process.exit(main(process.argv.slice(2)));
  } catch (err) {
    console.error(err instanceof Error ? err.message : String(err));
    process.exit(1);
  }
}
