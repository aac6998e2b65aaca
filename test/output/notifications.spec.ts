/**
 * Notifications over the synthesized output, as the controllers read them
 * (argoproj/notifications-engine, used by Argo CD and Argo Rollouts alike): every subscription
 * annotation in dist/ resolves to a trigger, the templates it sends and a service of the right
 * controller's ConfigMap; every `$key` a service names is in the controller's Secret, which an
 * ExternalSecret makes; every webhook body renders, from the real objects, to JSON.
 */
import { requestsFromEvent } from '../../lib/cli/commands/dispatch-payload';
import { DEFAULT_ENVIRONMENTS_DIR } from '../../lib/config/load';
import { parse } from 'yaml';
import { NO_VALUE, renderGoTemplate } from '../../lib/analysis/go-template';
import { ARGOCD_NOTIFICATIONS, NOTIFICATION_SECRETS, NotificationController, ROLLOUTS_NOTIFICATIONS, ROLLOUT_EVENT_REASONS, SUBSCRIBE_PREFIX } from '../../lib/config/notifications';
import { KubeObject } from '../../lib/output/render';
import { synthesized } from '../support/synthesized';

const { environments, objects } = synthesized();
const all = objects.map((o) => o.object);

interface Condition {
  send: string[];
  when?: string;
}
interface Template {
  message?: string;
  webhook?: Record<string, { method: string; path?: string; body: string }>;
}

/** One controller's configuration, parsed as the engine parses its ConfigMap. */
function configOf(c: NotificationController) {
  const placed = objects.find((o) => o.object.kind === 'ConfigMap' && o.object.metadata.namespace === c.namespace && o.object.metadata.name === c.configMap);
  if (placed === undefined) throw new Error(`no ConfigMap ${c.namespace}/${c.configMap} in the output`);
  const data = (placed.object as unknown as { data: Record<string, string> }).data;
  const pick = (prefix: string) =>
    Object.fromEntries(
      Object.entries(data)
        .filter(([k]) => k.startsWith(prefix))
        .map(([k, v]) => [k.slice(prefix.length), parse(v) as unknown]),
    );
  const services: Record<string, { webhook: boolean; settings: string }> = {};
  for (const [k, v] of Object.entries(data)) {
    const m = /^service\.(webhook\.)?([a-z0-9-]+)$/.exec(k);
    if (m !== null) services[m[1] ? m[2] : m[2]] = { webhook: m[1] !== undefined, settings: v };
  }
  const es = all.find((o) => o.kind === 'ExternalSecret' && o.metadata.namespace === c.namespace && o.metadata.name === c.secret);
  const secretKeys = ((es?.spec as { data?: { secretKey: string }[] } | undefined)?.data ?? []).map((d) => d.secretKey);
  return {
    path: placed.path,
    triggers: pick('trigger.') as Record<string, Condition[]>,
    templates: pick('template.') as Record<string, Template>,
    services,
    externalSecret: es,
    secretKeys,
  };
}

const argocd = configOf(ARGOCD_NOTIFICATIONS);
const rollouts = configOf(ROLLOUTS_NOTIFICATIONS);

/** Every subscription annotation of `kind` objects: [object id, trigger, service, recipients]. */
function subscriptionsOf(kinds: readonly string[]): [string, string, string, string][] {
  const out: [string, string, string, string][] = [];
  for (const o of all.filter((x) => kinds.includes(x.kind))) {
    for (const [k, v] of Object.entries(o.metadata.annotations ?? {})) {
      if (!k.startsWith(`${SUBSCRIBE_PREFIX}.`)) continue;
      const [trigger, service, extra] = k.slice(SUBSCRIBE_PREFIX.length + 1).split('.');
      expect([k, extra]).toEqual([k, undefined]);
      out.push([`${o.kind} ${o.metadata.namespace}/${o.metadata.name}`, trigger, service, v]);
    }
  }
  return out;
}

/** argoproj/argo-rollouts `utils/record/record.go` `translateReasonToTrigger`, line for line. */
function translateReasonToTrigger(reason: string): string {
  const matchFirstCap = /(.)([A-Z][a-z]+)/g;
  const matchAllCap = /([a-z0-9])([A-Z])/g;
  return `on-${reason.replace(matchFirstCap, '$1-$2').replace(matchAllCap, '$1-$2').toLowerCase()}`;
}

