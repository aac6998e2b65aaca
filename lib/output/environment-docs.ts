/**
 * docs/environments.md: for each environment, its services (strategy, replicas, image tag,
 * exposure), a Mermaid diagram of the traffic path and one of the release flow. Everything is
 * read from the environments and the synthesized objects, so the page cannot drift from what
 * Argo CD applies. Pure: no files, no clock.
 */
import { PROMOTION_TARGET, VERIFYING_ENVIRONMENTS } from '../config/release-loop';
import { BRANCH_RULES } from '../config/branches';
import { SERVICES, ServiceName } from '../config/catalog';
import type { Environment } from '../config/load';
import { formatImageRef, parseImageRef } from '../rules/image-ref';
import { CALENDAR_FILE_NAME, ExamCalendar, calendarOccurrences, localTime, openWindowAt, WindowLike } from '../config/calendar';
import { PRESCALED_ENVIRONMENTS, sessionCapacities } from '../config/capacity';
import { applicationName } from '../config/gitops';
import type { KubeObject } from './render';
import { Memo, NO_MEMO } from '../rules/memo';

/** The environment fields the page uses. */
export type DocumentedEnvironment = Pick<Environment, 'name' | 'namespace' | 'gitops' | 'services'> & {
  /** The exam calendar (the same on every environment); the page gains its section when given. */
  readonly calendar?: ExamCalendar;
};

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
function get(v: unknown, ...path: string[]): unknown {
  let cur = v;
  for (const k of path) cur = isObj(cur) ? cur[k] : undefined;
  return cur;
}
function arr(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}
function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined;
}

function code(text: string): string {
  return `\`${text}\``;
}

/** How a service's new version replaces the old, read from its workload. */
export type StrategyKind = 'rolling' | 'canary' | 'blueGreen';

export interface ServiceRow {
  readonly service: ServiceName;
  readonly workload: KubeObject;
  readonly strategy: StrategyKind;
  readonly replicas: string;
  readonly tag: string;
  /** `https://host/path` for each HTTPRoute rule (without a header match) that reaches the service. */
  readonly exposure: readonly string[];
}

const STRATEGY_LABEL: Record<StrategyKind, string> = {
  rolling: 'Deployment (rolling update)',
  canary: 'Rollout (canary)',
  blueGreen: 'Rollout (blue-green)',
};

function inNamespace(objects: readonly KubeObject[], namespace: string, kind: string): KubeObject[] {
  return objects.filter((o) => o.kind === kind && o.metadata.namespace === namespace);
}

function appOf(workload: KubeObject): string | undefined {
  return str(get(workload, 'spec', 'selector', 'matchLabels', 'app'));
}

/** The app each Service routes to, by Service name (selectors use `app` only). */
function serviceApps(objects: readonly KubeObject[], namespace: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const svc of inNamespace(objects, namespace, 'Service')) {
    const app = str(get(svc, 'spec', 'selector', 'app'));
    if (app !== undefined) out.set(svc.metadata.name, app);
  }
  return out;
}

interface ServiceRoute {
  /** The HTTPRoute's name. */
  readonly route: string;
  readonly url: string;
  /** The rule's path, with its header match if it has one, e.g. `/ (X-Preview: always)`. */
  readonly match: string;
  readonly host: string;
  readonly app: string;
  /** The rule matches on headers only some requests carry (a preview or canary switch). */
  readonly byHeader: boolean;
}

/** The protocol of the Gateway listener a route attaches to (https unless the listener says HTTP). */
function listenerScheme(objects: readonly KubeObject[], route: KubeObject): string {
  const parent = arr(get(route, 'spec', 'parentRefs'))[0];
  const gateway = objects.find(
    (o) => o.kind === 'Gateway' && o.metadata.name === str(get(parent, 'name')) && o.metadata.namespace === (str(get(parent, 'namespace')) ?? route.metadata.namespace),
  );
  const listener = arr(get(gateway, 'spec', 'listeners')).find((l) => get(l, 'name') === str(get(parent, 'sectionName')));
  return str(get(listener, 'protocol')) === 'HTTP' ? 'http' : 'https';
}

