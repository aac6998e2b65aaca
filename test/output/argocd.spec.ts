/**
 * Argo CD over the whole synthesized output: every Application points at a folder that exists
 * and holds its environment only, the project admits exactly what its Applications sync, the
 * root bootstraps the rest, and production keeps still during exams.
 */
import { analyzeRollouts, parseDuration } from '../../lib/analysis/rollout-timing';
import { SchemaRegistry } from '../../lib/analysis/schema-validation';
import { calendarOccurrences, horizonBounds } from '../../lib/config/calendar';
import { parseCron } from '../../lib/config/cron';
import { SYNC_WAVE_ANNOTATION } from '../../lib/charts/sync-waves';
import { ADDONS_PROJECT_NAME, ENVIRONMENTS_WAVE_KEY, applicationWave } from '../../lib/config/addons';
import { ARGOCD_NAMESPACE, IN_CLUSTER, PLATFORM_APPLICATION_NAME, REPO_URL, syncWaveOf } from '../../lib/config/gitops';
import { GATEWAY_NAMESPACE } from '../../lib/config/gateway';
import { MONITORING } from '../../lib/config/monitoring';
import { SECURITY_NAMESPACE } from '../../lib/config/namespaces';
import { RESOURCES_FINALIZER } from '../../lib/constructs/argocd-application';
import { KubeObject, RenderedObject } from '../../lib/output/render';
import { apiGroupOf, objectId } from '../../lib/rules/objects';
import { synthesized } from '../support/synthesized';

interface GroupKind {
  group: string;
  kind: string;
}
interface ApplicationSpec {
  project: string;
  source: { repoURL: string; targetRevision: string; path: string; directory?: { recurse?: boolean } };
  destination: { server: string; namespace: string };
  syncPolicy: {
    automated?: { enabled?: boolean; prune?: boolean; selfHeal?: boolean };
    syncOptions?: string[];
    retry?: { limit: number; backoff?: { duration: string; factor: number; maxDuration: string } };
  };
  ignoreDifferences?: (GroupKind & { name: string; namespace: string; jsonPointers: string[] })[];
}
interface ProjectSpec {
  sourceRepos: string[];
  destinations: { server: string; namespace: string }[];
  clusterResourceWhitelist: GroupKind[];
  namespaceResourceWhitelist: GroupKind[];
  roles?: { name: string; groups: string[]; policies: string[] }[];
  syncWindows?: { kind: string; schedule: string; duration: string; timeZone: string; applications: string[]; manualSync: boolean }[];
}

const { environments, objects } = synthesized();
const finalizersOf = (o: KubeObject) => (o.metadata as { finalizers?: string[] }).finalizers;
const id = (o: KubeObject) => objectId(o);
const groupOf = (o: KubeObject) => apiGroupOf(o.apiVersion);
const gk = (g: GroupKind) => `${g.group}/${g.kind}`;

const inFolder = (folder: string) => objects.filter((o) => o.path.startsWith(`${folder}/`));
const appSpec = (a: KubeObject) => a.spec as ApplicationSpec;
/** Every Application the root syncs: the exam system's and the add-ons' (test/output/addons.spec.ts). */
const allApplications = inFolder('argocd').filter((o) => o.object.kind === 'Application').map((o) => o.object);
/** The exam system's Applications (every project but the add-ons'), which sync folders of dist/. */
const applications = allApplications.filter((a) => appSpec(a).project !== ADDONS_PROJECT_NAME);
const app = (name: string) => applications.find((a) => a.metadata.name === name)!;
/** The exam system's projects (the add-ons' project is test/output/addons.spec.ts's). */
const projects = inFolder('argocd')
  .filter((o) => o.object.kind === 'AppProject' && o.object.metadata.name !== ADDONS_PROJECT_NAME)
  .map((o) => o.object);
const projectNamed = (name: string) => projects.find((p) => p.metadata.name === name)!;
const project = projectNamed('exam-system');
const projectSpec = project.spec as ProjectSpec;
const root = objects.find((o) => o.path.startsWith('argocd-bootstrap/') && o.object.kind === 'Application')!.object;
const deployed = environments.filter((e) => e.gitops !== undefined);