describe.each([
  ['Argo CD', ARGOCD_NOTIFICATIONS, argocd, ['Application']],
  ['Argo Rollouts', ROLLOUTS_NOTIFICATIONS, rollouts, ['Rollout']],
] as const)('%s notifications', (_name, controller, config, kinds) => {
  const subs = subscriptionsOf(kinds);

  test(`live in dist/platform/${controller.namespace}/, synced by exam-platform`, () => {
    expect(config.path).toBe(`platform/${controller.namespace}/configmap-${controller.configMap}.yaml`);
  });

  test('every subscription annotation resolves to a defined trigger, its templates and a service', () => {
    expect(subs.length).toBeGreaterThan(0);
    for (const [who, trigger, service, recipients] of subs) {
      const where = `${who}: ${trigger}.${service}`;
      const conditions = config.triggers[trigger];
      expect([where, Array.isArray(conditions) && conditions.length > 0]).toEqual([where, true]);
      const svc = config.services[service];
      expect([where, svc !== undefined]).toEqual([where, true]);
      for (const c of conditions) {
        expect([where, c.send.length > 0]).toEqual([where, true]);
        for (const name of c.send) {
          const t = config.templates[name];
          expect([where, name, t !== undefined]).toEqual([where, name, true]);
          // A webhook sends the template's webhook.<service> request; Slack and Grafana its message.
          if (svc.webhook) expect([where, name, typeof t.webhook?.[service]?.body, t.webhook?.[service]?.method]).toEqual([where, name, 'string', 'POST']);
          else expect([where, name, typeof t.message]).toEqual([where, name, 'string']);
        }
      }
      if (service === 'slack') expect([where, recipients]).toEqual([where, expect.stringMatching(/^[a-z0-9-]+(;[a-z0-9-]+)*$/)]);
      if (service === 'grafana') expect([where, recipients]).toEqual([where, expect.stringMatching(/^[a-z0-9-]+(\|[a-z0-9-]+)*$/)]);
      if (svc.webhook) expect([where, recipients]).toEqual([where, '']);
    }
  });

  test("every $key a service's settings name is a key of the controller's Secret, made by an ExternalSecret through the platform store", () => {
    expect(config.externalSecret).toBeDefined();
    expect((config.externalSecret!.spec as { secretStoreRef: unknown }).secretStoreRef).toEqual({ kind: 'ClusterSecretStore', name: NOTIFICATION_SECRETS.storeName });
    // notifications-engine pkg/api/config.go: `[$][\w-_]+` in a service's settings is replaced by that Secret key.
    for (const [name, svc] of Object.entries(config.services)) {
      const refs = svc.settings.match(/[$][\w-]+/g) ?? [];
      expect([name, refs.length > 0]).toEqual([name, true]);
      for (const ref of refs) expect([name, ref, config.secretKeys.includes(ref.slice(1))]).toEqual([name, ref, true]);
    }
    // Only used services are configured, so only their tokens are fetched.
    const used = new Set(subs.map(([, , s]) => s));
    expect(Object.keys(config.services).sort()).toEqual([...used].sort());
  });
});

describe('Argo Rollouts triggers', () => {
  test('each trigger is the name the controller derives from the event reason it records (utils/record/record.go)', () => {
    expect(translateReasonToTrigger('AnalysisRunInconclusive')).toBe('on-analysis-run-inconclusive');
    expect(translateReasonToTrigger('RolloutPaused')).toBe('on-rollout-paused');
    for (const [trigger, reason] of Object.entries(ROLLOUT_EVENT_REASONS)) expect([reason, translateReasonToTrigger(reason)]).toEqual([reason, trigger]);
    expect(Object.keys(rollouts.triggers).sort()).toEqual(Object.keys(ROLLOUT_EVENT_REASONS).sort());
    // The stock catalog has no trigger for AnalysisRunInconclusive; this repository defines it.
    expect(rollouts.triggers['on-analysis-run-inconclusive']).toEqual([expect.objectContaining({ send: ['analysis-run-inconclusive'] })]);
  });

  test('a Rollout that pauses for a person (blue/green awaiting promotion, an inconclusive analysis) tells someone', () => {
    const deployed = environments.filter((e) => e.gitops !== undefined).map((e) => e.namespace);
    const ros = all.filter((o) => o.kind === 'Rollout' && deployed.includes(o.metadata.namespace!));
    expect(ros.length).toBeGreaterThan(0);
    const manual = ros.filter((o) => (o.spec as { strategy: { blueGreen?: { autoPromotionEnabled?: boolean } } }).strategy.blueGreen?.autoPromotionEnabled === false);
    expect(manual.length).toBeGreaterThan(0);
    for (const ro of ros) {
      const a = ro.metadata.annotations ?? {};
      for (const trigger of ['on-rollout-paused', 'on-analysis-run-inconclusive', 'on-rollout-aborted']) {
        expect([ro.metadata.name, trigger, a[`${SUBSCRIBE_PREFIX}.${trigger}.slack`]]).toEqual([ro.metadata.name, trigger, expect.stringMatching(/^exam-/)]);
      }
    }
  });
});

/** What the controllers add to the objects at run time, so the sample carries what templates read. */
function liveApplication(app: KubeObject): Record<string, unknown> {
  return {
    ...app,
    status: {
      sync: { status: 'Synced', revision: '3f9c2ab1e0d4c5b6a7980123456789abcdef0123' },
      health: { status: 'Healthy', lastTransitionTime: '2026-12-01T09:00:05Z' },
      operationState: { phase: 'Succeeded', message: 'successfully synced (all tasks run)', finishedAt: '2026-12-01T09:00:00Z', syncResult: { revision: '3f9c2ab1e0d4c5b6a7980123456789abcdef0123' } },
    },
  };
}
function liveRollout(ro: KubeObject): Record<string, unknown> {
  return { ...ro, metadata: { ...ro.metadata, annotations: { ...ro.metadata.annotations, 'rollout.argoproj.io/revision': '4' } } };
}