/** Every (host, rule, backend app) of the namespace's HTTPRoutes. */
function serviceRoutes(objects: readonly KubeObject[], namespace: string): ServiceRoute[] {
  const apps = serviceApps(objects, namespace);
  const out: ServiceRoute[] = [];
  for (const route of inNamespace(objects, namespace, 'HTTPRoute')) {
    const scheme = listenerScheme(objects, route);
    for (const host of arr(get(route, 'spec', 'hostnames')).map(String)) {
      for (const rule of arr(get(route, 'spec', 'rules'))) {
        const m = arr(get(rule, 'matches'))[0];
        const path = str(get(m, 'path', 'value')) ?? '/';
        const headers = arr(get(m, 'headers')).map((h) => `${str(get(h, 'name'))}: ${str(get(h, 'value'))}`);
        for (const b of arr(get(rule, 'backendRefs'))) {
          const backend = str(get(b, 'name'));
          if (backend === undefined || get(b, 'weight') === 0) continue;
          const app = apps.get(backend) ?? backend;
          const match = headers.length > 0 ? `${path} (${headers.join(', ')})` : path;
          if (out.some((r) => r.route === route.metadata.name && r.host === host && r.match === match && r.app === app)) continue;
          out.push({ route: route.metadata.name, host, match, app, byHeader: headers.length > 0, url: `${scheme}://${host}${path}` });
        }
      }
    }
  }
  return out;
}

function workloadFor(objects: readonly KubeObject[], namespace: string, service: string): KubeObject {
  const found = [...inNamespace(objects, namespace, 'Deployment'), ...inNamespace(objects, namespace, 'Rollout')].filter((w) => appOf(w) === service);
  if (found.length !== 1) {
    throw new Error(`environment docs: ${namespace}/${service}: expected exactly one Deployment or Rollout selecting app=${service}, found ${found.length}`);
  }
  return found[0];
}

function strategyOf(workload: KubeObject): StrategyKind {
  if (workload.kind === 'Deployment') return 'rolling';
  if (get(workload, 'spec', 'strategy', 'canary') !== undefined) return 'canary';
  if (get(workload, 'spec', 'strategy', 'blueGreen') !== undefined) return 'blueGreen';
  throw new Error(`environment docs: Rollout ${workload.metadata.namespace}/${workload.metadata.name} has neither a canary nor a blueGreen strategy`);
}

function replicasOf(objects: readonly KubeObject[], workload: KubeObject): string {
  const replicas = str(get(workload, 'spec', 'replicas')) ?? '1';
  const hpa = inNamespace(objects, workload.metadata.namespace ?? '', 'HorizontalPodAutoscaler').find(
    (h) => get(h, 'spec', 'scaleTargetRef', 'kind') === workload.kind && get(h, 'spec', 'scaleTargetRef', 'name') === workload.metadata.name,
  );
  if (hpa !== undefined) return `${str(get(hpa, 'spec', 'minReplicas')) ?? replicas}–${str(get(hpa, 'spec', 'maxReplicas'))} (HPA)`;
  const scaled = inNamespace(objects, workload.metadata.namespace ?? '', 'ScaledObject').find(
    (h) => get(h, 'spec', 'scaleTargetRef', 'kind') === workload.kind && get(h, 'spec', 'scaleTargetRef', 'name') === workload.metadata.name,
  );
  if (scaled === undefined) return replicas;
  const floors = ((get(scaled, 'spec', 'triggers') ?? []) as { type: string; metadata: { desiredReplicas?: string } }[])
    .filter((t) => t.type === 'cron')
    .map((t) => Number(t.metadata.desiredReplicas));
  const peak = floors.length > 0 ? `, ${Math.max(...floors)} in exam sessions` : '';
  return `${str(get(scaled, 'spec', 'minReplicaCount')) ?? replicas}–${str(get(scaled, 'spec', 'maxReplicaCount'))} (KEDA${peak})`;
}

