/**
 * GitOps: how git reaches the cluster. Argo CD is the only thing that changes a cluster; this
 * file holds its decisions as data (no cdk8s here): the repository, the project, who may do
 * what, when production must not change, who hears about it, and the order a sync applies kinds.
 *
 * Folders of dist/ and who syncs them:
 *
 * | folder                  | holds                                              | synced by                          |
 * |-------------------------|----------------------------------------------------|------------------------------------|
 * | dist/argocd-bootstrap/  | root Application `exam-root`                       | a person, once: `kubectl apply -f` (with the bootstrap project) |
 * | dist/argocd/            | the AppProjects (exam-system, exam-platform, exam-bootstrap) and the Applications below | `exam-root` (app of apps) |
 * | dist/platform/ (nested) | cluster/: every cluster-scoped object (Namespaces, ClusterSecretStores, ...); security-system/: Falco; argocd/, argo-rollouts/: notifications; exam-gateway/: the shared Gateway; monitoring/: Grafana dashboards | `exam-platform` (directory.recurse) |
 * | dist/<env>/ (flat)      | one deployed environment's namespaced objects      | `exam-<env>`                       |
 * | dist/development/       | the local bundle, its Namespace included           | nobody: development is not deployed |
 *
 * Revisions: every Application reads its folder from `main` (docs/decisions.md): an environment
 * is a folder, not a branch, so a change to any environment, the platform or the Argo CD wiring
 * is a reviewed commit on main. `gitops.targetRevision` in an environment file says so, and the
 * schema accepts nothing else.
 */
import { ExamCalendar, sessionCrons } from './calendar';
import { GATEWAY_NAMESPACE } from './gateway';
import { SECURITY_NAMESPACE } from './namespaces';
import { TRACKED_REVISION, type EnvironmentName } from './schema';
import { MONITORING } from './monitoring';

/** This repository: the only source any Application may use. */
export const REPO_URL = 'https://github.com/exam-platform/exam-delivery.git';

/** Where Argo CD runs; its Applications and AppProjects live here. */
export const ARGOCD_NAMESPACE = 'argocd';

/** The cluster Argo CD runs in, the only destination cluster. */
export const IN_CLUSTER = 'https://kubernetes.default.svc';

/** The folder synth writes and Application paths start with. */
export const DIST = 'dist';

/** The project of the Applications that deploy the exam system's environments. */
export const PROJECT_NAME = 'exam-system';

/**
 * The project of `exam-platform`: cluster-scoped objects and the platform namespaces. Kept apart
 * from `exam-system`, whose Applications then admit only the environments' namespaces and no
 * cluster-scoped kind at all.
 */
export const PLATFORM_PROJECT_NAME = 'exam-platform';

/**
 * The project of the root Application only. The root writes Applications and AppProjects into
 * `argocd` (anyone who can do that can give themselves any project), so it gets its own project
 * that admits nothing else: kinds Application and AppProject, in namespace `argocd`, from this
 * repository. The project itself is in dist/argocd, so the root manages it too: a change of the
 * exam calendar reaches its deny windows like every other project's.
 */
export const BOOTSTRAP_PROJECT_NAME = 'exam-bootstrap';

/** The app of apps: it syncs dist/argocd/. */
export const ROOT_APPLICATION_NAME = 'exam-root';

/** Folders of dist/ (see the table above). */
export const ARGOCD_FOLDER = 'argocd';
export const BOOTSTRAP_FOLDER = 'argocd-bootstrap';
export const PLATFORM_FOLDER = 'platform';

/** The platform's Application: Falco and every cluster-scoped object. */
export const PLATFORM_APPLICATION_NAME = 'exam-platform';

/**
 * The namespaces the platform folder may write to, each with its reason; the platform project
 * admits those its folder uses (an object in any other namespace stops synth). Writing
 * ConfigMaps into `argocd` is powerful (argocd-cm, argocd-rbac-cm live there): the project's
 * Applications sync only dist/platform from main (reviewed like production), and
 * FailOnSharedResource stops a sync that would take over an object the Argo CD install manages.
 */
