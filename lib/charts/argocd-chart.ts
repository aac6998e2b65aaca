import { App } from 'cdk8s';
import {
  ARGOCD_FOLDER,
  ARGOCD_NAMESPACE,
  BOOTSTRAP_FOLDER,
  BOOTSTRAP_PROJECT_NAME,
  CONTROLLER_OWNED,
  GroupKind,
  IN_CLUSTER,
  PERMITTED_CLUSTER_KINDS,
  PERMITTED_NAMESPACED_KINDS,
  PLATFORM_APPLICATION_NAME,
  PLATFORM_AUTOMATED,
  PLATFORM_FOLDER,
  PROJECT_NAME,
  PROJECT_ROLES,
  PermittedKind,
  REPO_URL,
  ROOT_APPLICATION_NAME,
  SYNC_OPTIONS,
  SYNC_RETRY,
  WIRING_REVISION,
  applicationName,
  applicationPath,
  EVERY_APPLICATION,
  canaryRouteOwnedFields,
  examSessionWindows,
  PLATFORM_DESTINATIONS,
  PLATFORM_PROJECT_NAME,
} from '../config/gitops';
import { applicationNotificationAnnotations } from '../config/notifications';
import { ROLLOUTS_GATEWAY_API_PLUGIN } from '../config/release';
import { Environment } from '../config/load';
import type { EnvironmentName } from '../config/schema';
import { SECURITY_NAMESPACE } from '../config/namespaces';
import type { NotificationTarget } from '../config/notifications';
import { ArgoCdApplication, AutomatedSync, IgnoredFields } from '../constructs/argocd-application';
import { ArgoCdProject } from '../constructs/argocd-project';
import { KubeObject, RenderedObject, folderOf } from '../output/render';
import { apiGroupOf } from '../rules/objects';
import { OutputChart } from './output-chart';
import { SYNC_WAVE_ANNOTATION } from './sync-waves';
import { ENVIRONMENTS_WAVE_KEY, applicationWave } from '../config/addons';

/** One Application of the exam-system project. */
interface Target {
  readonly name: string;
  readonly project: string;
  readonly folder: string;
  readonly recurse: boolean;
  readonly revision: string;
  readonly namespace: string;
  readonly automated: AutomatedSync;
  readonly notify: NotificationTarget;
  readonly labels: Record<string, string>;
  readonly info?: Record<string, string>;
}

const gkKey = (gk: GroupKind) => `${gk.group}/${gk.kind}`;

/** The permitted kinds that `used` holds, in the config's order; a used kind not permitted is an error. */
function whitelist(project: string, used: ReadonlyMap<string, string>, permitted: readonly PermittedKind[], scope: string): GroupKind[] {
  const allowed = new Set(permitted.map(gkKey));
  const refused = [...used.entries()].filter(([key]) => !allowed.has(key));
  if (refused.length > 0) {
    throw new Error(
      `ArgoCdChart: project ${project} would not admit the ${scope} kinds ${refused.map(([key, example]) => `${key} (e.g. ${example})`).join(', ')}; ` +
        `expected each in PERMITTED_${scope === 'cluster-scoped' ? 'CLUSTER' : 'NAMESPACED'}_KINDS of lib/config/gitops.ts with its reason`,
    );
  }
  return permitted.filter((p) => used.has(gkKey(p))).map((p) => ({ group: p.group, kind: p.kind }));
}

/**
 * Fields controllers own in one Application's objects: HPA targets' replicas, Rollouts'
 * Services, and the HTTPRoutes whose weights and header rules the Gateway API plugin changes.
 */
