import { apiGroupOf } from '../rules/objects';
import { App } from 'cdk8s';
import { ADDON_INVENTORY, AddonInventory, inventoryOf } from '../config/addon-inventory';
import { ADDONS, ADDONS_PROJECT_NAME, ADDON_AUTOMATED, ADDON_SYNC_OPTIONS, AddonPodSecurity, AddonSpec, applicationWave } from '../config/addons';
import type { ExamCalendar } from '../config/calendar';
import { ARGOCD_FOLDER, ARGOCD_NAMESPACE, GroupKind, IN_CLUSTER, SYNC_RETRY, examSessionWindows } from '../config/gitops';
import type { EnvironmentName } from '../config/schema';
import { applicationNotificationAnnotations } from '../config/notifications';
import { KUBERNETES_VERSION } from '../config/versions';
import { ArgoCdApplication } from '../constructs/argocd-application';
import { ArgoCdProject } from '../constructs/argocd-project';
import { OutputChart } from './output-chart';
import { SYNC_WAVE_ANNOTATION } from './sync-waves';

export interface AddonsChartProps {
  /** @default ADDONS of lib/config/addons */
  readonly addons?: readonly AddonSpec[];
  /** @default lib/config/addon-inventory.json */
  readonly inventory?: AddonInventory;
  /**
   * The exam sessions the add-ons are frozen during: those of the given environments in the
   * exam calendar, the freeze opening early enough for the longest release to finish
   * (`examSessionWindows` of lib/config/gitops.ts). @default no windows
   */
  readonly freeze?: AddonFreeze;
}

/** What the add-ons' deny windows derive from. */
export interface AddonFreeze {
  readonly calendar: ExamCalendar;
  readonly environments: readonly EnvironmentName[];
  readonly longestReleaseSeconds: number;
}

/** `v1.35` from `1.35.0`: the Pod Security version labels name a minor. */
function podSecurityVersion(): string {
  const [major, minor] = KUBERNETES_VERSION.split('.');
  return `v${major}.${minor}`;
}

/** The strictest Pod Security level every add-on pod in the namespace passes, per the render inventory. */
export function requiredPodSecurity(namespace: string, inventory: AddonInventory): AddonPodSecurity {
  const found = Object.values(inventory).flatMap((e) => e.podSecurity.filter((p) => p.namespace === namespace));
  if (found.some((p) => p.baselineFindings.length > 0)) return 'privileged';
  if (found.some((p) => p.restrictedFindings.length > 0)) return 'baseline';
  return 'restricted';
}

function byGroupKind(a: GroupKind, b: GroupKind): number {
  const ka = `${a.group}/${a.kind}`;
  const kb = `${b.group}/${b.kind}`;
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}

/**
 * dist/argocd/: AppProject `exam-addons` and one Application per add-on (lib/config/addons),
 * each an upstream chart at its pinned version with our values, synced by the root in the
 * add-on's wave (APPLICATION_WAVES).
 *
 * The project admits exactly what the charts install, derived from the render inventory
 * (lib/config/addon-inventory.json): its repositories are the add-ons' sources, spelled out; its
 * destinations the namespaces their objects land in; its kinds, cluster-scoped and namespaced,
 * those the renders hold (plus Namespace, for the namespaces the Applications create). A stale
 * inventory (values, chart or Kubernetes version changed since the render) stops synth.
 */
export class AddonsChart extends OutputChart {
  public readonly project: ArgoCdProject;
  public readonly applications: readonly ArgoCdApplication[];

