/**
 * Notifications: who hears about syncs and releases, defined once, here (they replace the
 * specified Slack curl calls, and add the specified Grafana deployment marker and Datadog event;
 * see docs/decisions.md, 'Notifications'). Pure data:
 * the services, templates and triggers of Argo CD's `argocd-notifications-cm` and Argo Rollouts'
 * `argo-rollouts-notification-configmap`, the keys of their Secrets, and the subscription
 * annotations of the Applications and Rollouts.
 *
 * Both controllers run the same engine (argoproj/notifications-engine): a subscription
 * `notifications.argoproj.io/subscribe.<trigger>.<service>: <recipients>` sends, when the trigger
 * fires, each template it names through that service. Argo CD evaluates a trigger's `when` on
 * the Application (`app`); Argo Rollouts fires `on-<kebab-case event reason>` when it records an
 * event on the Rollout (argoproj/argo-rollouts `utils/record/record.go`,
 * `translateReasonToTrigger`), with the Rollout as `rollout`. Templates are Go templates.
 * Service settings name Secret keys as `$key`; the engine substitutes them.
 */
import { stringify } from 'yaml';
import { DELIVERY_REPOSITORY, VERIFYING_ENVIRONMENTS } from './release-loop';
import type { EnvironmentName } from './schema';

// ---------------------------------------------------------------------------------------------
// Where the two controllers read their configuration.

export interface NotificationController {
  /** Who reads it. */
  readonly controller: 'argo-cd' | 'argo-rollouts';
  readonly namespace: string;
  /** The ConfigMap the controller reads (a fixed name in its namespace). */
  readonly configMap: string;
  /** The Secret its `$key` references come from. */
  readonly secret: string;
  /** The template variable that holds the object (`app`, `rollout`). */
  readonly objectVar: 'app' | 'rollout';
}

export const ARGOCD_NOTIFICATIONS: NotificationController = {
  controller: 'argo-cd',
  namespace: 'argocd',
  configMap: 'argocd-notifications-cm',
  secret: 'argocd-notifications-secret',
  objectVar: 'app',
};

export const ROLLOUTS_NOTIFICATIONS: NotificationController = {
  controller: 'argo-rollouts',
  namespace: 'argo-rollouts',
  configMap: 'argo-rollouts-notification-configmap',
  secret: 'argo-rollouts-notification-secret',
  objectVar: 'rollout',
};

// ---------------------------------------------------------------------------------------------
// Tokens: in AWS Secrets Manager, fetched into each controller's Secret by an ExternalSecret.

export interface NotificationSecretKey {
  /** The key in the Secret, referenced as `$<key>` in a service's settings. */
  readonly key: string;
  /** The JSON property of the AWS secret. */
  readonly property: string;
  /** What it is and which scope it needs. */
  readonly what: string;
}

/**
 * The AWS secret holding every notification token, and the store that reads it: the platform
 * namespaces' own ClusterSecretStore (argocd, argo-rollouts, and security-system for
 * falcosidekick's Slack webhook, `exam-platform/falcosidekick-slack`), with its own IAM role,
 * allowed only `exam-platform/*`, none of the environments' secrets.
 */
export const NOTIFICATION_SECRETS = {
  storeName: 'aws-secrets-manager-platform',
  region: 'us-east-1',
  role: 'arn:aws:iam::123456789012:role/exam-platform-notifications',
  remoteKey: 'exam-platform/notifications',
  refreshInterval: '1h',
} as const;

export const NOTIFICATION_SECRET_KEYS: Readonly<Record<string, NotificationSecretKey>> = {
  'slack-token': { key: 'slack-token', property: 'slack_token', what: 'Slack bot token (xoxb-) with chat:write, invited to the channels below' },
  'grafana-api-key': { key: 'grafana-api-key', property: 'grafana_api_key', what: 'Grafana service-account token with the Editor role (writes annotations)' },
  'datadog-api-key': { key: 'datadog-api-key', property: 'datadog_api_key', what: 'Datadog API key (posts events)' },
  'github-token': {
    key: 'github-token',
    property: 'github_token',
    what: 'GitHub fine-grained personal access token of a bot account, for repository exam-platform/exam-delivery only, permission Contents: read and write (what POST /repos/{owner}/{repo}/dispatches requires); nothing else',
  },
};

// ---------------------------------------------------------------------------------------------
// Services.