function controllerOwnedFields(objects: readonly KubeObject[]): IgnoredFields[] {
  const out: IgnoredFields[] = [];
  for (const o of objects) {
    const namespace = o.metadata.namespace;
    if (namespace === undefined) continue;
    if (o.kind === 'HorizontalPodAutoscaler' || o.kind === 'ScaledObject') {
      const ref = (o as unknown as { spec: { scaleTargetRef: { apiVersion: string; kind: string; name: string } } }).spec.scaleTargetRef;
      out.push({ group: apiGroupOf(ref.apiVersion), kind: ref.kind, name: ref.name, namespace, jsonPointers: CONTROLLER_OWNED.hpaTarget });
    } else if (o.kind === 'Rollout') {
      type PluginConfig = { httpRoutes?: { name: string }[]; httpRoute?: string; namespace?: string };
      type Strategy = {
        canary?: { canaryService?: string; stableService?: string; trafficRouting?: { managedRoutes?: { name: string }[]; plugins?: Record<string, PluginConfig> } };
        blueGreen?: { activeService?: string; previewService?: string };
      };
      const s = (o as unknown as { spec: { strategy: Strategy } }).spec.strategy;
      for (const name of [s.canary?.canaryService, s.canary?.stableService, s.blueGreen?.activeService, s.blueGreen?.previewService]) {
        if (name !== undefined) out.push({ group: '', kind: 'Service', name, namespace, jsonPointers: CONTROLLER_OWNED.rolloutService });
      }
      const plugin = s.canary?.trafficRouting?.plugins?.[ROLLOUTS_GATEWAY_API_PLUGIN];
      if (plugin !== undefined && s.canary?.stableService !== undefined && s.canary.canaryService !== undefined) {
        const owned = canaryRouteOwnedFields(s.canary.stableService, s.canary.canaryService, (s.canary.trafficRouting?.managedRoutes ?? []).map((r) => r.name));
        const routes = [...(plugin.httpRoutes ?? []).map((r) => r.name), ...(plugin.httpRoute !== undefined ? [plugin.httpRoute] : [])];
        for (const name of routes) {
          out.push({ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', name, namespace: plugin.namespace ?? namespace, ...owned });
        }
      }
    }
  }
  const key = (d: IgnoredFields) => `${d.kind}/${d.name}`;
  return out.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

/** What the Argo CD chart reads of an environment. */
export type ArgoCdEnvironment = Pick<Environment, 'name' | 'namespace' | 'gitops' | 'calendar'>;

export interface ArgoCdChartProps {
  /** Every environment; each one with `gitops` gets an Application, the others none. */
  readonly environments: readonly ArgoCdEnvironment[];
  /**
   * The longest release of the Rollouts these Applications sync, in seconds (measured on the
   * synthesized objects): the exam-session freeze opens at least this long before a session.
   */
  readonly longestReleaseSeconds: number;
  /**
   * The rendered objects of the charts it deploys, as lib/output/render.ts places them: each
   * Application syncs a folder of them, and the projects admit exactly their kinds and
   * namespaces (see `syncedFolder`). What it reads of them is `argoCdView`.
   */
  readonly objects: readonly RenderedObject[];
}

/** The kinds whose spec names fields a controller owns (`controllerOwnedFields`). */
const SPEC_READ_KINDS: ReadonlySet<string> = new Set(['HorizontalPodAutoscaler', 'ScaledObject', 'Rollout']);

/**
 * What the chart reads of rendered objects: where each one is, its API version, kind, name and
 * namespace, and the spec of the kinds whose controller-owned fields its Applications ignore.
 * Handing the chart this view makes its input exactly what it depends on (a changed ConfigMap
 * value does not change the Argo CD objects).
 */
export function argoCdView(objects: readonly RenderedObject[]): RenderedObject[] {
  return objects.map(({ path, object }) => ({
    path,
    object: {
      apiVersion: object.apiVersion,
      kind: object.kind,
      metadata: object.metadata.namespace === undefined ? { name: object.metadata.name } : { name: object.metadata.name, namespace: object.metadata.namespace },
      ...(SPEC_READ_KINDS.has(object.kind) ? { spec: object.spec } : {}),
    },
  }));
}

/** Whether an Application of `environments` (the deployed ones sync their folder) or the platform's syncs `folder`. */
export function syncedFolder(folder: string, environments: readonly Pick<ArgoCdEnvironment, 'name' | 'gitops'>[]): boolean {
  return folder === PLATFORM_FOLDER || folder.startsWith(`${PLATFORM_FOLDER}/`) || environments.some((e) => e.gitops !== undefined && e.name === folder);
}

/**
 * dist/argocd/: the AppProjects and Applications, all in namespace `argocd`, synced by the root
 * Application (see ArgoCdBootstrapChart):
 * - project `exam-system`: one Application per deployed environment, admitting only the
 *   environments' namespaces;
 * - project `exam-platform`: Application `exam-platform` (dist/platform: cluster-scoped objects,
 *   Falco, the notification configurations), admitting the platform namespaces it uses;
 * - project `exam-bootstrap`, the root's own, so the root keeps it current too.
 * Every project carries the exam-session deny windows of the exam calendar: in `exam-system` on
 * each environment's Application for its own sessions, elsewhere on every Application (each of
 * those can change every environment).
 *
 * The chart reads the rendered objects of the charts it deploys (`objects`). From them it
 * derives, exactly: which kinds and namespaces each project
 * admits (each kind must be permitted in lib/config/gitops.ts, each platform namespace listed in
 * PLATFORM_DESTINATIONS), and which controller-owned fields each Application ignores.
 */
export class ArgoCdChart extends OutputChart {
  /** The exam-system project (the environments). */
  public readonly project: ArgoCdProject;
  public readonly projects: readonly ArgoCdProject[];
  public readonly applications: readonly ArgoCdApplication[];

  constructor(scope: App, props: ArgoCdChartProps) {
    super(scope, 'argocd', { folder: ARGOCD_FOLDER, clusterFolder: ARGOCD_FOLDER });

    const deployed = props.environments.filter((e) => e.gitops !== undefined);
    const targets: Target[] = deployed.map((env) => ({
      name: applicationName(env.name),
      project: PROJECT_NAME,
      folder: env.name,
      recurse: false,
      revision: env.gitops!.targetRevision,
      namespace: env.namespace,
      automated: { enabled: env.gitops!.automated, prune: true, selfHeal: true },
      notify: env.name,
      labels: { 'exam-system.io/environment': env.name },
      info: { 'Environment file': `environments/${env.name}.yaml` },
    }));
    targets.push({
      name: PLATFORM_APPLICATION_NAME,
      project: PLATFORM_PROJECT_NAME,
      folder: PLATFORM_FOLDER,
      recurse: true,
      revision: WIRING_REVISION,
      namespace: SECURITY_NAMESPACE,
      automated: { enabled: true, ...PLATFORM_AUTOMATED },
      notify: 'platform',
      labels: {},
    });

    /** What each project's Applications sync: kinds (with an example) and namespaces. */
    const used = new Map<string, { cluster: Map<string, string>; namespaced: Map<string, string>; namespaces: Set<string> }>();
    const applications: ArgoCdApplication[] = [];
    for (const t of targets) {
      const synced = props.objects
        .filter((p) => {
          const folder = folderOf(p);
          return folder === t.folder || (t.recurse && folder.startsWith(`${t.folder}/`));
        })
        .map((p) => p.object);
      if (synced.length === 0) {
        throw new Error(`ArgoCdChart: Application ${t.name} would sync ${applicationPath(t.folder)}, which holds no manifests; expected the objects of the chart that writes that folder`);
      }
      const u = used.get(t.project) ?? { cluster: new Map<string, string>(), namespaced: new Map<string, string>(), namespaces: new Set<string>() };
      used.set(t.project, u);
      u.namespaces.add(t.namespace);
      for (const o of synced) {
        const key = gkKey({ group: apiGroupOf(o.apiVersion), kind: o.kind });
        (o.metadata.namespace === undefined ? u.cluster : u.namespaced).set(key, `${o.kind} ${o.metadata.name} in ${applicationPath(t.folder)}`);
        if (o.metadata.namespace !== undefined) u.namespaces.add(o.metadata.namespace);
      }
      applications.push(
        new ArgoCdApplication(this, t.name, {
          name: t.name,
          namespace: ARGOCD_NAMESPACE,
          project: t.project,
          repoUrl: REPO_URL,
          targetRevision: t.revision,
          path: applicationPath(t.folder),
          recurse: t.recurse,
          server: IN_CLUSTER,
          destinationNamespace: t.namespace,
          automated: t.automated,
          syncOptions: SYNC_OPTIONS.map((o) => o.option),
          retry: SYNC_RETRY,
          ignoreDifferences: controllerOwnedFields(synced),
          // No resources finalizer: deleting an Application (or the root) leaves the exam
          // system running; only a deliberate `argocd app delete --cascade` removes it.
          cascadeDelete: false,
          annotations: {
            ...applicationNotificationAnnotations(t.notify),
            [SYNC_WAVE_ANNOTATION]: String(applicationWave(t.name === PLATFORM_APPLICATION_NAME ? t.name : ENVIRONMENTS_WAVE_KEY)),
          },
          labels: t.labels,
          info: t.info,
        }),
      );
    }
    this.applications = applications;

    const environments = used.get(PROJECT_NAME);
    const platform = used.get(PLATFORM_PROJECT_NAME)!;
    const envNamespaces = new Set(deployed.map((e) => e.namespace));
    const strays = [...(environments?.namespaces ?? [])].filter((n) => !envNamespaces.has(n));
    if (strays.length > 0) throw new Error(`ArgoCdChart: project ${PROJECT_NAME} would admit namespaces ${strays.join(', ')}; expected only the deployed environments' namespaces`);
    const allowedPlatform = new Set(PLATFORM_DESTINATIONS.map((d) => d.namespace));
    const refused = [...platform.namespaces].filter((n) => !allowedPlatform.has(n));
    if (refused.length > 0) {
      throw new Error(`ArgoCdChart: project ${PLATFORM_PROJECT_NAME} would admit namespaces ${refused.join(', ')}; expected each in PLATFORM_DESTINATIONS of lib/config/gitops.ts with its reason`);
    }
    // The exam calendar (environments/calendar.yaml) is the one source of the deny windows: each
    // environment's Application is frozen during its sessions, and every Application of the
    // other projects (each can change every environment) during the sessions of any of them.
    const calendar = props.environments[0]?.calendar;
    const freeze = (applications: readonly string[] | ((envs: readonly EnvironmentName[]) => readonly string[])) =>
      calendar === undefined ? [] : examSessionWindows(calendar, deployed.map((e) => e.name), applications, props.longestReleaseSeconds);
    const projects: ArgoCdProject[] = [];
    if (environments !== undefined) {
      projects.push(
        new ArgoCdProject(this, 'project', {
          name: PROJECT_NAME,
          namespace: ARGOCD_NAMESPACE,
          description: 'The exam system: its deployed environments, from this repository only',
          sourceRepos: [REPO_URL],
          destinations: deployed.map((e) => ({ server: IN_CLUSTER, namespace: e.namespace })),
          clusterResources: whitelist(PROJECT_NAME, environments.cluster, PERMITTED_CLUSTER_KINDS, 'cluster-scoped'),
          namespacedResources: whitelist(PROJECT_NAME, environments.namespaced, PERMITTED_NAMESPACED_KINDS, 'namespaced'),
          roles: PROJECT_ROLES,
          syncWindows: freeze((envs) => envs.map(applicationName)),
          warnOnOrphans: true,
        }),
      );
    }
    projects.push(
      new ArgoCdProject(this, 'platform-project', {
        name: PLATFORM_PROJECT_NAME,
        namespace: ARGOCD_NAMESPACE,
        description: 'The platform: cluster-scoped objects (Namespaces, ClusterSecretStores, the GatewayClass, ClusterIssuer and the image-signature ClusterPolicy), Falco, the shared Gateway and the notification configurations, from this repository only',
        sourceRepos: [REPO_URL],
        destinations: PLATFORM_DESTINATIONS.filter((d) => platform.namespaces.has(d.namespace)).map((d) => ({ server: IN_CLUSTER, namespace: d.namespace })),
        clusterResources: whitelist(PLATFORM_PROJECT_NAME, platform.cluster, PERMITTED_CLUSTER_KINDS, 'cluster-scoped'),
        namespacedResources: whitelist(PLATFORM_PROJECT_NAME, platform.namespaced, PERMITTED_NAMESPACED_KINDS, 'namespaced'),
        roles: PROJECT_ROLES,
        syncWindows: freeze(EVERY_APPLICATION),
        warnOnOrphans: true,
      }),
    );
    // The root's project, here so that the root manages it (calendar edits reach its windows).
    projects.push(
      new ArgoCdProject(this, 'bootstrap-project', {
        name: BOOTSTRAP_PROJECT_NAME,
        namespace: ARGOCD_NAMESPACE,
        description: `The root Application only: the Applications and AppProjects of ${applicationPath(ARGOCD_FOLDER)}, in namespace ${ARGOCD_NAMESPACE}`,
        sourceRepos: [REPO_URL],
        destinations: [{ server: IN_CLUSTER, namespace: ARGOCD_NAMESPACE }],
        namespacedResources: [
          { group: 'argoproj.io', kind: 'Application' },
          { group: 'argoproj.io', kind: 'AppProject' },
        ],
        roles: PROJECT_ROLES,
        syncWindows: freeze(EVERY_APPLICATION),
      }),
    );
    this.projects = projects;
    this.project = projects[0];
  }
}

export interface ArgoCdBootstrapChartProps {
  /** The folder the root Application syncs: the Argo CD chart's. */
  readonly folder: string;
  /** The AppProjects that folder holds (the root's own must be one of them). */
  readonly projects: readonly string[];
}

/**
 * dist/argocd-bootstrap/: the root (app of apps) Application `exam-root`, which syncs
 * dist/argocd/ from main, including its own project `exam-bootstrap`. A person applies it once,
 * by hand, with that project, on a cluster where Argo CD runs
 * (`kubectl apply -f dist/argocd/appproject-exam-bootstrap.yaml -f dist/argocd-bootstrap/`);
 * from then on every change arrives through git, the root's project included. Nothing syncs
 * this folder itself, so a change to the root is applied the same way.
 *
 * `exam-bootstrap` admits only Applications and AppProjects in namespace `argocd`. The root
 * carries the resources finalizer: deleting it deletes the Applications and projects it
 * created (whose own deletion leaves the exam system running, as they carry no finalizer).
 */
export class ArgoCdBootstrapChart extends OutputChart {
  public readonly root: ArgoCdApplication;

  constructor(scope: App, props: ArgoCdBootstrapChartProps) {
    super(scope, 'argocd-bootstrap', { folder: BOOTSTRAP_FOLDER, clusterFolder: BOOTSTRAP_FOLDER });
    if (!props.projects.includes(BOOTSTRAP_PROJECT_NAME)) {
      throw new Error(`ArgoCdBootstrapChart: ${applicationPath(props.folder)} holds no project ${BOOTSTRAP_PROJECT_NAME}; expected the root's project there, so that the root manages it`);
    }
    this.root = new ArgoCdApplication(this, 'root', {
      name: ROOT_APPLICATION_NAME,
      namespace: ARGOCD_NAMESPACE,
      project: BOOTSTRAP_PROJECT_NAME,
      repoUrl: REPO_URL,
      targetRevision: WIRING_REVISION,
      path: applicationPath(props.folder),
      server: IN_CLUSTER,
      destinationNamespace: ARGOCD_NAMESPACE,
      // An Application removed from git is pruned (without its workloads: no finalizer on it).
      automated: { enabled: true, prune: true, selfHeal: true },
      syncOptions: SYNC_OPTIONS.map((o) => o.option),
      retry: SYNC_RETRY,
      cascadeDelete: true,
      annotations: applicationNotificationAnnotations('platform'),
    });
  }
}