export const PLATFORM_DESTINATIONS: readonly { readonly namespace: string; readonly reason: string }[] = [
  { namespace: SECURITY_NAMESPACE, reason: "Falco (docs/decisions.md, 'Falco')" },
  { namespace: 'argocd', reason: "Argo CD's notification ConfigMap and the ExternalSecret of its Secret" },
  { namespace: 'argo-rollouts', reason: "Argo Rollouts' notification ConfigMap and the ExternalSecret of its Secret" },
  { namespace: GATEWAY_NAMESPACE, reason: 'the shared Gateway, its Certificates and its NetworkPolicies' },
  { namespace: MONITORING.namespace, reason: "the Grafana dashboards (ConfigMaps kube-prometheus-stack's Grafana sidecar loads)" },
];

/** The branch the platform and the Argo CD wiring are read from: the one every Application tracks. */
export const WIRING_REVISION = TRACKED_REVISION;

/** The Application that deploys an environment. */
export function applicationName(environment: EnvironmentName): string {
  return `exam-${environment}`;
}

/** The path an Application syncs: dist/<folder>. */
export function applicationPath(folder: string): string {
  return `${DIST}/${folder}`;
}

// ---------------------------------------------------------------------------------------------
// What the exam-system project admits.

/** A Kubernetes API group and kind (`group: ''` is the core group). */
export interface GroupKind {
  readonly group: string;
  readonly kind: string;
}

export interface PermittedKind extends GroupKind {
  /** Why the project admits it. */
  readonly reason: string;
}

/**
 * The cluster-scoped kinds the project may ever admit, each with its reason. The AppProject
 * whitelists, one by one, those of them that the synced folders actually hold (a test derives
 * the list from the output to prove it exact); a kind that is synced but not listed here stops
 * synth, so a new one is a reviewed change of this list. Falco needs nothing more than its
 * Namespace: with the modern eBPF probe and no Kubernetes metadata plugin it never calls the
 * API, so it has no ClusterRole. No CRDs, no webhooks, no RBAC that could widen anyone's rights.
 */
export const PERMITTED_CLUSTER_KINDS: readonly PermittedKind[] = [
  { group: '', kind: 'Namespace', reason: 'the deployed environments and security-system, with their Pod Security labels (CreateNamespace=false)' },
  { group: 'external-secrets.io', kind: 'ClusterSecretStore', reason: "the AWS Secrets Manager stores: one per environment, and the platform namespaces' (notification tokens, falcosidekick's webhook), each with its own IAM role" },
  { group: 'gateway.networking.k8s.io', kind: 'GatewayClass', reason: "Envoy Gateway's class for the shared Gateway (its chart makes none)" },
  { group: 'cert-manager.io', kind: 'ClusterIssuer', reason: "the ACME issuer of the Gateway's certificates" },
  { group: 'kyverno.io', kind: 'ClusterPolicy', reason: 'the admission policy that admits only exam-system images the release loop signed (and the listed third-party exceptions)' },
];

/**
 * The namespaced kinds the project may ever admit; the AppProject lists those the synced
 * folders hold. Secret is deliberately absent: nothing secret is in git (ExternalSecrets make
 * Secrets in the cluster), so a Secret in dist/ must not sync. Absent kinds are also never
 * reported as orphaned resources.
 */