function tagOf(workload: KubeObject, service: string): string {
  const containers = arr(get(workload, 'spec', 'template', 'spec', 'containers'));
  const container = containers.find((c) => get(c, 'name') === service) ?? containers[0];
  const image = str(get(container, 'image')) ?? '';
  const { tag, digest } = parseImageRef(image);
  return formatImageRef({ tag: tag ?? '(none)', digest });
}

/** One row per service of the environment, in catalog order. */
export function serviceRows(env: DocumentedEnvironment, objects: readonly KubeObject[]): ServiceRow[] {
  const routes = serviceRoutes(objects, env.namespace).filter((r) => !r.byHeader);
  return env.services.map((s) => {
    const workload = workloadFor(objects, env.namespace, s.name);
    return {
      service: s.name,
      workload,
      strategy: strategyOf(workload),
      replicas: replicasOf(objects, workload),
      tag: tagOf(workload, s.name),
      exposure: [...new Set(routes.filter((r) => r.app === s.name).map((r) => r.url))],
    };
  });
}

/** A Mermaid node id: letters, digits and `_` only. */
function nodeId(prefix: string, name: string): string {
  return `${prefix}_${name.replace(/[^A-Za-z0-9]/g, '_')}`;
}
/** A quoted Mermaid label. */
function label(text: string): string {
  return `"${text.replace(/"/g, '#quot;')}"`;
}

function trafficDiagram(env: DocumentedEnvironment, objects: readonly KubeObject[]): string[] {
  const routes = serviceRoutes(objects, env.namespace);
  const names = new Set<string>(env.services.map((s) => s.name));
  const lines = ['```mermaid', 'flowchart LR'];
  if (routes.length > 0) lines.push(`  users([${label('Users (internet), through the shared Gateway')}])`);
  const routeNames = [...new Set(routes.map((r) => r.route))];
  for (const name of routeNames) {
    const hosts = [...new Set(routes.filter((r) => r.route === name).map((r) => r.host))];
    lines.push(`  ${nodeId('route', name)}[${label(`HTTPRoute ${name}<br/>${hosts.join('<br/>')}`)}]`);
    lines.push(`  users --> ${nodeId('route', name)}`);
  }
  for (const s of env.services) lines.push(`  ${nodeId('svc', s.name)}[${label(s.name)}]`);
  for (const r of routes) {
    if (names.has(r.app)) lines.push(`  ${nodeId('route', r.route)} -->|${label(r.match)}| ${nodeId('svc', r.app)}`);
  }
  for (const s of env.services) {
    for (const callee of SERVICES[s.name].calls) {
      if (names.has(callee)) lines.push(`  ${nodeId('svc', s.name)} --> ${nodeId('svc', callee)}`);
    }
  }
  lines.push('```');
  return lines;
}

function templateNames(analysis: unknown): string[] {
  return arr(get(analysis, 'templates')).map((t) => str(get(t, 'templateName')) ?? str(get(t, 'clusterTemplateName')) ?? '?');
}

function describeCanaryStep(step: unknown): string {
  if (get(step, 'setWeight') !== undefined) return `${str(get(step, 'setWeight'))}% of traffic`;
  if (isObj(step) && 'pause' in step) {
    const d = str(get(step, 'pause', 'duration'));
    return d === undefined ? 'pause until promoted by hand' : `pause ${d}`;
  }
  if (get(step, 'analysis') !== undefined) return `analysis: ${templateNames(get(step, 'analysis')).join(', ')}`;
  if (get(step, 'setHeaderRoute') !== undefined) {
    const matches = arr(get(step, 'setHeaderRoute', 'match')).map((m) => `${str(get(m, 'headerName'))}: ${str(get(m, 'headerValue', 'exact')) ?? '…'}`);
    return matches.length > 0 ? `header route: ${matches.join(', ')} reaches the canary` : `remove header route ${str(get(step, 'setHeaderRoute', 'name'))}`;
  }
  return isObj(step) ? Object.keys(step).join(', ') : String(step);
}