/** Grafana of the monitoring add-on (kube-prometheus-stack's Service `<release>-grafana`, port 80). */
export const GRAFANA_API_URL = 'http://kube-prometheus-stack-grafana.monitoring.svc:80/api';
/** Datadog's events API (v1; the key goes in the DD-API-KEY header). */
export const DATADOG_EVENTS_URL = 'https://api.datadoghq.com/api/v1/events';
/** GitHub's REST API and the repository the release loop listens on. */
export const GITHUB_API_URL = 'https://api.github.com';
export const GITHUB_REPOSITORY = DELIVERY_REPOSITORY;
/** The `repository_dispatch` event a verified Rollout sends (the release loop consumes it). */
export const ROLLOUT_VERIFIED_EVENT = 'rollout-verified';

export type ServiceName = 'slack' | 'grafana' | 'datadog' | 'github';

export interface NotificationService {
  /** The ConfigMap key: `service.<type>` or `service.webhook.<name>`. */
  readonly configKey: string;
  /** A webhook service takes its request from the template's `webhook.<name>`; others from `message`. */
  readonly webhook: boolean;
  /** The service's settings (YAML), `$key` naming a Secret key. */
  readonly settings: string;
  /** Secret keys its settings reference. */
  readonly secretKeys: readonly string[];
}

export const NOTIFICATION_SERVICES: Readonly<Record<ServiceName, NotificationService>> = {
  slack: { configKey: 'service.slack', webhook: false, settings: 'token: $slack-token\n', secretKeys: ['slack-token'] },
  grafana: {
    configKey: 'service.grafana',
    webhook: false,
    settings: `apiUrl: ${GRAFANA_API_URL}\napiKey: $grafana-api-key\n`,
    secretKeys: ['grafana-api-key'],
  },
  datadog: {
    configKey: 'service.webhook.datadog',
    webhook: true,
    settings: `url: ${DATADOG_EVENTS_URL}\nheaders:\n  - name: DD-API-KEY\n    value: $datadog-api-key\n  - name: Content-Type\n    value: application/json\n`,
    secretKeys: ['datadog-api-key'],
  },
  github: {
    configKey: 'service.webhook.github',
    webhook: true,
    settings:
      `url: ${GITHUB_API_URL}\nheaders:\n  - name: Authorization\n    value: Bearer $github-token\n` +
      `  - name: Accept\n    value: application/vnd.github+json\n  - name: X-GitHub-Api-Version\n    value: "2022-11-28"\n  - name: Content-Type\n    value: application/json\n`,
    secretKeys: ['github-token'],
  },
};

// ---------------------------------------------------------------------------------------------
// Templates: `message` for Slack and Grafana (the annotation text), `webhook.<service>` for a
// webhook. Bodies use only `{{.a.b}}` and `{{index .a.b "key"}}` / `{{(index .a.b 0).c}}`, values
// that never hold a quote (names, revisions, image references), so they are valid JSON.

export interface WebhookRequest {
  readonly method: 'POST';
  /** Appended to the service's url. */
  readonly path: string;
  /** A JSON document once rendered. */
  readonly body: string;
}

export interface NotificationTemplate {
  readonly message: string;
  readonly webhook?: Readonly<Partial<Record<ServiceName, WebhookRequest>>>;
}

const app = {
  name: '{{.app.metadata.name}}',
  revision: '{{.app.status.operationState.syncResult.revision}}',
  namespace: '{{.app.spec.destination.namespace}}',
};
const ro = {
  name: '{{.rollout.metadata.name}}',
  namespace: '{{.rollout.metadata.namespace}}',
  image: '{{(index .rollout.spec.template.spec.containers 0).image}}',
  revision: '{{index .rollout.metadata.annotations "rollout.argoproj.io/revision"}}',
  service: '{{index .rollout.metadata.labels "app.kubernetes.io/name"}}',
};

function datadogEvent(title: string, text: string, alertType: 'info' | 'warning' | 'error' | 'success', tags: readonly string[]): WebhookRequest {
  const body = `{"title": "${title}", "text": "${text}", "alert_type": "${alertType}", "source_type_name": "argo", "tags": [${tags.map((t) => `"${t}"`).join(', ')}]}`;
  return { method: 'POST', path: '', body };
}

