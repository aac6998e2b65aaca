/**
 * GitOps: how git reaches the cluster. Argo CD is the only thing that changes a cluster; this
 * file holds its decisions as data (no cdk8s here): the repository, the project, who may do
 * what, when production must not change, who hears about it, and the order a sync applies kinds.
 *
 * Folders of dist/ and who syncs them:
 *
 * | folder                  | holds                                              | synced by                          |
 * |-------------------------|----------------------------------------------------|------------------------------------|
 * | dist/argocd-bootstrap/  | root Application `exam-root`, project `exam-bootstrap` | a person, once: `kubectl apply -f` |
 * | dist/argocd/            | AppProject `exam-system` and the Applications below | `exam-root` (app of apps)          |
 * | dist/platform/ (nested) | cluster/: every cluster-scoped object (Namespaces, ClusterSecretStores, ...); security-system/: Falco; monitoring/: Grafana dashboards | `exam-platform` (directory.recurse) |
 * | dist/<env>/ (flat)      | one deployed environment's namespaced objects      | `exam-<env>`                       |
 * | dist/development/       | the local bundle, its Namespace included           | nobody: development is not deployed |
 *
 * Revisions: every Application reads its folder from one branch. An environment's branch is
 * `gitops.targetRevision` in its file: production tracks main and staging tracks develop (seed
 * §1.2). Argo CD cannot follow a wildcard, so hotfix tracks the one branch `deploy/hotfix`, to
 * which the pipeline publishes the commit of the hotfix/* branch it last built; the hotfix
 * environment runs the last hotfix built. The platform, and the Argo CD wiring the root reads
 * (dist/argocd: this project and the Applications), come from main: changing who syncs what,
 * or a Namespace, is reviewed like a production change.
 */
import { MONITORING } from './monitoring';
import type { EnvironmentName } from './schema';

/** This repository: the only source any Application may use. */
export const REPO_URL = 'https://github.com/exam-platform/exam-delivery.git';

/** Where Argo CD runs; its Applications and AppProjects live here. */
export const ARGOCD_NAMESPACE = 'argocd';

/** The cluster Argo CD runs in, the only destination cluster. */
export const IN_CLUSTER = 'https://kubernetes.default.svc';

/** The folder synth writes and Application paths start with. */
export const DIST = 'dist';

/** The project of every Application that deploys the exam system. */
export const PROJECT_NAME = 'exam-system';

/**
 * The project of the root Application only. `exam-system` must not admit the `argocd`
 * namespace (anyone who can write there can give themselves any project), so the root, which
 * writes Applications and AppProjects into `argocd`, gets its own project that admits nothing
 * else: kinds Application and AppProject, in namespace `argocd`, from this repository.
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

/** Falco's namespace (seed §6.2): the platform Application's default destination. */
export const PLATFORM_NAMESPACE = 'security-system';

/**
 * Every namespace the platform folder writes into (dist/platform/<namespace>/): Falco's, and
 * kube-prometheus-stack's, where Grafana's sidecar picks up the dashboards. The project admits
 * exactly these besides the environments' namespaces.
 */
export const PLATFORM_NAMESPACES: readonly string[] = [PLATFORM_NAMESPACE, MONITORING.namespace];

/** The branch the platform and the Argo CD wiring are read from. */
export const WIRING_REVISION = 'main';

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
  { group: 'external-secrets.io', kind: 'ClusterSecretStore', reason: 'the AWS Secrets Manager store the ExternalSecrets of every environment read from' },
];

/**
 * The namespaced kinds the project may ever admit; the AppProject lists those the synced
 * folders hold. Secret is deliberately absent: nothing secret is in git (ExternalSecrets make
 * Secrets in the cluster), so a Secret in dist/ must not sync. Absent kinds are also never
 * reported as orphaned resources.
 */