export const PERMITTED_NAMESPACED_KINDS: readonly PermittedKind[] = [
  { group: '', kind: 'ConfigMap', reason: 'environment config, feature flags, Falco configuration and rules, the notification configurations, Grafana dashboards' },
  { group: '', kind: 'Service', reason: 'every service, and the canary/stable/active/preview Services of Rollouts' },
  { group: '', kind: 'ServiceAccount', reason: "Falco's identity (it holds no API rights)" },
  { group: 'apps', kind: 'Deployment', reason: 'rolling services, flagd and the feature-flag controller' },
  { group: 'batch', kind: 'Job', reason: "Flagsmith's database migration, run once per sync as an Argo CD Sync hook" },
  { group: 'apps', kind: 'DaemonSet', reason: 'Falco on every node' },
  { group: 'argoproj.io', kind: 'Rollout', reason: 'canary and blue/green services' },
  { group: 'argoproj.io', kind: 'AnalysisTemplate', reason: 'the metrics that promote or abort a Rollout' },
  { group: 'gateway.networking.k8s.io', kind: 'Gateway', reason: 'the shared entry point: one HTTPS listener per deployed environment host' },
  { group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', reason: 'the routes of the exposed services, and the HTTP-to-HTTPS redirect' },
  { group: 'cert-manager.io', kind: 'Certificate', reason: "the Gateway listeners' TLS certificates (cert-manager makes their Secrets in the cluster)" },
  { group: 'networking.k8s.io', kind: 'NetworkPolicy', reason: 'default deny and the explicit allows' },
  { group: 'policy', kind: 'PodDisruptionBudget', reason: 'voluntary evictions never take a service down' },
  { group: 'autoscaling', kind: 'HorizontalPodAutoscaler', reason: 'services scale with CPU load' },
  { group: 'keda.sh', kind: 'ScaledObject', reason: "production's exam-traffic services: CPU scaling plus the exam calendar's pre-scaling (KEDA makes the HPA)" },
  { group: 'monitoring.coreos.com', kind: 'ServiceMonitor', reason: 'Prometheus scrapes every service' },
  { group: 'monitoring.coreos.com', kind: 'PrometheusRule', reason: 'the post-deploy thresholds as alerts, the SLO recording rules and burn-rate alerts' },
  { group: 'external-secrets.io', kind: 'ExternalSecret', reason: 'secrets (and notification tokens), fetched in the cluster, never in git' },
];

// ---------------------------------------------------------------------------------------------
// Who may do what (Argo CD project roles, bound to SSO groups).

/** A project-scoped permission; the construct writes it as `p, proj:<project>:<role>, ...`. */
export interface ProjectPermission {
  /** Argo CD's project-scoped RBAC resources used here. */
  readonly resource: 'applications' | 'logs';
  /** `get`, `sync`, or `action/<group>/<kind>/<action>` (a Rollout action, for example). */
  readonly action: string;
}

export interface ProjectRoleSpec {
  readonly name: string;
  readonly description: string;
  /** SSO groups (Dex's GitHub connector reports `<org>:<team>`). */
  readonly groups: readonly string[];
  /** Granted on every Application of the project, and nothing outside it. */
  readonly permissions: readonly ProjectPermission[];
}

export const PROJECT_ROLES: readonly ProjectRoleSpec[] = [
  {
    name: 'developer',
    description: 'Read-only: applications, diffs, history, events and logs of every environment',
    groups: ['exam-platform:exam-developers'],
    permissions: [
      { resource: 'applications', action: 'get' },
      { resource: 'logs', action: 'get' },
    ],
  },
  {
    name: 'delivery',
    description: 'Sync applications and drive Rollouts (promote, abort, retry); never edit or delete an Application (git does)',
    groups: ['exam-platform:exam-delivery'],
    permissions: [
      { resource: 'applications', action: 'get' },
      { resource: 'applications', action: 'sync' },
      { resource: 'applications', action: 'action/argoproj.io/Rollout/*' },
      { resource: 'logs', action: 'get' },
    ],
  },
];

// ---------------------------------------------------------------------------------------------
// When production must not change: scheduled exam sessions.

/** An Argo CD sync window, as the AppProject spells it. */
export interface SyncWindowSpec {
  readonly kind: 'allow' | 'deny';
  /** Cron: when the window opens. */
  readonly schedule: string;
  /** Go duration: how long it stays open. */
  readonly duration: string;
  readonly timeZone: string;
  readonly applications: readonly string[];
  /** A person may still sync (to ship a fix) while automatic syncs are blocked. */
  readonly manualSync: boolean;
  readonly description: string;
}

function goDuration(minutes: number): string {
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return `${h > 0 ? `${h}h` : ''}${m > 0 || h === 0 ? `${m}m` : ''}`;
}

/** Every Application of a project (Argo CD matches `applications` as globs). */
export const EVERY_APPLICATION: readonly string[] = ['*'];

/**
 * How long before a session's start the freeze opens: the larger of the calendar's warm-up and
 * the longest release (a deny window blocks syncs, not a Rollout already under way, so a canary
 * synced just before the window must have finished before candidates log in). The longest
 * release is measured on the synthesized Rollouts (lib/analysis/rollout-timing.ts); a release
 * that waits for a person has no bound and is not counted: the window blocks the sync that
 * would start it, and the promotion is a person's decision.
 */
export function freezeLeadMinutes(calendar: Pick<ExamCalendar, 'warmUpMinutes'>, longestReleaseSeconds: number): number {
  return Math.max(calendar.warmUpMinutes, Math.ceil(longestReleaseSeconds / 60));
}

/**
 * The deny windows that keep automatic syncs away from the exam sessions of `environments`, derived
 * from the exam calendar (environments/calendar.yaml; there is no other copy): one window per
 * session start cron (a dated session has one per date), opening `freezeLeadMinutes` before the
 * start and closing the calendar's cool-down after the end, in the session's time zone (one
 * window per session: Argo CD refuses two with the same schedule and duration). EVERY
 * AppProject uses it (a window belongs to a project and covers only its Applications): with
 * the names of the Applications of the session's environments in `exam-system`, and with EVERY_APPLICATION in each
 * project whose Applications can change production (the platform, the root's bootstrap
 * project, the add-ons). `manualSync: true`: the emergency path stays open, a person with the
 * project's `delivery` role may still sync (a kill-switch flip, a fix) and abort a Rollout.
 */
export function examSessionWindows(
  calendar: ExamCalendar,
  environments: readonly EnvironmentName[],
  applications: readonly string[] | ((environments: readonly EnvironmentName[]) => readonly string[]),
  longestReleaseSeconds: number,
): SyncWindowSpec[] {
  const lead = freezeLeadMinutes(calendar, longestReleaseSeconds);
  return calendar.sessions
    .filter((s) => s.environments.some((e) => environments.includes(e)))
    .flatMap((s) => {
      const minutes = lead + s.durationMinutes + calendar.coolDownMinutes;
      // The close must stay on the start's day too: Argo CD adds the duration to the opening.
      sessionCrons(s, s.durationMinutes + calendar.coolDownMinutes - 1);
      const frozen = s.environments.filter((e) => environments.includes(e));
      return sessionCrons(s, -lead).map((schedule, i) => ({
        kind: 'deny' as const,
        schedule,
        duration: goDuration(minutes),
        timeZone: s.timeZone,
        applications: typeof applications === 'function' ? applications(frozen) : applications,
        manualSync: true,
        description: `exam session ${s.name} (${s.startTexts[i]}, ${goDuration(s.durationMinutes)}, ${s.timeZone}): no automatic sync of ${frozen.join(', ')} from ${lead} min before to ${calendar.coolDownMinutes} min after`,
      }));
    });
}

// ---------------------------------------------------------------------------------------------
// How an Application syncs.

export interface SyncOptionChoice {
  readonly option: string;
  readonly reason: string;
}

/**
 * The sync options of every exam-system Application, each on purpose. Not chosen:
 * ServerSideApply (client-side apply's three-way merge already leaves alone the fields that
 * controllers add, our objects are far below the size where the last-applied annotation
 * hurts, and it keeps `argocd app diff` what reviewers know), Replace (it would recreate
 * objects and drop controller-owned fields).
 */
export const SYNC_OPTIONS: readonly SyncOptionChoice[] = [
  { option: 'CreateNamespace=false', reason: 'the Namespaces are ours: exam-platform syncs them with their Pod Security labels; a namespace Argo CD creates would have none' },
  { option: 'PruneLast=true', reason: 'objects removed from git are deleted after every wave is applied and healthy: a Deployment replaced by a Rollout serves until the Rollout is up' },
  { option: 'ApplyOutOfSyncOnly=true', reason: 'a tag bump applies the one changed workload, not every object of the environment' },
  { option: 'RespectIgnoreDifferences=true', reason: 'a sync keeps the fields ignoreDifferences names (the replicas an HPA chose), not only the diff' },
  { option: 'FailOnSharedResource=true', reason: 'a sync fails instead of taking over an object another Application already manages' },
];

/**
 * Retry a failed sync with backoff (10s, 20s, 40s, 80s, 160s: about 5 minutes). This covers
 * the ordering between Applications on a fresh cluster: an environment synced before
 * exam-platform has created its Namespace succeeds on a retry.
 */
export const SYNC_RETRY = { limit: 5, backoff: { duration: '10s', factor: 2, maxDuration: '3m' } } as const;

/**
 * exam-platform syncs automatically and heals drift, but never prunes: pruning a Namespace
 * deletes a whole environment, so a person removes platform objects with a manual sync.
 */
export const PLATFORM_AUTOMATED = { prune: false, selfHeal: true } as const;

/** Fields that controllers legitimately own, which Argo CD must neither report nor revert. */
export const CONTROLLER_OWNED = {
  /** An HPA (or the one KEDA makes for a ScaledObject) sets `spec.replicas` of the workload it scales (Deployment or Rollout). */
  hpaTarget: ['/spec/replicas'],
  /**
   * Argo Rollouts adds `rollouts-pod-template-hash` to the selector of a Rollout's
   * canary/stable/active/preview Services (that is how it moves traffic) and marks them as
   * managed. Only those keys are ignored: a selector change made in git still syncs.
   */
  rolloutService: ['/spec/selector/rollouts-pod-template-hash', '/metadata/annotations/argo-rollouts.argoproj.io~1managed-by-rollouts'],
} as const;

/** Fields of one object that Argo CD must neither report nor revert: JSON pointers and jq path expressions. */
export interface OwnedFields {
  readonly jsonPointers: readonly string[];
  readonly jqPathExpressions: readonly string[];
}

/**
 * What the Argo Rollouts Gateway API plugin (v0.15.0, pkg/plugin/httproute.go) changes in a
 * canary's HTTPRoute while a rollout runs, and puts back when it ends:
 * - the `weight` of the stable and canary backendRefs (setHTTPRouteWeight);
 * - the managed header rules it appends, named after the managed route, `<name>` and
 *   `<name>-<n>` (setHTTPHeaderRoute; removed by removeHTTPManagedRoutes);
 * - the label `rollouts.argoproj.io/gatewayapi-canary: in-progress` (pkg/plugin/labels.go).
 * Ignored per route and per field, so every other change of the route in git still shows and
 * syncs. Argo CD applies each jq expression as `del(<expression>)` (argo-cd v3.5.1,
 * util/argo/normalizers/diff_normalizer.go).
 */
export function canaryRouteOwnedFields(stableService: string, canaryService: string, managedRoutes: readonly string[]): OwnedFields {
  const quote = (v: string) => JSON.stringify(v);
  const jq = [`.spec.rules[].backendRefs[]? | select(.name == ${quote(stableService)} or .name == ${quote(canaryService)}) | .weight`];
  for (const name of managedRoutes) {
    if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(name)) throw new Error(`canaryRouteOwnedFields: managed route "${name}" is not a DNS label; expected a rule name such as canary-by-header`);
    jq.push(`.spec.rules[] | select(.name != null and (.name | test(${quote(`^${name}(-[0-9]+)?$`)})))`);
  }
  return { jsonPointers: ['/metadata/labels/rollouts.argoproj.io~1gatewayapi-canary'], jqPathExpressions: jq };
}