export const ARGOCD_TEMPLATES: Readonly<Record<string, NotificationTemplate>> = {
  'app-deployed': {
    message: `Application ${app.name} is synced and healthy at revision ${app.revision}.`,
    webhook: { datadog: datadogEvent(`Deployed ${app.name}`, `Argo CD synced ${app.name} to ${app.revision}; it is healthy.`, 'success', ['source:argocd', `application:${app.name}`, `kube_namespace:${app.namespace}`]) },
  },
  'app-sync-failed': {
    message: `Sync of application ${app.name} failed at revision ${app.revision}: {{.app.status.operationState.message}}`,
    webhook: { datadog: datadogEvent(`Sync failed: ${app.name}`, `Argo CD could not sync ${app.name} to ${app.revision}.`, 'error', ['source:argocd', `application:${app.name}`, `kube_namespace:${app.namespace}`]) },
  },
};

const rolloutTags = ['source:argo-rollouts', `rollout:${ro.name}`, `kube_namespace:${ro.namespace}`];

export const ROLLOUTS_TEMPLATES: Readonly<Record<string, NotificationTemplate>> = {
  'rollout-completed': {
    message: `Rollout ${ro.name} in ${ro.namespace} completed: ${ro.image} is stable.`,
    webhook: {
      datadog: datadogEvent(`Released ${ro.name}`, `${ro.image} completed its rollout in ${ro.namespace}.`, 'success', rolloutTags),
      // The release loop: the image the Rollout verified, read from its own spec.
      github: {
        method: 'POST',
        path: `/repos/${GITHUB_REPOSITORY}/dispatches`,
        body: `{"event_type": "${ROLLOUT_VERIFIED_EVENT}", "client_payload": {"rollout": "${ro.name}", "namespace": "${ro.namespace}", "service": "${ro.service}", "image": "${ro.image}", "revision": "${ro.revision}"}}`,
      },
    },
  },
  'rollout-aborted': {
    message: `Rollout ${ro.name} in ${ro.namespace} was aborted; traffic is back on the stable version (${ro.image} was rejected).`,
    webhook: { datadog: datadogEvent(`Release aborted: ${ro.name}`, `${ro.image} was aborted in ${ro.namespace}; stable serves.`, 'error', rolloutTags) },
  },
  'rollout-paused': {
    message: `Rollout ${ro.name} in ${ro.namespace} paused (${ro.image}). A canary step pause resumes by itself; a blue/green waiting for promotion or an inconclusive analysis waits for a person: kubectl argo rollouts promote|abort ${ro.name} -n ${ro.namespace}.`,
  },
  'analysis-run-failed': {
    message: `An analysis of rollout ${ro.name} in ${ro.namespace} failed (${ro.image}); the rollout aborts.`,
  },
  'analysis-run-inconclusive': {
    message: `An analysis of rollout ${ro.name} in ${ro.namespace} was inconclusive (no traffic is no evidence): the rollout is paused and waits for a person. Check the AnalysisRun, then kubectl argo rollouts promote|abort ${ro.name} -n ${ro.namespace}.`,
  },
};

// ---------------------------------------------------------------------------------------------
// Triggers.

export interface NotificationTrigger {
  /** Templates sent. */
  readonly send: readonly string[];
  /** Argo CD: the condition on `app` (an expr expression). Argo Rollouts' event triggers have none. */
  readonly when?: string;
  readonly oncePer?: string;
  readonly description: string;
}

/** argoproj/argo-cd `notifications_catalog/triggers/on-deployed.yaml` and `on-sync-failed.yaml`. */
export const ARGOCD_TRIGGERS: Readonly<Record<string, NotificationTrigger>> = {
  'on-deployed': {
    description: 'Application is synced and healthy. Triggered once per commit.',
    when: "app.status.operationState != nil and app.status.operationState.phase in ['Succeeded'] and app.status.health.status == 'Healthy' and !time.Parse(app.status.health.lastTransitionTime).Before(time.Parse(app.status.operationState.finishedAt))",
    oncePer: 'app.status.operationState?.syncResult?.revision',
    send: ['app-deployed'],
  },
  'on-sync-failed': {
    description: 'Application syncing has failed',
    when: "app.status.operationState != nil and app.status.operationState.phase in ['Error', 'Failed']",
    oncePer: 'app.status.operationState?.syncResult?.revision',
    send: ['app-sync-failed'],
  },
};

/**
 * Argo Rollouts fires `on-<event reason in kebab case>` (argoproj/argo-rollouts
 * `utils/record/record.go`); the reasons are recorded on the Rollout by `rollout/sync.go`
 * (RolloutCompleted, RolloutAborted, RolloutPaused) and `rollout/analysis.go`
 * (`"AnalysisRun" + phase`: AnalysisRunFailed, AnalysisRunInconclusive). The stock catalog has
 * no trigger for AnalysisRunInconclusive; it is defined here.
 */