export const PERMITTED_NAMESPACED_KINDS: readonly PermittedKind[] = [
  { group: '', kind: 'ConfigMap', reason: 'environment config, feature flags, Falco configuration and rules, Grafana dashboards' },
  { group: '', kind: 'Service', reason: 'every service, and the canary/stable/active/preview Services of Rollouts' },
  { group: '', kind: 'ServiceAccount', reason: "Falco's identity (it holds no API rights)" },
  { group: 'apps', kind: 'Deployment', reason: 'rolling services and the feature-flag controller' },
  { group: 'apps', kind: 'DaemonSet', reason: 'Falco on every node' },
  { group: 'argoproj.io', kind: 'Rollout', reason: 'canary and blue/green services' },
  { group: 'argoproj.io', kind: 'AnalysisTemplate', reason: 'the metrics that promote or abort a Rollout' },
  { group: 'networking.k8s.io', kind: 'Ingress', reason: 'ingress-nginx entry points (the canary Ingress is made by Argo Rollouts, not synced)' },
  { group: 'networking.k8s.io', kind: 'NetworkPolicy', reason: 'default deny and the explicit allows' },
  { group: 'policy', kind: 'PodDisruptionBudget', reason: 'voluntary evictions never take a service down' },
  { group: 'autoscaling', kind: 'HorizontalPodAutoscaler', reason: 'production scales with load' },
  { group: 'monitoring.coreos.com', kind: 'ServiceMonitor', reason: 'Prometheus scrapes every service' },
  { group: 'monitoring.coreos.com', kind: 'PrometheusRule', reason: "the seed's post-deploy thresholds as alerts, the SLO recording rules and burn-rate alerts" },
  { group: 'external-secrets.io', kind: 'ExternalSecret', reason: 'secrets, fetched in the cluster, never in git' },
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

/** One recurring block of exam sessions, in the timetable's time zone. */
export interface ExamSession {
  readonly name: string;
  /** Cron day-of-week field, e.g. `1-6` for Monday to Saturday. */
  readonly days: string;
  /** `HH:MM`, 24-hour. */
  readonly start: string;
  readonly end: string;
}

/** The exam timetable that production's deny window follows. */
export const EXAM_TIMETABLE: { readonly timeZone: string; readonly sessions: readonly ExamSession[] } = {
  timeZone: 'Asia/Shanghai',
  sessions: [
    { name: 'morning exam sessions', days: '1-6', start: '08:00', end: '12:00' },
    { name: 'afternoon exam sessions', days: '1-6', start: '14:00', end: '18:00' },
  ],
};

/**
 * Automatic syncs stop this long before a session starts. A deny window blocks syncs, not a
 * Rollout already under way: the canary takes 27 minutes plus its analysis, so a release
 * synced just before the window must have finished shifting traffic before candidates log in.
 */
export const FREEZE_BEFORE_MINUTES = 60;

/** ... and resume this long after it ends (late submissions, grace time). */
export const FREEZE_AFTER_MINUTES = 15;

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

function minutesOf(hhmm: string, session: string): number {
  const m = /^([01][0-9]|2[0-3]):([0-5][0-9])$/.exec(hhmm);
  if (m === null) throw new Error(`exam session "${session}": time "${hhmm}" is not HH:MM; expected e.g. 08:00`);
  return Number(m[1]) * 60 + Number(m[2]);
}

function goDuration(minutes: number): string {
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return `${h > 0 ? `${h}h` : ''}${m > 0 || h === 0 ? `${m}m` : ''}`;
}

/** The deny windows that keep automatic syncs away from production's exam sessions. */
export function examSessionWindows(applications: readonly string[], timetable = EXAM_TIMETABLE): SyncWindowSpec[] {
  return timetable.sessions.map((s) => {
    const open = minutesOf(s.start, s.name) - FREEZE_BEFORE_MINUTES;
    const close = minutesOf(s.end, s.name) + FREEZE_AFTER_MINUTES;
    if (open < 0 || close > 24 * 60 || close <= open) {
      throw new Error(`exam session "${s.name}": ${s.start}-${s.end} with the freeze margins crosses midnight or is empty; expected a session within one day`);
    }
    return {
      kind: 'deny',
      schedule: `${open % 60} ${Math.floor(open / 60)} * * ${s.days}`,
      duration: goDuration(close - open),
      timeZone: timetable.timeZone,
      applications,
      manualSync: true,
      description: `${s.name} ${s.start}-${s.end} (${timetable.timeZone}): no automatic production sync from ${FREEZE_BEFORE_MINUTES} min before to ${FREEZE_AFTER_MINUTES} min after`,
    };
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
  /** An HPA sets `spec.replicas` of the workload it scales (Deployment or Rollout). */
  hpaTarget: ['/spec/replicas'],
  /**
   * Argo Rollouts adds `rollouts-pod-template-hash` to the selector of a Rollout's
   * canary/stable/active/preview Services (that is how it moves traffic) and marks them as
   * managed. Only those keys are ignored: a selector change made in git still syncs.
   */
  rolloutService: ['/spec/selector/rollouts-pod-template-hash', '/metadata/annotations/argo-rollouts.argoproj.io~1managed-by-rollouts'],
} as const;

// ---------------------------------------------------------------------------------------------
// Notifications (they replace the seed's Slack curl calls).

/** The notification service configured in argocd-notifications-cm and the Rollouts' config. */
export const NOTIFICATION_SERVICE = 'slack';

export const SLACK_CHANNELS = {
  /** Every deployment, every environment. */
  deployments: 'exam-deployments',
  /** Production and platform failures: someone acts now. */
  incidents: 'exam-incidents',
} as const;

/** What a subscription reports: a success or a failure. */
type Outcome = 'success' | 'failure';

/** Who hears about each target's successes and failures. Development is not deployed: nobody. */
export const NOTIFICATION_RECIPIENTS: Readonly<Record<EnvironmentName | 'platform', Readonly<Record<Outcome, readonly string[]>>>> = {
  development: { success: [], failure: [] },
  staging: { success: [SLACK_CHANNELS.deployments], failure: [SLACK_CHANNELS.deployments] },
  hotfix: { success: [SLACK_CHANNELS.deployments], failure: [SLACK_CHANNELS.deployments] },
  production: { success: [SLACK_CHANNELS.deployments], failure: [SLACK_CHANNELS.deployments, SLACK_CHANNELS.incidents] },
  platform: { success: [SLACK_CHANNELS.deployments], failure: [SLACK_CHANNELS.deployments, SLACK_CHANNELS.incidents] },
};

/** Argo CD triggers (the notifications catalog) on the Applications. */
export const APPLICATION_TRIGGERS: Readonly<Record<string, Outcome>> = {
  'on-deployed': 'success',
  'on-sync-failed': 'failure',
};

/** Argo Rollouts triggers (its built-in catalog) on every Rollout. */
export const ROLLOUT_TRIGGERS: Readonly<Record<string, Outcome>> = {
  'on-rollout-aborted': 'failure',
  'on-analysis-run-failed': 'failure',
};

export const SUBSCRIBE_PREFIX = 'notifications.argoproj.io/subscribe';

function subscriptions(triggers: Readonly<Record<string, Outcome>>, target: EnvironmentName | 'platform'): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [trigger, outcome] of Object.entries(triggers)) {
    const recipients = NOTIFICATION_RECIPIENTS[target][outcome];
    if (recipients.length > 0) out[`${SUBSCRIBE_PREFIX}.${trigger}.${NOTIFICATION_SERVICE}`] = recipients.join(';');
  }
  return out;
}

/** Subscription annotations for an Application (`on-deployed`, `on-sync-failed`). */
export function applicationNotificationAnnotations(target: EnvironmentName | 'platform'): Record<string, string> {
  return subscriptions(APPLICATION_TRIGGERS, target);
}

/**
 * Subscription annotations for every Rollout of an environment:
 * `notifications.argoproj.io/subscribe.on-rollout-aborted.slack: <channels>` and
 * `...on-analysis-run-failed...`. Empty for development (not deployed, nobody listens).
 */
export function rolloutNotificationAnnotations(environment: EnvironmentName): Record<string, string> {
  return subscriptions(ROLLOUT_TRIGGERS, environment);
}

// ---------------------------------------------------------------------------------------------
// Sync waves: the order one sync applies kinds in (lower first; Argo CD waits for a wave to be
// healthy before the next). Only the order inside one Application matters.

export interface SyncWavePhase {
  readonly wave: number;
  readonly what: string;
  readonly kinds: readonly string[];
}

export const SYNC_WAVES: readonly SyncWavePhase[] = [
  { wave: 0, what: 'where things live and where secrets come from; the Argo CD project before its Applications', kinds: ['Namespace', 'ClusterSecretStore', 'AppProject'] },
  { wave: 1, what: 'what a pod reads when it starts', kinds: ['ConfigMap', 'ExternalSecret'] },
  { wave: 2, what: 'identity and network access, in place before any pod runs', kinds: ['ServiceAccount', 'Role', 'RoleBinding', 'ClusterRole', 'ClusterRoleBinding', 'NetworkPolicy'] },
  { wave: 3, what: 'the analysis a Rollout references', kinds: ['AnalysisTemplate', 'ClusterAnalysisTemplate'] },
  { wave: 4, what: 'addresses: the Services and the stable Ingress a Rollout references', kinds: ['Service', 'Ingress'] },
  { wave: 5, what: 'workloads (and, in dist/argocd, the Applications)', kinds: ['Deployment', 'Rollout', 'DaemonSet', 'Application'] },
  { wave: 6, what: 'what acts on running workloads', kinds: ['HorizontalPodAutoscaler', 'PodDisruptionBudget', 'ServiceMonitor', 'PrometheusRule'] },
];

/** The wave of a kind, or undefined if the table does not place it. */
export function syncWaveOf(kind: string): number | undefined {
  return SYNC_WAVES.find((p) => p.kinds.includes(kind))?.wave;
}