/** The folder of dist/ an Application reads (its path without `dist/`). */
const folderOf = (a: KubeObject) => appSpec(a).source.path.replace(/^dist\//, '');
/** The objects an Application syncs: files directly in its folder, or below it when it recurses. */
function syncedBy(a: KubeObject): RenderedObject[] {
  const folder = folderOf(a);
  const recurse = appSpec(a).source.directory?.recurse === true;
  return objects.filter((o) => o.path.startsWith(`${folder}/`) && (recurse || !o.path.slice(folder.length + 1).includes('/')));
}

describe('the Applications', () => {
  const registry = new SchemaRegistry();

  test('validate against the pinned Argo CD CRDs, as do the projects', () => {
    const argo = objects.filter((o) => o.path.startsWith('argocd')).map((o) => o.object);
    expect(argo.map((o) => o.kind).sort()).toEqual(expect.arrayContaining(['AppProject', 'AppProject', 'Application']));
    expect(argo.flatMap((o) => registry.validate(o))).toEqual([]);
  });

  test('one per deployed environment plus the platform; development has none', () => {
    expect(deployed.map((e) => e.name).sort()).toEqual(['hotfix', 'production', 'staging']);
    expect(applications.map((a) => a.metadata.name).sort()).toEqual(['exam-hotfix', 'exam-platform', 'exam-production', 'exam-staging']);
    const development = environments.find((e) => e.name === 'development')!;
    for (const a of applications) {
      expect([a.metadata.name, folderOf(a)]).not.toEqual([a.metadata.name, 'development']);
      expect([a.metadata.name, appSpec(a).destination.namespace]).not.toEqual([a.metadata.name, development.namespace]);
    }
  });

  test('all live in namespace argocd, from this repository on the in-cluster API; environments in project exam-system, the platform in exam-platform', () => {
    for (const a of applications) {
      expect([a.metadata.name, a.metadata.namespace, appSpec(a).project, appSpec(a).source.repoURL, appSpec(a).destination.server]).toEqual([
        a.metadata.name,
        ARGOCD_NAMESPACE,
        a.metadata.name === 'exam-platform' ? 'exam-platform' : 'exam-system',
        REPO_URL,
        IN_CLUSTER,
      ]);
    }
  });

  test('each path exists and holds that environment only; the platform folder holds cluster-scoped objects, Falco and the dashboards', () => {
    for (const env of deployed) {
      const a = app(`exam-${env.name}`);
      expect(appSpec(a).source.path).toBe(`dist/${env.name}`);
      expect(appSpec(a).source.directory?.recurse).toBe(false);
      expect(appSpec(a).destination.namespace).toBe(env.namespace);
      const synced = syncedBy(a);
      expect(synced.length).toBeGreaterThan(0);
      for (const o of synced) expect([o.path, o.object.metadata.namespace]).toEqual([o.path, env.namespace]);
      // A flat folder: nothing in a sub-folder that the Application would silently skip.
      expect(inFolder(env.name).length).toBe(synced.length);
    }
    const platform = app('exam-platform');
    expect(appSpec(platform).source).toMatchObject({ path: 'dist/platform', directory: { recurse: true } });
    expect(appSpec(platform).destination.namespace).toBe(SECURITY_NAMESPACE);
    const synced = syncedBy(platform);
    expect(synced.some((o) => o.path.startsWith('platform/cluster/'))).toBe(true);
    for (const o of synced) {
      // platform/cluster/ holds cluster-scoped objects; platform/<namespace>/ that namespace's.
      const folder = o.path.split('/')[1];
      expect([o.path, o.object.metadata.namespace]).toEqual([o.path, folder === 'cluster' ? undefined : folder]);
    }
    expect(synced.some((o) => o.object.metadata.namespace === SECURITY_NAMESPACE)).toBe(true);
    expect(synced.some((o) => o.object.metadata.namespace === GATEWAY_NAMESPACE)).toBe(true);
    expect(synced.some((o) => o.object.metadata.namespace === MONITORING.namespace)).toBe(true);
    // Every cluster-scoped object a deployed environment needs (its Namespace) is in the platform folder.
    for (const env of deployed) expect(synced.map((o) => id(o.object))).toContain(`Namespace (cluster)/${env.namespace}`);
  });

  test('every object is synced by exactly one Application, or applied by hand (bootstrap), or not deployed (development)', () => {
    const owners = new Map<string, string[]>();
    for (const a of [...applications, root]) for (const o of syncedBy(a)) owners.set(o.path, [...(owners.get(o.path) ?? []), a.metadata.name]);
    for (const o of objects) {
      const top = o.path.split('/')[0];
      const expected = top === 'development' || top === 'argocd-bootstrap' ? 0 : 1;
      expect([o.path, (owners.get(o.path) ?? []).length]).toEqual([o.path, expected]);
    }
  });

  test('every Application tracks main (an environment is a folder), as its file says', () => {
    expect(Object.fromEntries(applications.map((a) => [a.metadata.name, appSpec(a).source.targetRevision]))).toEqual({
      'exam-production': 'main',
      'exam-staging': 'main',
      'exam-hotfix': 'main',
      'exam-platform': 'main',
    });
    for (const env of deployed) expect(appSpec(app(`exam-${env.name}`)).source.targetRevision).toBe(env.gitops!.targetRevision);
  });

  test('sync policies are explicit: staging and hotfix prune and self-heal automatically, production as its file says', () => {
    for (const name of ['exam-staging', 'exam-hotfix']) expect([name, appSpec(app(name)).syncPolicy.automated]).toEqual([name, { enabled: true, prune: true, selfHeal: true }]);
    const production = environments.find((e) => e.name === 'production')!;
    expect(appSpec(app('exam-production')).syncPolicy.automated).toEqual({ enabled: production.gitops!.automated, prune: true, selfHeal: true });
    expect(production.gitops!.automated).toBe(true);
    for (const a of applications) {
      const policy = appSpec(a).syncPolicy;
      expect([a.metadata.name, policy.syncOptions]).toEqual([a.metadata.name, expect.arrayContaining(['CreateNamespace=false', 'PruneLast=true', 'RespectIgnoreDifferences=true'])]);
      expect([a.metadata.name, policy.retry?.limit, policy.retry?.backoff?.factor]).toEqual([a.metadata.name, expect.any(Number), expect.any(Number)]);
      expect(policy.retry!.backoff!.factor).toBeGreaterThan(1);
      // Deleting an Application must not delete an environment.
      expect([a.metadata.name, finalizersOf(a)]).toEqual([a.metadata.name, undefined]);
    }
  });

  test('exam-platform heals drift but never prunes by itself: pruning a Namespace would delete an environment', () => {
    expect(syncedBy(app('exam-platform')).some((o) => o.object.kind === 'Namespace')).toBe(true);
    expect(appSpec(app('exam-platform')).syncPolicy.automated).toEqual({ enabled: true, prune: false, selfHeal: true });
  });

  test('ignore exactly the fields controllers own: HPA and ScaledObject targets\' replicas, Rollouts\' Services\' selector hash', () => {
    for (const a of applications) {
      const synced = syncedBy(a).map((o) => o.object);
      const expected = new Set<string>();
      for (const o of synced) {
        // KEDA's HPA sets the replicas of a ScaledObject's target, like any HPA.
        if (o.kind === 'HorizontalPodAutoscaler' || o.kind === 'ScaledObject') {
          const ref = (o.spec as { scaleTargetRef: { apiVersion: string; kind: string; name: string } }).scaleTargetRef;
          expected.add(`${apiGroupOf(ref.apiVersion)}/${ref.kind}/${ref.name} /spec/replicas`);
        }
        if (o.kind === 'Rollout') {
          const s = (o.spec as { strategy: Record<string, Record<string, unknown>> }).strategy;
          for (const key of ['canaryService', 'stableService', 'activeService', 'previewService']) {
            const svc = s.canary?.[key] ?? s.blueGreen?.[key];
            if (typeof svc === 'string') expected.add(`/Service/${svc} /spec/selector/rollouts-pod-template-hash`);
          }
        }
      }
      const actual = new Set<string>();
      for (const d of appSpec(a).ignoreDifferences ?? []) {
        // Each ignored object exists in this Application's folder.
        expect([a.metadata.name, synced.some((o) => groupOf(o) === d.group && o.kind === d.kind && o.metadata.name === d.name && o.metadata.namespace === d.namespace)]).toEqual([
          a.metadata.name,
          true,
        ]);
        for (const p of d.jsonPointers.filter((x) => x.startsWith('/spec/'))) actual.add(`${gk(d)}/${d.name} ${p}`);
      }
      expect([a.metadata.name, [...actual].sort()]).toEqual([a.metadata.name, [...expected].sort()]);
    }
    // Production has HPAs and Rollouts, so the rule is exercised.
    expect((appSpec(app('exam-production')).ignoreDifferences ?? []).length).toBeGreaterThan(0);
  });

  test('notify Slack on a failed sync and on a deployment (replacing curl calls in scripts)', () => {
    for (const a of applications) {
      const annotations = a.metadata.annotations ?? {};
      expect([a.metadata.name, annotations['notifications.argoproj.io/subscribe.on-sync-failed.slack']]).toEqual([a.metadata.name, expect.stringMatching(/^[a-z0-9-]+(;[a-z0-9-]+)*$/)]);
      expect([a.metadata.name, annotations['notifications.argoproj.io/subscribe.on-deployed.slack']]).toEqual([a.metadata.name, expect.stringMatching(/^[a-z0-9-]+(;[a-z0-9-]+)*$/)]);
    }
  });
});

describe('the projects', () => {
  /** The Applications of a project (the root included: it is in the bootstrap project). */
  const appsOf = (p: KubeObject) => [...applications, root].filter((a) => appSpec(a).project === p.metadata.name);

  test('three: exam-system (environments), exam-platform (platform), exam-bootstrap (the root); all in dist/argocd, managed by the root', () => {
    expect(projects.map((p) => p.metadata.name).sort()).toEqual(['exam-bootstrap', 'exam-platform', 'exam-system']);
    expect(inFolder('argocd-bootstrap').map((o) => o.object.kind)).toEqual(['Application']);
    for (const p of projects) expect([p.metadata.name, appsOf(p).length > 0]).toEqual([p.metadata.name, true]);
  });

  test('admit this repository only, and exactly the namespaces their Applications write to, with no wildcard', () => {
    expect(projectSpec.destinations.map((d) => d.namespace).sort()).toEqual(deployed.map((e) => e.namespace).sort());
    expect(projectSpec.destinations.map((d) => d.namespace).sort()).toEqual(['exam-system', 'exam-system-hotfix', 'exam-system-staging']);
    expect((projectNamed('exam-platform').spec as ProjectSpec).destinations.map((d) => d.namespace).sort()).toEqual(['argo-rollouts', 'argocd', GATEWAY_NAMESPACE, MONITORING.namespace, 'security-system'].sort());
    for (const p of projects.map((x) => x.spec as ProjectSpec)) {
      expect(p.sourceRepos).toEqual([REPO_URL]);
      expect(JSON.stringify(p.sourceRepos)).not.toContain('*');
      expect(JSON.stringify(p.destinations)).not.toContain('*');
      expect(p.destinations.every((d) => d.server === IN_CLUSTER)).toBe(true);
    }
    // The environments' project cannot write to argocd (ConfigMaps there are Argo CD's own settings).
    expect(projectSpec.destinations.map((d) => d.namespace)).not.toContain(ARGOCD_NAMESPACE);
    expect(projectSpec.clusterResourceWhitelist).toEqual([]);
  });

  test.each(['exam-system', 'exam-platform', 'exam-bootstrap'])('%s admits every object its Applications sync, and whitelists exactly their kinds', (name) => {
    const p = projectNamed(name);
    const spec = p.spec as ProjectSpec;
    const synced = appsOf(p).flatMap(syncedBy).map((o) => o.object);
    const destinations = new Set(spec.destinations.map((d) => `${d.server} ${d.namespace}`));
    const clusterKinds = new Set(spec.clusterResourceWhitelist.map(gk));
    const namespacedKinds = new Set(spec.namespaceResourceWhitelist.map(gk));
    for (const a of appsOf(p)) expect(destinations.has(`${appSpec(a).destination.server} ${appSpec(a).destination.namespace}`)).toBe(true);
    for (const o of synced) {
      const key = gk({ group: groupOf(o), kind: o.kind });
      if (o.metadata.namespace === undefined) expect([id(o), clusterKinds.has(key)]).toEqual([id(o), true]);
      else expect([id(o), destinations.has(`${IN_CLUSTER} ${o.metadata.namespace}`), namespacedKinds.has(key)]).toEqual([id(o), true, true]);
    }
    const derived = (cluster: boolean) => [...new Set(synced.filter((o) => (o.metadata.namespace === undefined) === cluster).map((o) => gk({ group: groupOf(o), kind: o.kind })))].sort();
    expect(spec.clusterResourceWhitelist.map(gk).sort()).toEqual(derived(true));
    expect(spec.namespaceResourceWhitelist.map(gk).sort()).toEqual(derived(false));
    expect(JSON.stringify([spec.clusterResourceWhitelist, spec.namespaceResourceWhitelist])).not.toContain('*');
    expect(spec.namespaceResourceWhitelist.map(gk)).not.toContain('/Secret');
  });

  test.each(['exam-system', 'exam-platform', 'exam-bootstrap'])('%s: developers read, the delivery team syncs; every policy stays inside the project', (name) => {
    const roles = Object.fromEntries(((projectNamed(name).spec as ProjectSpec).roles ?? []).map((r) => [r.name, r]));
    expect(Object.keys(roles).sort()).toEqual(['delivery', 'developer']);
    for (const r of Object.values(roles)) {
      expect(r.groups.length).toBeGreaterThan(0);
      for (const p of r.policies) expect(p).toMatch(new RegExp(`^p, proj:${name}:${r.name}, (applications|logs), [^,]+, ${name}/\\*, allow$`));
    }
    const actions = (name: string) => roles[name].policies.map((p) => p.split(', ').slice(2, 4).join(' '));
    expect(actions('developer').sort()).toEqual(['applications get', 'logs get']);
    expect(actions('delivery')).toEqual(expect.arrayContaining(['applications get', 'applications sync']));
    for (const name of ['developer', 'delivery']) expect(actions(name).some((a) => / (delete|update|create|override|\*)$/.test(a))).toBe(false);
  });

  /**
   * A deny window belongs to a project and holds back only the Applications it names (globs).
   * Every Application that can change production must be held back by its own project's windows
   * during every exam session: exam-production, exam-platform (Namespaces, stores, Falco,
   * notifications), the root (every Application and project), and any add-on that lands later.
   * Only the staging and hotfix environments, which cannot, are free. argoproj/argo-cd
   * `pkg/apis/application/v1alpha1/types.go`: `SyncWindows.Matches` takes the windows of the
   * Application's own project whose `applications` globs match its name; `hasDeny` allows a
   * manual sync during a deny window only if every matching deny window has `manualSync: true`.
   */
  test("every Application that can change production is frozen by its project during every exam session of the calendar; a person's sync still goes through", () => {
    const glob = (pattern: string) => new RegExp(`^${pattern.split('*').map((x) => x.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
    const otherEnvs = new Set(deployed.filter((e) => e.name !== 'production').map((e) => e.namespace));
    const calendar = environments[0].calendar;
    const { from, until } = horizonBounds(calendar);
    const sessions = calendarOccurrences(calendar, from, until, 'production');
    expect(sessions.length).toBeGreaterThan(500); // two a day, six days a week, for a year, and the dated ones
    // The freeze opens before the warm-up and before the longest release of production could end.
    const longest = Math.max(...analyzeRollouts(objects.map((o) => o.object)).filter((r) => r.namespace === 'exam-system').map((r) => r.releaseSeconds));
    const leadMs = Math.max(calendar.warmUpMinutes * 60, longest) * 1000;
    let frozen = 0;
    for (const a of [...applications, root]) {
      const changesProduction = !otherEnvs.has(appSpec(a).destination.namespace);
      const windows = ((projectNamed(appSpec(a).project).spec as ProjectSpec).syncWindows ?? []).filter((w) => w.applications.some((g) => glob(g).test(a.metadata.name)));
      if (!changesProduction) {
        expect([a.metadata.name, windows]).toEqual([a.metadata.name, []]);
        continue;
      }
      // Evaluate each window as Argo CD does (robfig/cron in its zone, open for its duration).
      const spans = windows.flatMap((w) => {
        expect(w).toMatchObject({ kind: 'deny', manualSync: true });
        return parseCron(w.schedule, w.timeZone)
          .runsBetween(new Date(from.getTime() - 86_400_000), until)
          .map((open) => ({ open: open.getTime(), close: open.getTime() + parseDuration(w.duration) * 1000 }));
      });
      // Exactly one window per session occurrence, opening lead before it and closing the cool-down after it.
      expect([a.metadata.name, spans.filter((s) => s.open + leadMs >= from.getTime() && s.open + leadMs < until.getTime()).length]).toEqual([a.metadata.name, sessions.length]);
      for (const o of sessions) {
        const match = spans.find((s) => s.open === o.start.getTime() - leadMs && s.close === o.end.getTime() + calendar.coolDownMinutes * 60_000);
        expect([a.metadata.name, o.session, o.start.toISOString(), match !== undefined]).toEqual([a.metadata.name, o.session, o.start.toISOString(), true]);
      }
      frozen++;
    }
    expect(frozen).toBe(3); // exam-production, exam-platform, exam-root
    // Every project carries the windows, the root's own included.
    const crons = calendar.sessions.filter((x) => x.environments.includes('production')).reduce((n, x) => n + x.days.length, 0);
    for (const p of projects) expect([p.metadata.name, ((p.spec as ProjectSpec).syncWindows ?? []).length]).toEqual([p.metadata.name, crons]);
  });
});

describe('the root Application', () => {
  const rootSpec = appSpec(root);

  test('bootstraps the rest: it syncs the folder that holds the project and the Applications, with the resources finalizer', () => {
    expect(finalizersOf(root)).toEqual([RESOURCES_FINALIZER]);
    expect(rootSpec.source).toMatchObject({ repoURL: REPO_URL, path: 'dist/argocd', targetRevision: 'main' });
    expect(syncedBy(root).map((o) => o.object.kind).sort()).toEqual([...projects.map(() => 'AppProject'), 'AppProject', ...allApplications.map(() => 'Application')].sort()); // + exam-addons
    expect(rootSpec.syncPolicy.automated).toMatchObject({ enabled: true, prune: true, selfHeal: true });
  });

  test('uses a bootstrap project that admits Applications and AppProjects in argocd, and nothing else; the root manages it', () => {
    expect(rootSpec.project).toBe('exam-bootstrap');
    const p = projectNamed(rootSpec.project).spec as ProjectSpec;
    // The project is in the folder the root syncs: calendar edits reach its windows.
    expect(syncedBy(root).map((o) => id(o.object))).toContain(`AppProject ${ARGOCD_NAMESPACE}/exam-bootstrap`);
    expect(p.sourceRepos).toEqual([REPO_URL]);
    expect(p.destinations).toEqual([{ server: IN_CLUSTER, namespace: ARGOCD_NAMESPACE }]);
    expect(p.clusterResourceWhitelist).toEqual([]);
    expect(p.namespaceResourceWhitelist.map(gk).sort()).toEqual(['argoproj.io/AppProject', 'argoproj.io/Application']);
    for (const o of syncedBy(root)) expect([id(o.object), o.object.metadata.namespace]).toEqual([id(o.object), ARGOCD_NAMESPACE]);
  });
});

describe('sync waves', () => {
  test('every object carries the wave of its kind; an Application the root syncs, its wave among Applications', () => {
    for (const o of objects) {
      const expected =
        o.path.startsWith('argocd/') && o.object.kind === 'Application'
          ? applicationWave(appSpec(o.object).project === 'exam-system' && o.object.metadata.name !== PLATFORM_APPLICATION_NAME ? ENVIRONMENTS_WAVE_KEY : o.object.metadata.name)
          : syncWaveOf(o.object.kind);
      expect([id(o.object), o.object.metadata.annotations?.[SYNC_WAVE_ANNOTATION]]).toEqual([id(o.object), String(expected)]);
    }
  });

  test('in each Application, Namespaces, ConfigMaps, ExternalSecrets and AnalysisTemplates come before every workload', () => {
    const wave = (o: KubeObject) => Number(o.metadata.annotations![SYNC_WAVE_ANNOTATION]);
    for (const a of applications) {
      const synced = syncedBy(a).map((o) => o.object);
      const workloads = synced.filter((o) => ['Deployment', 'Rollout', 'DaemonSet'].includes(o.kind));
      const first = synced.filter((o) => ['Namespace', 'ClusterSecretStore', 'ConfigMap', 'ExternalSecret', 'AnalysisTemplate', 'ServiceAccount', 'Service'].includes(o.kind));
      for (const f of first) for (const w of workloads) expect([id(f), id(w), wave(f) < wave(w)]).toEqual([id(f), id(w), true]);
    }
    const argocd = inFolder('argocd').map((o) => o.object);
    const projectWave = Math.max(...argocd.filter((o) => o.kind === 'AppProject').map(wave));
    for (const a of argocd.filter((o) => o.kind === 'Application')) expect(wave(a)).toBeGreaterThan(projectWave);
  });

  /**
   * Why nothing may follow the workloads (argoproj/gitops-engine `pkg/sync/sync_context.go`,
   * `Sync()`): when a sync has more than one wave, a task stays "running" until its live object
   * is Healthy (Degraded fails it), and the next wave starts only when no task is running; only
   * the last wave is let go as soon as it is applied ("if it is the last phase/wave and the only
   * remaining tasks are non-hooks, then we are successful EVEN if those objects subsequently
   * degraded"). Argo CD's health check for a Rollout (argoproj/argo-cd
   * `resource_customizations/argoproj.io/Rollout/health.lua`) reports a Rollout paused at a
   * canary step or waiting for a person as Suspended, which is neither. A later wave would hold
   * the whole sync open for the length of a release, and while it runs no other sync starts:
   * a `git revert` could not apply until the canary had finished.
   */
  test('in each Application, no object comes in a wave after its workloads (a paused Rollout would hold the sync open)', () => {
    const wave = (o: KubeObject) => Number(o.metadata.annotations![SYNC_WAVE_ANNOTATION]);
    let checked = 0;
    for (const a of [...applications]) {
      const synced = syncedBy(a).map((o) => o.object);
      const workloads = synced.filter((o) => ['Deployment', 'Rollout', 'DaemonSet', 'StatefulSet'].includes(o.kind));
      if (workloads.length === 0) continue;
      const last = Math.min(...workloads.map(wave));
      expect([a.metadata.name, Math.max(...workloads.map(wave))]).toEqual([a.metadata.name, last]);
      for (const o of synced) expect([id(o), wave(o) <= last]).toEqual([id(o), true]);
      checked++;
    }
    // The environments' Applications (with their Rollouts) and the platform's (Falco) were checked.
    expect(checked).toBe(applications.length);
    expect(objects.some((o) => o.object.kind === 'Rollout')).toBe(true);
  });
});