export const ROLLOUT_EVENT_REASONS: Readonly<Record<string, string>> = {
  'on-rollout-completed': 'RolloutCompleted',
  'on-rollout-aborted': 'RolloutAborted',
  'on-rollout-paused': 'RolloutPaused',
  'on-analysis-run-failed': 'AnalysisRunFailed',
  'on-analysis-run-inconclusive': 'AnalysisRunInconclusive',
};

export const ROLLOUTS_TRIGGERS: Readonly<Record<string, NotificationTrigger>> = {
  'on-rollout-completed': { description: 'The Rollout finished every step and analysis: the new version is stable', send: ['rollout-completed'] },
  'on-rollout-aborted': { description: 'The Rollout was aborted (a failed analysis or a person)', send: ['rollout-aborted'] },
  'on-rollout-paused': { description: 'The Rollout paused (a canary step, a blue/green waiting for promotion, an inconclusive analysis)', send: ['rollout-paused'] },
  'on-analysis-run-failed': { description: 'An AnalysisRun of the Rollout failed', send: ['analysis-run-failed'] },
  'on-analysis-run-inconclusive': { description: 'An AnalysisRun of the Rollout was inconclusive: the Rollout waits for a person', send: ['analysis-run-inconclusive'] },
};

// ---------------------------------------------------------------------------------------------
// Subscriptions.

export const SLACK_CHANNELS = {
  /** Every deployment, every environment. */
  deployments: 'exam-deployments',
  /** Production and platform failures: someone acts now. */
  incidents: 'exam-incidents',
} as const;

/** Who a subscription reaches: a success, a failure, or a wait for a person. */
export type Audience = 'success' | 'failure' | 'attention';

export type NotificationTarget = EnvironmentName | 'platform';

/** Slack channels per target. Development is not deployed: nobody. */
export const SLACK_RECIPIENTS: Readonly<Record<NotificationTarget, Readonly<Record<Audience, readonly string[]>>>> = {
  development: { success: [], failure: [], attention: [] },
  staging: { success: [SLACK_CHANNELS.deployments], failure: [SLACK_CHANNELS.deployments], attention: [SLACK_CHANNELS.deployments] },
  hotfix: { success: [SLACK_CHANNELS.deployments], failure: [SLACK_CHANNELS.deployments], attention: [SLACK_CHANNELS.deployments] },
  production: {
    success: [SLACK_CHANNELS.deployments],
    failure: [SLACK_CHANNELS.deployments, SLACK_CHANNELS.incidents],
    attention: [SLACK_CHANNELS.deployments, SLACK_CHANNELS.incidents],
  },
  platform: {
    success: [SLACK_CHANNELS.deployments],
    failure: [SLACK_CHANNELS.deployments, SLACK_CHANNELS.incidents],
    attention: [SLACK_CHANNELS.deployments, SLACK_CHANNELS.incidents],
  },
};

export interface SubscriptionRule {
  readonly trigger: string;
  readonly service: ServiceName;
  /** Slack: whose channels. Other services: sent whenever the target has any Slack audience. */
  readonly audience: Audience;
  /** Only these targets subscribe. @default every target with that Slack audience */
  readonly only?: readonly NotificationTarget[];
}

/** Applications: Slack on deploy and failure, a Grafana marker and a Datadog event on each. */
export const APPLICATION_SUBSCRIPTIONS: readonly SubscriptionRule[] = [
  { trigger: 'on-deployed', service: 'slack', audience: 'success' },
  { trigger: 'on-sync-failed', service: 'slack', audience: 'failure' },
  { trigger: 'on-deployed', service: 'grafana', audience: 'success' },
  { trigger: 'on-deployed', service: 'datadog', audience: 'success' },
  { trigger: 'on-sync-failed', service: 'datadog', audience: 'failure' },
];

/**
 * Rollouts: Slack on every outcome and on every pause (a pause may be waiting for a person:
 * blue/green promotion in production, an inconclusive analysis), a Grafana marker and a Datadog
 * event on completion and abort, and the GitHub dispatch of a verified release.
 */