interface FlowGroup {
  readonly key: string;
  readonly services: string[];
  readonly lines: string[];
}

interface Flow {
  readonly key: string;
  readonly lines: string[];
  /** Per-service detail (the Services a Rollout switches). */
  readonly detail?: string;
}

function rollingFlow(workload: KubeObject): Flow {
  const ru = get(workload, 'spec', 'strategy', 'rollingUpdate');
  const surge = str(get(ru, 'maxSurge')) ?? '25%';
  const unavailable = str(get(ru, 'maxUnavailable')) ?? '25%';
  const lines = [
    '```mermaid',
    'flowchart LR',
    `  new[${label('new ReplicaSet')}] --> surge[${label(`add pods (maxSurge ${surge})`)}]`,
    `  surge --> ready{${label('readiness probe passes?')}}`,
    `  ready -->|yes| retire[${label(`retire old pods (maxUnavailable ${unavailable})`)}]`,
    `  retire --> surge`,
    `  ready -->|no| stuck[${label('rollout stalls; old pods keep serving')}]`,
    '```',
  ];
  return { key: `rolling|${surge}|${unavailable}`, lines };
}

function canaryFlow(workload: KubeObject): Flow {
  const canary = get(workload, 'spec', 'strategy', 'canary');
  const steps = arr(get(canary, 'steps')).map(describeCanaryStep);
  const background = templateNames(get(canary, 'analysis'));
  const lines = ['```mermaid', 'flowchart LR', `  start[${label('new version: canary pods behind the canary Service')}]`];
  let prev = 'start';
  steps.forEach((s, i) => {
    lines.push(`  ${prev} --> step${i}[${label(s)}]`);
    prev = `step${i}`;
  });
  lines.push(`  ${prev} --> done[${label('100%: canary becomes stable')}]`);
  if (background.length > 0) {
    lines.push(`  analysis{{${label(`background analysis: ${background.join(', ')}`)}}}`);
    lines.push(`  start -.-> analysis`);
    lines.push(`  analysis -.->|${label('fails')}| abort[${label('abort: all traffic back to stable')}]`);
  }
  lines.push('```');
  const services = [str(get(canary, 'canaryService')), str(get(canary, 'stableService'))];
  const detail = services.every((x) => x !== undefined) ? `canary ${code(services[0] as string)}, stable ${code(services[1] as string)}` : undefined;
  return { key: `canary|${JSON.stringify(steps)}|${background.join(',')}`, lines, detail };
}

function blueGreenFlow(workload: KubeObject): Flow {
  const bg = get(workload, 'spec', 'strategy', 'blueGreen');
  const pre = templateNames(get(bg, 'prePromotionAnalysis'));
  const post = templateNames(get(bg, 'postPromotionAnalysis'));
  const auto = get(bg, 'autoPromotionEnabled') !== false;
  const delay = str(get(bg, 'scaleDownDelaySeconds')) ?? '30';
  const lines = ['```mermaid', 'flowchart LR', `  preview[${label('new color behind the preview Service')}]`];
  let prev = 'preview';
  if (pre.length > 0) {
    lines.push(`  preview --> pre{{${label(`pre-promotion analysis: ${pre.join(', ')}`)}}}`);
    lines.push(`  pre -.->|${label('fails')}| abortPre[${label('abort: live traffic never moved')}]`);
    prev = 'pre';
  }
  lines.push(`  ${prev} --> promote[${label(auto ? 'promote automatically' : 'promote by hand (kubectl argo rollouts promote)')}]`);
  lines.push(`  promote --> switch[${label('the active Service switches to the new color')}]`);
  prev = 'switch';
  if (post.length > 0) {
    lines.push(`  switch --> post{{${label(`post-promotion analysis: ${post.join(', ')}`)}}}`);
    lines.push(`  post -.->|${label('fails')}| abortPost[${label('abort: switch back to the old color')}]`);
    prev = 'post';
  }
  lines.push(`  ${prev} --> down[${label(`old color scaled down after ${delay}s`)}]`);
  lines.push('```');
  const services = [str(get(bg, 'previewService')), str(get(bg, 'activeService'))];
  const detail = services.every((x) => x !== undefined) ? `preview ${code(services[0] as string)}, active ${code(services[1] as string)}` : undefined;
  return { key: `blueGreen|${pre.join(',')}|${post.join(',')}|${auto}|${delay}`, lines, detail };
}