// ---------------------------------------------------------------------------------------------
// Sync waves: the order one sync applies kinds in (lower first). Only the order inside one
// Application matters.
//
// Argo CD (gitops-engine `pkg/sync/sync_context.go`) applies one wave, then waits until every
// object of it is Healthy before it applies the next; only the last wave is left to become
// healthy after the sync has ended. A Rollout paused at a canary step or waiting for a person
// reports Suspended, not Healthy, for as long as it waits (hours, in production). So nothing may
// come in a wave after the workloads: such a wave would hold the sync open for the whole
// release, and while a sync is running no other sync starts, so a `git revert` would not apply
// until the Rollout finished. The workloads are the last wave; what acts on them (HPAs, PDBs)
// joins them, and what only configures monitoring comes before them.

export interface SyncWavePhase {
  readonly wave: number;
  readonly what: string;
  readonly kinds: readonly string[];
}

export const SYNC_WAVES: readonly SyncWavePhase[] = [
  {
    wave: 0,
    what: 'where things live and where secrets and certificates come from; the Argo CD projects before their Applications',
    kinds: ['Namespace', 'ClusterSecretStore', 'ClusterIssuer', 'GatewayClass', 'AppProject'],
  },
  { wave: 1, what: 'what a pod reads when it starts', kinds: ['ConfigMap', 'ExternalSecret'] },
  { wave: 2, what: 'identity, network access and admission, in place before any pod runs', kinds: ['ServiceAccount', 'Role', 'RoleBinding', 'ClusterRole', 'ClusterRoleBinding', 'NetworkPolicy', 'ClusterPolicy'] },
  { wave: 3, what: 'the analysis a Rollout references, the monitoring that watches the workloads, and the database migration (a Sync hook: its Secret and NetworkPolicy exist, the workloads that need the schema wait for it)', kinds: ['AnalysisTemplate', 'ClusterAnalysisTemplate', 'ServiceMonitor', 'PrometheusRule', 'Job'] },
  {
    wave: 4,
    what:
      'addresses: the Services, the HTTPRoutes a Rollout references, and the Gateway with its Certificates (together: a Certificate is issued through the Gateway, and the Gateway is healthy once the Certificates have made its Secrets)',
    kinds: ['Service', 'Gateway', 'HTTPRoute', 'Certificate'],
  },
  { wave: 5, what: 'the last wave: workloads and what acts on them (HPAs, KEDA ScaledObjects, PDBs); in dist/argocd, the Applications', kinds: ['Deployment', 'Rollout', 'DaemonSet', 'HorizontalPodAutoscaler', 'ScaledObject', 'PodDisruptionBudget', 'Application'] },
];

/** The wave of the workloads: the last one (a test holds every table row to it or below). */
export const WORKLOAD_WAVE = 5;

/** The wave of a kind, or undefined if the table does not place it. */
export function syncWaveOf(kind: string): number | undefined {
  return SYNC_WAVES.find((p) => p.kinds.includes(kind))?.wave;
}

/**
 * The Argo CD hook that runs a Job once per sync of its Application (in its wave, after the
 * Secret it reads exists), and deletes the previous run's Job first: a Job's pod template cannot
 * be changed once created, so applying a new image to an old Job would fail.
 */
export const SYNC_HOOK_ANNOTATIONS: Readonly<Record<string, string>> = {
  'argocd.argoproj.io/hook': 'Sync',
  'argocd.argoproj.io/hook-delete-policy': 'BeforeHookCreation',
};