  constructor(scope: App, props: AddonsChartProps = {}) {
    super(scope, 'argocd-addons', { folder: ARGOCD_FOLDER, clusterFolder: ARGOCD_FOLDER });
    const addons = props.addons ?? ADDONS;
    const inventory = props.inventory ?? ADDON_INVENTORY;

    const names = new Set<string>();
    for (const a of addons) {
      if (names.has(a.name)) throw new Error(`AddonsChart: add-on ${a.name} is listed twice; expected each add-on once in lib/config/addons`);
      names.add(a.name);
    }

    const repos = new Set<string>();
    const namespaces = new Set<string>();
    const clusterKinds = new Map<string, GroupKind>();
    const namespacedKinds = new Map<string, GroupKind>();
    const applications: ArgoCdApplication[] = [];
    for (const addon of addons) {
      const entry = inventoryOf(addon, inventory);
      for (const u of entry.unstable) {
        const ignored = (addon.ignoreDifferences ?? []).find((d) => d.group === u.group && d.kind === u.kind && d.name === u.name && d.namespace === u.namespace);
        const missing = u.jsonPointers.filter((p) => !(ignored?.jsonPointers ?? []).includes(p));
        if (missing.length > 0) {
          throw new Error(
            `AddonsChart: the ${addon.name} chart renders ${u.kind} ${u.namespace ?? '(cluster)'}/${u.name} differently every time at ${missing.join(', ')} (lib/config/addon-inventory.json, unstable); Argo CD would report and re-apply it on every refresh; expected those pointers in the add-on's ignoreDifferences (lib/config/addons/index.ts) or values that make the render stable`,
          );
        }
      }
      namespaces.add(addon.namespace);
      for (const o of entry.objects) {
        const gk = { group: apiGroupOf(o.apiVersion), kind: o.kind };
        (o.namespaced ? namespacedKinds : clusterKinds).set(`${gk.group}/${gk.kind}`, gk);
        for (const ns of o.namespaces) namespaces.add(ns);
      }
      const syncOptions = ADDON_SYNC_OPTIONS.map((o) => o.option);
      if (addon.createNamespace !== undefined) {
        syncOptions.unshift('CreateNamespace=true');
        clusterKinds.set('/Namespace', { group: '', kind: 'Namespace' });
      }
      const source = addon.source;
      repos.add(source.type === 'helm' ? source.chart.repoURL : source.git.repoURL);
      const psa: Record<string, string> = {};
      if (addon.createNamespace !== undefined) {
        const required = requiredPodSecurity(addon.namespace, inventory);
        if (addon.createNamespace.enforce !== required) {
          throw new Error(
            `AddonsChart: add-on ${addon.name} would create namespace ${addon.namespace} enforcing Pod Security "${addon.createNamespace.enforce}", but its pods (lib/config/addon-inventory.json, podSecurity) pass "${required}" and no stricter level; expected createNamespace.enforce: '${required}'${required === 'restricted' ? '' : ' with its reason'} in lib/config/addons/index.ts`,
          );
        }
        const levels = { enforce: addon.createNamespace.enforce, audit: 'restricted', warn: 'restricted' };
        for (const [mode, level] of Object.entries(levels)) {
          psa[`pod-security.kubernetes.io/${mode}`] = level;
          psa[`pod-security.kubernetes.io/${mode}-version`] = podSecurityVersion();
        }
      }
      applications.push(
        new ArgoCdApplication(this, addon.name, {
          name: addon.name,
          namespace: ARGOCD_NAMESPACE,
          project: ADDONS_PROJECT_NAME,
          repoUrl: source.type === 'helm' ? source.chart.repoURL : source.git.repoURL,
          targetRevision: source.type === 'helm' ? source.chart.version : source.git.revision,
          path: source.type === 'git' ? source.git.path : undefined,
          helm: source.type === 'helm' ? { chart: source.chart.chart, releaseName: source.releaseName, values: source.values } : undefined,
          server: IN_CLUSTER,
          destinationNamespace: addon.namespace,
          automated: ADDON_AUTOMATED,
          syncOptions,
          retry: SYNC_RETRY,
          managedNamespaceMetadata:
            addon.createNamespace !== undefined
              ? {
                  labels: { 'app.kubernetes.io/part-of': 'exam-system', 'app.kubernetes.io/component': 'addon', ...psa },
                  annotations: addon.createNamespace.enforce === 'restricted' ? undefined : { 'exam-system.io/pod-security-exception': addon.createNamespace.reason },
                }
              : undefined,
          ignoreDifferences: addon.ignoreDifferences?.map((d) => ({ group: d.group, kind: d.kind, name: d.name, namespace: d.namespace, jsonPointers: d.jsonPointers })),
          // No resources finalizer: deleting an add-on's Application leaves the add-on (and its CRDs' objects) running.
          cascadeDelete: false,
          annotations: { ...applicationNotificationAnnotations('platform'), [SYNC_WAVE_ANNOTATION]: String(applicationWave(addon.name)) },
          labels: { 'exam-system.io/addon': addon.name },
          info: { Purpose: addon.purpose },
        }),
      );
    }
    this.applications = applications;

    this.project = new ArgoCdProject(this, 'project', {
      name: ADDONS_PROJECT_NAME,
      namespace: ARGOCD_NAMESPACE,
      description: 'The cluster add-ons (controllers, CRDs, Argo CD itself): upstream charts pinned to exact versions, admitted exactly as rendered',
      sourceRepos: [...repos].sort(),
      destinations: [...namespaces].sort().map((namespace) => ({ server: IN_CLUSTER, namespace })),
      clusterResources: [...clusterKinds.values()].sort(byGroupKind),
      namespacedResources: [...namespacedKinds.values()].sort(byGroupKind),
      syncWindows: props.freeze === undefined ? [] : examSessionWindows(props.freeze.calendar, props.freeze.environments, addons.map((a) => a.name), props.freeze.longestReleaseSeconds),
    });
  }
}
