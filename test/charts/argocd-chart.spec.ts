/**
 * The Argo CD charts: what dist/argocd and dist/argocd-bootstrap hold, and what the chart
 * derives from the other charts (whitelists, ignored fields) or refuses.
 */
import { App, Testing } from 'cdk8s';
import { ArgoCdBootstrapChart, ArgoCdChart, argoCdView, syncedFolder } from '../../lib/charts/argocd-chart';
import { EnvironmentChart } from '../../lib/charts/environment-chart';
import { OutputChart } from '../../lib/charts/output-chart';
import { SYNC_WAVE_ANNOTATION, applySyncWaves } from '../../lib/charts/sync-waves';
import { examSessionWindows, SYNC_WAVES, syncWaveOf, WORKLOAD_WAVE } from '../../lib/config/gitops';
import { rolloutNotificationAnnotations } from '../../lib/config/notifications';
import { Environment, loadEnvironments } from '../../lib/config/load';
import * as k8s from '../../lib/constructs/k8s';
import { KubeObject, RenderedObject, renderObjects } from '../../lib/output/render';
import { environmentsCopy } from '../helpers';
import { synthesized } from '../support/synthesized';

const environments = loadEnvironments();

/** The rendered environment charts, and whatever `extra` adds. */
function renderedEnvironments(envs: readonly Environment[], extra: (app: App) => void = () => undefined): RenderedObject[] {
  const app = Testing.app();
  for (const env of envs) new EnvironmentChart(app, { env, clusterFolder: env.gitops === undefined ? env.name : undefined });
  extra(app);
  return renderObjects(app);
}