const FLOW_TITLE: Record<StrategyKind, string> = {
  rolling: 'Rolling update',
  canary: 'Canary (Argo Rollouts)',
  blueGreen: 'Blue/green (Argo Rollouts)',
};

function releaseFlows(rows: readonly ServiceRow[]): FlowGroup[] {
  const groups = new Map<string, FlowGroup>();
  for (const row of rows) {
    const flow = row.strategy === 'rolling' ? rollingFlow(row.workload) : row.strategy === 'canary' ? canaryFlow(row.workload) : blueGreenFlow(row.workload);
    const name = flow.detail === undefined ? row.service : `${row.service} (${flow.detail})`;
    const group = groups.get(flow.key);
    if (group === undefined) groups.set(flow.key, { key: flow.key, services: [name], lines: flow.lines });
    else group.services.push(name);
  }
  return [...groups.values()];
}

/** Which builds release to the environment and how an image reaches the file Argo CD syncs. */
function releaseIntro(env: DocumentedEnvironment): string {
  const rules = BRANCH_RULES.filter((r) => r.deploy && r.environment === env.name);
  if (env.gitops === undefined) {
    return 'No branch deploys here: feature branches and pull requests only build and check it. A change reaches it when someone applies the folder.';
  }
  if (env.name === PROMOTION_TARGET) {
    return `Nothing deploys here directly: images arrive by \`promote\` from ${VERIFYING_ENVIRONMENTS.map(code).join(' or ')}, only with digests the ledger lists as verified there, in a pull request to ${code(env.gitops.targetRevision)} that its code owners review (docs/release-loop.md). Argo CD then syncs, and each workload rolls out as follows.`;
  }
  const refs = rules.map((r) => code(r.pattern)).join(' and ');
  return `Images built from the service repositories' ${refs} ${rules.length === 1 ? 'ref' : 'refs'} arrive by digest in this environment's file, in a pull request to ${code(env.gitops.targetRevision)} that merges on its own once the checks pass (docs/release-loop.md). Argo CD then syncs, and each workload rolls out as follows.`;
}

function environmentSection(env: DocumentedEnvironment, objects: readonly KubeObject[]): string[] {
  const rows = serviceRows(env, objects);
  const out = [`## ${env.name}`, ''];
  const delivery =
    env.gitops === undefined
      ? 'Not deployed by Argo CD: no Application syncs it (feature branches build it; apply it to a local cluster).'
      : `Argo CD syncs ${code(`dist/${env.name}/`)} from branch ${code(env.gitops.targetRevision)} (${env.gitops.automated ? 'automated sync with prune and self-heal' : 'manual sync'}).`;
  out.push(`Namespace ${code(env.namespace)}. ${delivery}`, '');
  out.push('| Service | Strategy | Replicas | Image tag | Exposure |', '| --- | --- | --- | --- | --- |');
  for (const r of rows) {
    const exposure = r.exposure.length > 0 ? r.exposure.join('<br/>') : 'internal (ClusterIP)';
    out.push(`| ${r.service} | ${STRATEGY_LABEL[r.strategy]} | ${r.replicas} | ${code(r.tag)} | ${exposure} |`);
  }
  out.push('', '### Traffic', '', 'HTTPRoutes on the shared Gateway (from the HTTPRoute objects) and the service-to-service calls of the service catalog.', '');
  out.push(...trafficDiagram(env, objects), '');
  out.push('### Release flow', '');
  out.push(releaseIntro(env), '');
  for (const g of releaseFlows(rows)) {
    const kind = g.key.split('|')[0] as StrategyKind;
    out.push(`**${FLOW_TITLE[kind]}**: ${g.services.join(', ')}`, '', ...g.lines, '');
  }
  return out;
}