describe('templates render from the real objects', () => {
  const samples: [string, NotificationController, Record<string, Template>, Record<string, unknown>][] = [
    ...all.filter((o) => o.kind === 'Application').map((o) => [`Application ${o.metadata.name}`, ARGOCD_NOTIFICATIONS, argocd.templates, { app: liveApplication(o) }] as [string, NotificationController, Record<string, Template>, Record<string, unknown>]),
    ...all
      .filter((o) => o.kind === 'Rollout')
      .map((o) => [`Rollout ${o.metadata.namespace}/${o.metadata.name}`, ROLLOUTS_NOTIFICATIONS, rollouts.templates, { rollout: liveRollout(o) }] as [string, NotificationController, Record<string, Template>, Record<string, unknown>]),
  ];

  test('every webhook body is JSON, every message renders, nothing prints <no value>', () => {
    let bodies = 0;
    for (const [who, controller, templates, vars] of samples) {
      for (const [name, t] of Object.entries(templates)) {
        const where = `${controller.configMap} template.${name} for ${who}`;
        const message = renderGoTemplate(t.message!, vars, `${where} message`);
        expect([where, message.includes(NO_VALUE)]).toEqual([where, false]);
        for (const [service, req] of Object.entries(t.webhook ?? {})) {
          const body = renderGoTemplate(req.body, vars, `${where} webhook.${service}`);
          expect([where, service, body.includes(NO_VALUE)]).toEqual([where, service, false]);
          expect(() => JSON.parse(body)).not.toThrow();
          bodies++;
        }
      }
    }
    expect(bodies).toBeGreaterThan(0);
  });

  test("the GitHub dispatch is a repository_dispatch rollout-verified carrying the image from the Rollout's own spec, and the release workflow accepts it", () => {
    const ro = all.find((o) => o.kind === 'Rollout' && o.metadata.namespace === 'exam-system-staging' && o.metadata.name === 'exam-service-rollout')!;
    const req = rollouts.templates['rollout-completed'].webhook!.github;
    expect(req.path).toBe('/repos/exam-platform/exam-delivery/dispatches');
    const body = JSON.parse(renderGoTemplate(req.body, { rollout: liveRollout(ro) })) as { event_type: string; client_payload: Record<string, string> };
    const image = (ro.spec as { template: { spec: { containers: { image: string }[] } } }).template.spec.containers[0].image;
    expect(image).toMatch(/^ghcr\.io\/exam-platform\/exam-system\/exam-service:v[^@]+@sha256:[0-9a-f]{64}$/);
    expect(body).toEqual({ event_type: 'rollout-verified', client_payload: { rollout: 'exam-service-rollout', namespace: 'exam-system-staging', service: 'exam-service', image, revision: '4' } });
    // What the release workflow's validator makes of it: the ledger entry, then the promotion.
    const { requests } = requestsFromEvent('rollout-verified', { action: body.event_type, client_payload: body.client_payload }, DEFAULT_ENVIRONMENTS_DIR, () => '2026-12-01T10:00:00Z');
    const digest = image.slice(image.indexOf('@') + 1);
    expect(requests).toEqual([
      { kind: 'record-verified', queue: 'verified-staging', environment: 'staging', service: 'exam-service', digest, at: '2026-12-01T10:00:00Z', evidence: expect.stringContaining('Rollout exam-system-staging/exam-service-rollout revision 4 completed') },
      { kind: 'promote', queue: 'production', from: 'staging', to: 'production', service: 'exam-service' },
    ]);
  });
});

describe('the notification secret store', () => {
  const store = all.find((o) => o.kind === 'ClusterSecretStore' && o.metadata.name === NOTIFICATION_SECRETS.storeName)!;
  const spec = store.spec as { conditions: { namespaces: string[] }[]; provider: { aws: { role: string; region: string } } };

  test('serves only the platform namespaces (the two controllers\', and falcosidekick\'s security-system), with its own IAM role (none of the environments\')', () => {
    expect(spec.conditions).toEqual([{ namespaces: [ARGOCD_NOTIFICATIONS.namespace, ROLLOUTS_NOTIFICATIONS.namespace, 'security-system'] }]);
    expect(spec.provider.aws.role).toBe(NOTIFICATION_SECRETS.role);
    for (const env of environments) expect(spec.provider.aws.role).not.toBe(env.secrets.role);
    const path = objects.find((o) => o.object === store)!.path;
    expect(path).toBe(`platform/cluster/clustersecretstore-${NOTIFICATION_SECRETS.storeName}.yaml`);
  });
});