/** The Argo CD chart over the environment charts and whatever `extra` adds. */
function argocdOver(envs: readonly Environment[], extra: (app: App) => void = () => undefined): KubeObject[] {
  return new ArgoCdChart(Testing.app(), { environments: envs, longestReleaseSeconds: 27 * 60, objects: renderedEnvironments(envs, extra) }).toJson() as KubeObject[];
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const spec = (o: KubeObject | undefined): any => o?.spec;
const find = (objects: KubeObject[], kind: string, name: string) => objects.find((o) => o.kind === kind && o.metadata.name === name);

describe('the Argo CD folders', () => {
  const rendered = synthesized().objects.filter((o) => o.path.startsWith('argocd'));

  test("dist/argocd holds the projects (the root's own included), the exam Applications and the add-ons; dist/argocd-bootstrap the root only", () => {
    expect(rendered.map((o) => o.path)).toEqual([
      'argocd-bootstrap/application-exam-root.yaml',
      'argocd/application-argo-cd.yaml',
      'argocd/application-argo-rollouts.yaml',
      'argocd/application-cert-manager.yaml',
      'argocd/application-envoy-gateway-crds.yaml',
      'argocd/application-envoy-gateway.yaml',
      'argocd/application-exam-hotfix.yaml',
      'argocd/application-exam-platform.yaml',
      'argocd/application-exam-production.yaml',
      'argocd/application-exam-staging.yaml',
      'argocd/application-external-secrets.yaml',
      'argocd/application-falcosidekick.yaml',
      'argocd/application-gateway-api-crds.yaml',
      'argocd/application-keda.yaml',
      'argocd/application-kube-prometheus-stack.yaml',
      'argocd/application-kyverno.yaml',
      'argocd/application-metrics-server.yaml',
      'argocd/appproject-exam-addons.yaml',
      'argocd/appproject-exam-bootstrap.yaml',
      'argocd/appproject-exam-platform.yaml',
      'argocd/appproject-exam-system.yaml',
    ]);
  });
});

describe('ArgoCdChart', () => {
  test('needs the objects of every folder it syncs: an empty folder is an error', () => {
    expect(() => new ArgoCdChart(Testing.app(), { environments, longestReleaseSeconds: 0, objects: [] })).toThrow(/Application exam-staging would sync dist\/staging, which holds no manifests/);
  });

  test('refuses a Secret in a synced folder: nothing secret comes from git', () => {
    expect(() =>
      argocdOver(environments, (app) => {
        const chart = new OutputChart(app, 'leak', { folder: 'staging' });
        new k8s.KubeSecret(chart, 's', { metadata: { name: 'leak', namespace: 'exam-system-staging' }, stringData: { A: 'b' } });
      }),
    ).toThrow(/would not admit the namespaced kinds \/Secret \(e\.g\. Secret leak in dist\/staging\); expected each in PERMITTED_NAMESPACED_KINDS/);
  });

  test('refuses a cluster-scoped kind that is not permitted', () => {
    // Rendered by hand: the renderer itself would stop first, as PriorityClass is not in its list of cluster-scoped kinds.
    const priorityClass: RenderedObject = {
      path: 'platform/cluster/priorityclass-node-critical.yaml',
      object: { apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name: 'node-critical' }, value: 1000 },
    };
    expect(() => new ArgoCdChart(Testing.app(), { environments, longestReleaseSeconds: 0, objects: [...renderedEnvironments(environments), priorityClass] })).toThrow(/would not admit the cluster-scoped kinds scheduling\.k8s\.io\/PriorityClass \(e\.g\. PriorityClass node-critical in dist\/platform\)/);
  });

  test('whitelists a permitted kind only once something synced holds it', () => {
    const kinds = (objects: KubeObject[]) => spec(find(objects, 'AppProject', 'exam-platform')).namespaceResourceWhitelist ?? [];
    // Without the platform chart nothing synced is a DaemonSet, though the kind is permitted.
    expect(kinds(argocdOver(environments))).not.toContainEqual({ group: 'apps', kind: 'DaemonSet' });
    const withDaemonSet = argocdOver(environments, (app) => {
      const chart = new OutputChart(app, 'extra', { folder: 'platform/security-system' });
      new k8s.KubeDaemonSet(chart, 'ds', {
        metadata: { name: 'agent', namespace: 'security-system' },
        spec: { selector: { matchLabels: { app: 'agent' } }, template: { metadata: { labels: { app: 'agent' } }, spec: { containers: [{ name: 'agent', image: 'agent:1' }] } } },
      });
    });
    expect(kinds(withDaemonSet)).toContainEqual({ group: 'apps', kind: 'DaemonSet' });
  });

  test('refuses RBAC: no synced object may widen anyone\'s rights without a reviewed config change', () => {
    expect(() =>
      argocdOver(environments, (app) => {
        const chart = new OutputChart(app, 'extra', { folder: 'platform/security-system' });
        new k8s.KubeClusterRole(chart, 'cr', { metadata: { name: 'reader' }, rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get'] }] });
      }),
    ).toThrow(/would not admit the cluster-scoped kinds rbac\.authorization\.k8s\.io\/ClusterRole/);
  });

  test("ignores the replicas of what an HPA scales, in that Application only", () => {
    const objects = argocdOver(environments, (app) => {
      const chart = new OutputChart(app, 'extra', { folder: 'staging' });
      new k8s.KubeHorizontalPodAutoscalerV2(chart, 'hpa', {
        metadata: { name: 'web', namespace: 'exam-system-staging' },
        spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' }, maxReplicas: 4 },
      });
    });
    expect(spec(find(objects, 'Application', 'exam-staging')).ignoreDifferences).toContainEqual({
      group: 'apps',
      kind: 'Deployment',
      name: 'web',
      namespace: 'exam-system-staging',
      jsonPointers: ['/spec/replicas'],
    });
    expect(JSON.stringify(spec(find(objects, 'Application', 'exam-hotfix')).ignoreDifferences ?? [])).not.toContain('"web"');
  });

  test('an environment without gitops gets no Application, no destination and no window', () => {
    // An environment off the Gateway cannot run a canary (lib/config/load.ts), so production's becomes blue/green.
    const dir = environmentsCopy({
      'production.yaml': (t) => t.replace(/\ngitops:\n( {2}.*\n)+/, '\n').replace('strategy: canary', 'strategy: blueGreen'),
      // The calendar's sessions must name deployed environments: rehearse in staging instead.
      'calendar.yaml': (t) => t.replaceAll('environments: [production]', 'environments: [staging]'),
    });
    const envs = loadEnvironments(dir);
    expect(envs.find((e) => e.name === 'production')!.gitops).toBeUndefined();
    const objects = argocdOver(envs);
    expect(objects.filter((o) => o.kind === 'Application').map((o) => o.metadata.name)).toEqual(['exam-staging', 'exam-hotfix', 'exam-platform']);
    const project = spec(find(objects, 'AppProject', 'exam-system'));
    expect(project.destinations.map((d: { namespace: string }) => d.namespace)).toEqual(['exam-system-staging', 'exam-system-hotfix']);
    // The sessions now freeze exam-staging only.
    expect(project.syncWindows.length).toBeGreaterThan(0);
    for (const w of project.syncWindows) expect(w.applications).toEqual(['exam-staging']);
    // The platform and the root can still change whatever runs: their projects keep the windows.
    for (const name of ['exam-platform', 'exam-bootstrap']) expect(spec(find(objects, 'AppProject', name)).syncWindows.length).toBeGreaterThan(0);
  });

  test('refuses a platform object in a namespace the platform project does not list', () => {
    expect(() =>
      argocdOver(environments, (app) => {
        const chart = new OutputChart(app, 'extra', { folder: 'platform/kube-system' });
        new k8s.KubeConfigMap(chart, 'cm', { metadata: { name: 'x', namespace: 'kube-system' } });
      }),
    ).toThrow(/project exam-platform would admit namespaces kube-system; expected each in PLATFORM_DESTINATIONS of lib\/config\/gitops\.ts with its reason/);
  });

  test('refuses an environment object outside the environments\' namespaces', () => {
    expect(() =>
      argocdOver(environments, (app) => {
        const chart = new OutputChart(app, 'extra', { folder: 'staging' });
        new k8s.KubeConfigMap(chart, 'cm', { metadata: { name: 'x', namespace: 'argocd' } });
      }),
    ).toThrow(/project exam-system would admit namespaces argocd; expected only the deployed environments' namespaces/);
  });

  test("production's automation follows its environment file", () => {
    const dir = environmentsCopy({ 'production.yaml': (t) => t.replace(/(\ngitops:\n(?: {2}.*\n)*? {2}automated:) true/, '$1 false') });
    const objects = argocdOver(loadEnvironments(dir));
    expect(spec(find(objects, 'Application', 'exam-production')).syncPolicy.automated).toEqual({ enabled: false, prune: true, selfHeal: true });
    expect(spec(find(objects, 'Application', 'exam-staging')).syncPolicy.automated).toEqual({ enabled: true, prune: true, selfHeal: true });
  });

  test("the bootstrap chart points the root at the Argo CD chart's folder, which must hold the root's project", () => {
    const bootstrap = new ArgoCdBootstrapChart(Testing.app(), { folder: 'argocd', projects: ['exam-system', 'exam-bootstrap'] });
    expect(bootstrap.root.path).toBe('dist/argocd');
    expect(() => new ArgoCdBootstrapChart(Testing.app(), { folder: 'argocd', projects: ['exam-system'] })).toThrow(/dist\/argocd holds no project exam-bootstrap; expected the root's project there/);
  });

  test('reads the objects only through argoCdView: the same output from the view as from the whole objects', () => {
    const objects = renderedEnvironments(environments);
    const whole = new ArgoCdChart(Testing.app(), { environments, longestReleaseSeconds: 0, objects }).toJson();
    const view = argoCdView(objects);
    expect(new ArgoCdChart(Testing.app(), { environments, longestReleaseSeconds: 0, objects: view }).toJson()).toEqual(whole);
    // A ConfigMap's data is not in the view; the spec of a Rollout is.
    expect(view.find((o) => o.object.kind === 'ConfigMap')!.object).toEqual({ apiVersion: 'v1', kind: 'ConfigMap', metadata: expect.objectContaining({ name: expect.any(String) }) });
    expect(view.find((o) => o.object.kind === 'Rollout')!.object.spec).toEqual(objects.find((o) => o.object.kind === 'Rollout')!.object.spec);
  });

  test('syncs the deployed environments\' folders and the platform\'s, nothing else', () => {
    expect(['staging', 'production', 'development', 'platform', 'platform/cluster', 'argocd', 'platformx'].filter((f) => syncedFolder(f, environments))).toEqual([
      'staging',
      'production',
      'platform',
      'platform/cluster',
    ]);
  });
});

describe('applySyncWaves', () => {
  test('annotates every object by kind', () => {
    const app = Testing.app();
    const chart = new OutputChart(app, 'c', { folder: 'x' });
    new k8s.KubeConfigMap(chart, 'cm', { metadata: { name: 'cm', namespace: 'x', annotations: { keep: 'me' } } });
    new k8s.KubeNamespace(chart, 'ns', { metadata: { name: 'x' } });
    applySyncWaves(app);
    const byKind = Object.fromEntries((chart.toJson() as KubeObject[]).map((o) => [o.kind, o.metadata.annotations]));
    expect(byKind).toEqual({
      ConfigMap: { keep: 'me', [SYNC_WAVE_ANNOTATION]: String(syncWaveOf('ConfigMap')) },
      Namespace: { [SYNC_WAVE_ANNOTATION]: String(syncWaveOf('Namespace')) },
    });
  });

  test('stops on a kind the table does not place', () => {
    const app = Testing.app();
    const chart = new OutputChart(app, 'c', { folder: 'x' });
    new k8s.KubePriorityClass(chart, 'pc', { metadata: { name: 'pc' }, value: 1 });
    expect(() => applySyncWaves(app)).toThrow(/PriorityClass pc .* has no sync wave; expected its kind in one of the phases of SYNC_WAVES/);
  });

  test('the table places each kind once, in increasing waves, in the order the issue asks', () => {
    const kinds = SYNC_WAVES.flatMap((p) => p.kinds);
    expect(kinds.filter((k, i) => kinds.indexOf(k) !== i)).toEqual([]);
    const waves = SYNC_WAVES.map((p) => p.wave);
    expect(waves).toEqual([...waves].sort((a, b) => a - b));
    const w = (k: string) => syncWaveOf(k)!;
    for (const first of ['Namespace', 'ClusterSecretStore', 'ConfigMap', 'ExternalSecret', 'ServiceAccount', 'AnalysisTemplate', 'Service']) {
      for (const workload of ['Deployment', 'Rollout', 'DaemonSet']) expect([first, workload, w(first) < w(workload)]).toEqual([first, workload, true]);
    }
    expect(w('Namespace')).toBeLessThan(w('ConfigMap'));
    expect(w('ConfigMap')).toBeLessThan(w('ServiceAccount'));
    expect(w('ServiceAccount')).toBeLessThan(w('AnalysisTemplate'));
    expect(w('AnalysisTemplate')).toBeLessThan(w('Service'));
    // Nothing after the workloads (see the next test for why); what acts on them joins them.
    for (const k of kinds) expect([k, w(k) <= WORKLOAD_WAVE]).toEqual([k, true]);
    for (const workload of ['Deployment', 'Rollout', 'DaemonSet', 'HorizontalPodAutoscaler', 'PodDisruptionBudget']) expect([workload, w(workload)]).toEqual([workload, WORKLOAD_WAVE]);
    // The migration Job runs after its Secret and NetworkPolicy, before the workloads that need the schema.
    expect(w('Job')).toBeGreaterThan(w('ExternalSecret'));
    expect(w('Job')).toBeGreaterThan(w('NetworkPolicy'));
    expect(w('Job')).toBeLessThan(w('Deployment'));
    expect(w('AppProject')).toBeLessThan(w('Application'));
  });
});

describe('gitops config', () => {
  test('the exam-session windows open before and close after every session, within the day, from the calendar', () => {
    const calendar = environments[0].calendar;
    const windows = examSessionWindows(calendar, ['production'], ['exam-production'], 27 * 60);
    expect(windows).toHaveLength(calendar.sessions.filter((s) => s.environments.includes('production')).reduce((n, s) => n + s.days.length, 0));
    // morning: 08:00 Monday to Saturday, 4 hours; warm-up 30 min (above the 27-minute canary), cool-down 30 min.
    expect(windows[0]).toMatchObject({ kind: 'deny', schedule: '30 7 * * 1-6', duration: '5h', timeZone: 'Asia/Shanghai', manualSync: true, applications: ['exam-production'] });
    // A longer release opens the freeze earlier.
    expect(examSessionWindows(calendar, ['production'], ['a'], 50 * 60)[0]).toMatchObject({ schedule: '10 7 * * 1-6', duration: '5h20m' });
  });

  test('a session whose freeze would cross midnight is an error naming the session and its line', () => {
    const calendar = environments[0].calendar;
    const dawn = { ...calendar.sessions[0], name: 'dawn', startMinuteOfDay: 20, where: 'environments/calendar.yaml:9' };
    expect(() => examSessionWindows({ ...calendar, sessions: [dawn] }, ['production'], ['a'], 0)).toThrow(/environments\/calendar.yaml:9: session "dawn": 30 min before its start crosses midnight/);
    const late = { ...calendar.sessions[0], name: 'late', startMinuteOfDay: 22 * 60, where: 'environments/calendar.yaml:9' };
    expect(() => examSessionWindows({ ...calendar, sessions: [late] }, ['production'], ['a'], 0)).toThrow(/session "late": .* after its start crosses midnight/);
  });

  test('Rollouts subscribe to every outcome and pause, with markers and the release dispatch; development, not deployed, to nothing', () => {
    expect(rolloutNotificationAnnotations('production')).toEqual({
      'notifications.argoproj.io/subscribe.on-rollout-completed.slack': 'exam-deployments',
      'notifications.argoproj.io/subscribe.on-rollout-aborted.slack': 'exam-deployments;exam-incidents',
      'notifications.argoproj.io/subscribe.on-analysis-run-failed.slack': 'exam-deployments;exam-incidents',
      'notifications.argoproj.io/subscribe.on-analysis-run-inconclusive.slack': 'exam-deployments;exam-incidents',
      'notifications.argoproj.io/subscribe.on-rollout-paused.slack': 'exam-deployments;exam-incidents',
      'notifications.argoproj.io/subscribe.on-rollout-completed.grafana': 'exam-system|production',
      'notifications.argoproj.io/subscribe.on-rollout-aborted.grafana': 'exam-system|production',
      'notifications.argoproj.io/subscribe.on-rollout-completed.datadog': '',
      'notifications.argoproj.io/subscribe.on-rollout-aborted.datadog': '',
    });
    expect(rolloutNotificationAnnotations('staging')['notifications.argoproj.io/subscribe.on-rollout-aborted.slack']).toBe('exam-deployments');
    // Only staging and hotfix verify: production's completion is not evidence for anything further.
    for (const env of ['staging', 'hotfix'] as const) expect(rolloutNotificationAnnotations(env)['notifications.argoproj.io/subscribe.on-rollout-completed.github']).toBe('');
    expect(rolloutNotificationAnnotations('development')).toEqual({});
  });
});