/** The whole page. `envs` in the order they should appear; `objects` every synthesized object. */
export function renderEnvironmentDocs(envs: readonly DocumentedEnvironment[], objects: readonly KubeObject[], memo: Memo = NO_MEMO): string {
  const out = [
    '# Environments',
    '',
    '<!-- Generated by `npm run synth` from environments/*.yaml and the synthesized objects. Do not edit by hand. -->',
    '',
    '| Environment | Namespace | Argo CD tracks | Sync | Rollouts |',
    '| --- | --- | --- | --- | --- |',
  ];
  for (const env of envs) {
    const rows = serviceRows(env, objects);
    const progressive = rows.filter((r) => r.strategy !== 'rolling').map((r) => `${r.service} (${r.strategy === 'canary' ? 'canary' : 'blue-green'})`);
    const tracks = env.gitops === undefined ? 'not deployed' : code(env.gitops.targetRevision);
    const sync = env.gitops === undefined ? '-' : env.gitops.automated ? 'automated' : 'manual';
    out.push(`| [${env.name}](#${env.name}) | ${code(env.namespace)} | ${tracks} | ${sync} | ${progressive.length > 0 ? progressive.join(', ') : 'none'} |`);
  }
  out.push('');
  for (const env of envs) out.push(...environmentSection(env, objects));
  const calendar = envs.find((e) => e.calendar !== undefined)?.calendar;
  if (calendar !== undefined) out.push(...calendarSection(calendar, envs, objects, memo));
  return `${out.join('\n').replace(/\n+$/, '')}\n`;
}

/** The deny windows of the AppProjects that name an environment's Application. */
function denyWindowsOf(objects: readonly KubeObject[], environment: string): (WindowLike & { kind: string })[] {
  const app = applicationName(environment as Environment['name']);
  return objects
    .filter((o) => o.kind === 'AppProject')
    .flatMap((p) => ((get(p, 'spec', 'syncWindows') ?? []) as (WindowLike & { kind: string })[]).filter((w) => w.kind === 'deny' && (w.applications ?? []).includes(app)));
}

function minutesText(minutes: number): string {
  return minutes % 60 === 0 ? `${minutes / 60} h` : minutes > 60 ? `${Math.floor(minutes / 60)} h ${minutes % 60} min` : `${minutes} min`;
}

/**
 * The exam calendar: its sessions, the replicas production holds for each, the deny windows as
 * synthesized, and a Mermaid gantt of the reference week written in the calendar (never "next
 * week": the page must not change with the date).
 */
