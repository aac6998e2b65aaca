/**
 * What each add-on really installs, as `helm template` renders its chart with our values at
 * KUBERNETES_VERSION: the CRDs (group, kind, served versions, scope) and every object kind,
 * with the namespaces its namespaced objects land in. Recorded in addon-inventory.json by
 * `npm run charts:render` (scripts/render-charts.ts) from the pinned charts; the project
 * whitelists and the API closure test rest on it. A test recomputes `inputDigest` from the
 * current values, chart pin and Kubernetes version, so a change to any of them without a
 * re-render fails.
 */
import { createHash } from 'node:crypto';
import inventoryJson from './addon-inventory.json';
import type { AddonSpec } from './addons';
import { KUBERNETES_VERSION } from './versions';

export interface InventoryCrd {
  readonly group: string;
  readonly kind: string;
  readonly scope: 'Namespaced' | 'Cluster';
  /** Served versions. */
  readonly versions: readonly string[];
}

export interface InventoryKind {
  readonly apiVersion: string;
  readonly kind: string;
  readonly namespaced: boolean;
  /** How many objects of the kind the render holds. */
  readonly count: number;
  /** Where the namespaced ones go (empty for cluster-scoped kinds). */
  readonly namespaces: readonly string[];
}

/**
 * What the add-on's pods need from Pod Security admission in one namespace: the checks of
 * "restricted" they fail (lib/analysis/workload-policy.ts), and those of them that "baseline"
 * also makes (host namespaces, privileged, host ports, hostPath volumes). None: "restricted" is
 * enough; only restricted ones: "baseline"; any baseline one: "privileged".
 */
export interface InventoryPodSecurity {
  readonly namespace: string;
  readonly restrictedFindings: readonly string[];
  readonly baselineFindings: readonly string[];
}

/**
 * Fields a chart renders differently every time (a generated password and the checksum of it):
 * Argo CD re-renders on every refresh and would report, and with self-heal re-apply, them forever.
 * Each must be ignored by the add-on's Application (ignoreDifferences).
 */
export interface InventoryUnstableField {
  readonly group: string;
  readonly kind: string;
  readonly namespace?: string;
  readonly name: string;
  readonly jsonPointers: readonly string[];
}

export interface AddonInventoryEntry {
  /** `<chart>@<version>` or `<repo>@<revision>:<path>`. */
  readonly source: string;
  readonly kubernetesVersion: string;
  /** sha256 of the source pin, the Kubernetes version and the values (canonical JSON). */
  readonly inputDigest: string;
  readonly crds: readonly InventoryCrd[];
  readonly objects: readonly InventoryKind[];
  /** Per namespace its pods run in. */
  readonly podSecurity: readonly InventoryPodSecurity[];
  /** What two renders disagree on. */
  readonly unstable: readonly InventoryUnstableField[];
}

export type AddonInventory = Readonly<Record<string, AddonInventoryEntry>>;

export const ADDON_INVENTORY: AddonInventory = inventoryJson as AddonInventory;

/** JSON with sorted keys: the same value always gives the same bytes. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const obj = value as Record<string, unknown>;
    return `{${Object.keys(obj)
      .filter((k) => obj[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

/** The add-on's source as the inventory names it. */
export function addonSourceId(addon: AddonSpec): string {
  return addon.source.type === 'helm'
    ? `${addon.source.chart.chart}@${addon.source.chart.version}`
    : `${addon.source.git.repoURL}@${addon.source.git.revision}:${addon.source.git.path}`;
}

/** What a render of the add-on depends on, hashed. */
export function addonInputDigest(addon: AddonSpec, kubernetesVersion = KUBERNETES_VERSION): string {
  const input = {
    source: addon.source.type === 'helm' ? { ...addon.source.chart, releaseName: addon.source.releaseName } : addon.source.git,
    namespace: addon.namespace,
    kubernetesVersion,
    values: addon.source.type === 'helm' ? addon.source.values : null,
  };
  return createHash('sha256').update(canonicalJson(input)).digest('hex');
}

/** The add-on's inventory entry; throws, saying how to refresh it, when it is missing or stale. */
export function inventoryOf(addon: AddonSpec, inventory: AddonInventory = ADDON_INVENTORY): AddonInventoryEntry {
  const entry = inventory[addon.name];
  const refresh = 'run `npm run charts:render -- --cache <folder of the pinned charts>` (README, "Add-ons") and commit lib/config/addon-inventory.json';
  if (entry === undefined) throw new Error(`lib/config/addon-inventory.json: no entry for add-on ${addon.name}; ${refresh}`);
  if (entry.inputDigest !== addonInputDigest(addon)) {
    throw new Error(`lib/config/addon-inventory.json: entry ${addon.name} was rendered from other values, chart version or Kubernetes version than lib/config now holds; ${refresh}`);
  }
  return entry;
}