export const ROLLOUT_SUBSCRIPTIONS: readonly SubscriptionRule[] = [
  { trigger: 'on-rollout-completed', service: 'slack', audience: 'success' },
  { trigger: 'on-rollout-aborted', service: 'slack', audience: 'failure' },
  { trigger: 'on-analysis-run-failed', service: 'slack', audience: 'failure' },
  { trigger: 'on-analysis-run-inconclusive', service: 'slack', audience: 'attention' },
  { trigger: 'on-rollout-paused', service: 'slack', audience: 'attention' },
  { trigger: 'on-rollout-completed', service: 'grafana', audience: 'success' },
  { trigger: 'on-rollout-aborted', service: 'grafana', audience: 'failure' },
  { trigger: 'on-rollout-completed', service: 'datadog', audience: 'success' },
  { trigger: 'on-rollout-aborted', service: 'datadog', audience: 'failure' },
  // Only staging and hotfix verify: a completed Rollout there is the evidence a promotion needs.
  { trigger: 'on-rollout-completed', service: 'github', audience: 'success', only: VERIFYING_ENVIRONMENTS },
];

export const SUBSCRIBE_PREFIX = 'notifications.argoproj.io/subscribe';

/** Grafana annotation tags of a target (the Grafana service splits recipients on `|`). */
export function grafanaTags(target: NotificationTarget): string {
  return `exam-system|${target}`;
}

function subscriptions(rules: readonly SubscriptionRule[], target: NotificationTarget): Record<string, string> {
  const out: Record<string, string> = {};
  for (const r of rules) {
    const channels = SLACK_RECIPIENTS[target][r.audience];
    if (channels.length === 0 || (r.only !== undefined && !r.only.includes(target))) continue;
    const key = `${SUBSCRIBE_PREFIX}.${r.trigger}.${r.service}`;
    // Webhooks take no recipient (the annotation's value is empty).
    out[key] = r.service === 'slack' ? channels.join(';') : r.service === 'grafana' ? grafanaTags(target) : '';
  }
  return out;
}

/** Subscription annotations for an Application. Empty for development (not deployed, nobody listens). */
export function applicationNotificationAnnotations(target: NotificationTarget): Record<string, string> {
  return subscriptions(APPLICATION_SUBSCRIPTIONS, target);
}

/** Subscription annotations for every Rollout of an environment. Empty for development. */
export function rolloutNotificationAnnotations(environment: EnvironmentName): Record<string, string> {
  return subscriptions(ROLLOUT_SUBSCRIPTIONS, environment);
}

// ---------------------------------------------------------------------------------------------
// The ConfigMaps' data.

/** YAML as the notification engine reads it (deterministic: insertion order, no line folding). */
function yaml(value: unknown): string {
  return stringify(value, { lineWidth: 0 });
}

function templateYaml(t: NotificationTemplate): string {
  const hooks = Object.entries(t.webhook ?? {}).map(([service, req]) => [service, { method: req!.method, ...(req!.path !== '' ? { path: req!.path } : {}), body: req!.body }]);
  return yaml({ message: t.message, ...(hooks.length > 0 ? { webhook: Object.fromEntries(hooks) } : {}) });
}

function triggerYaml(t: NotificationTrigger): string {
  return yaml([{ description: t.description, send: [...t.send], ...(t.when !== undefined ? { when: t.when } : {}), ...(t.oncePer !== undefined ? { oncePer: t.oncePer } : {}) }]);
}

/** The services a controller's subscriptions use. */
export function servicesUsed(rules: readonly SubscriptionRule[]): ServiceName[] {
  return (Object.keys(NOTIFICATION_SERVICES) as ServiceName[]).filter((s) => rules.some((r) => r.service === s));
}

/** The ConfigMap data of one controller: `service.*`, `template.*`, `trigger.*`. */
export function notificationConfigData(
  rules: readonly SubscriptionRule[],
  templates: Readonly<Record<string, NotificationTemplate>>,
  triggers: Readonly<Record<string, NotificationTrigger>>,
): Record<string, string> {
  const data: Record<string, string> = {};
  for (const s of servicesUsed(rules)) data[NOTIFICATION_SERVICES[s].configKey] = NOTIFICATION_SERVICES[s].settings;
  for (const [name, t] of Object.entries(templates)) data[`template.${name}`] = templateYaml(t);
  for (const [name, t] of Object.entries(triggers)) data[`trigger.${name}`] = triggerYaml(t);
  return data;
}

/** The Secret keys a controller's services reference. */
export function secretKeysUsed(rules: readonly SubscriptionRule[]): NotificationSecretKey[] {
  const keys = new Set(servicesUsed(rules).flatMap((s) => NOTIFICATION_SERVICES[s].secretKeys));
  return Object.values(NOTIFICATION_SECRET_KEYS).filter((k) => keys.has(k.key));
}