function calendarSection(calendar: ExamCalendar, envs: readonly DocumentedEnvironment[], objects: readonly KubeObject[], memo: Memo): string[] {
  const prescaled = envs.filter((e) => PRESCALED_ENVIRONMENTS.includes(e.name));
  const out = [
    '## Exam calendar',
    '',
    `From \`environments/${CALENDAR_FILE_NAME}\`, checked from ${calendar.horizon.from} to ${calendar.horizon.until} (renew it before then). ` +
      `Production's exam-traffic services are held at the required replicas from ${calendar.warmUpMinutes} min before each session to ${calendar.coolDownMinutes} min after it ` +
      `(KEDA cron triggers; required = ceil(peak / candidates per replica × ${1 + calendar.headroom}), the per-replica figures are placeholders in the catalog), ` +
      'and Argo CD syncs nothing automatically from the freeze before each session (the longer of the warm-up and the longest release) to the cool-down after it.',
    '',
    `| Session | Time zone | Start | Duration | Peak candidates | Environments | Replicas${prescaled.length > 0 ? ` in ${prescaled.map((e) => e.name).join(', ')}` : ''} |`,
    '| --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const s of calendar.sessions) {
    const replicas = prescaled.flatMap((e) => sessionCapacities(calendar, e.name).filter((c) => c.session.name === s.name).map((c) => `${c.service} ${c.required}`));
    out.push(`| ${s.name} | ${s.timeZone} | ${s.startText} | ${minutesText(s.durationMinutes)} | ${s.peakCandidates} | ${s.environments.join(', ')} | ${replicas.length > 0 ? replicas.join(', ') : '-'} |`);
  }
  out.push('', 'Deny windows (as synthesized into the AppProjects; every project whose Applications can change these environments carries them):', '');
  out.push('| Applications | Schedule | Duration | Time zone | Manual sync |', '| --- | --- | --- | --- | --- |');
  const seen = new Set<string>();
  for (const p of objects.filter((o) => o.kind === 'AppProject')) {
    for (const w of ((get(p, 'spec', 'syncWindows') ?? []) as (WindowLike & { kind: string; manualSync?: boolean })[]).filter((x) => x.kind === 'deny')) {
      const row = `| ${code((w.applications ?? []).join(', '))} in ${code(p.metadata.name)} | ${code(w.schedule)} | ${w.duration} | ${w.timeZone ?? 'UTC'} | ${w.manualSync === true ? 'yes' : 'no'} |`;
      if (!seen.has(row)) out.push(row);
      seen.add(row);
    }
  }
  out.push(
    '',
    'The emergency path stays open during a freeze: a person with the `delivery` role may sync by hand (a kill-switch flag flip, a fix) and abort a Rollout (`manualSync: true`).',
    '',
  );
  const env = prescaled[0]?.name ?? envs.find((e) => e.gitops !== undefined)?.name;
  if (env === undefined) return out;
  const windows = denyWindowsOf(objects, env);
  // Cron times in the sessions' zones are the costly part: kept by their exact inputs.
  out.push(...memo.get('reference-week-gantt', JSON.stringify([calendar, env, windows]), () => referenceWeekGantt(calendar, env as Environment['name'], windows)));
  return out;
}

/** The Mermaid gantt of the calendar's reference week in `env`: sessions, pre-scaling and freezes, in UTC. */
function referenceWeekGantt(calendar: ExamCalendar, env: Environment['name'], windows: readonly WindowLike[]): string[] {
  const from = new Date(`${calendar.referenceWeek}T00:00:00Z`);
  const until = new Date(from.getTime() + 7 * 86_400_000);
  const iso = (d: Date) => localTime(d, 'UTC');
  const out = [`Reference week ${calendar.referenceWeek} in ${env} (UTC):`, '', '```mermaid', 'gantt', `  title Exam sessions in ${env}, week of ${calendar.referenceWeek} (UTC)`, '  dateFormat YYYY-MM-DD HH:mm', '  axisFormat %a %H:%M'];
  for (const s of calendar.sessions.filter((x) => x.environments.includes(env))) {
    const runs = calendarOccurrences(calendar, from, until, env).filter((o) => o.session === s.name);
    if (runs.length === 0) continue;
    out.push(`  section ${s.name}`);
    for (const o of runs) {
      const day = localTime(o.start, s.timeZone).slice(0, 10);
      const frozen = openWindowAt(windows, o.start);
      if (frozen !== undefined) out.push(`  no automatic sync ${day} :crit, ${iso(frozen.open)}, ${iso(frozen.close)}`);
      if (PRESCALED_ENVIRONMENTS.includes(env)) {
        out.push(`  pre-scaled ${day} :active, ${iso(new Date(o.start.getTime() - calendar.warmUpMinutes * 60_000))}, ${iso(new Date(o.end.getTime() + calendar.coolDownMinutes * 60_000))}`);
      }
      out.push(`  session ${day} :${iso(o.start)}, ${iso(o.end)}`);
    }
  }
  out.push('```', '');
  return out;
}
