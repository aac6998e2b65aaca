/**
 * Feature flags on the running system, read from the synthesized output: what flagd actually
 * loads in each environment (the file its `--uri` names, resolved through the pod's volume to a
 * ConfigMap key), evaluated with the OpenFeature flagd evaluator (@openfeature/flagd-core, the
 * engine of flagd and of its in-process providers), must give the model's answers
 * (lib/config/feature-flags.ts `resolveFlag`). And Flagsmith's schema migration runs once, as an
 * Argo CD Sync hook, after the Secret it reads.
 */
import { DefaultLogger } from '@openfeature/core';
import { FlagdCore, MemoryStorage } from '@openfeature/flagd-core';
import { SYNC_WAVE_ANNOTATION } from '../../lib/charts/sync-waves';
import { FEATURE_FLAGS, KILL_SWITCH_NAMES, killSwitchFlagKey, resolveFlag } from '../../lib/config/feature-flags';
import { KubeObject } from '../../lib/output/render';
import { synthesized } from '../support/synthesized';

const { environments, objects } = synthesized();
const all = objects.map((o) => o.object);

interface Container {
  name: string;
  args?: string[];
  env?: { name: string; value?: string }[];
  ports?: { name: string; containerPort: number }[];
  volumeMounts?: { name: string; mountPath: string; subPath?: string; readOnly?: boolean }[];
}
interface PodSpec {
  containers: Container[];
  volumes?: { name: string; configMap?: { name: string; items?: unknown[] } }[];
}
const podSpec = (o: KubeObject) => (o.spec as { template: { spec: PodSpec } }).template.spec;
const find = (ns: string, kind: string, name: string) => all.find((o) => o.kind === kind && o.metadata.namespace === ns && o.metadata.name === name);
const wave = (o: KubeObject) => Number(o.metadata.annotations?.[SYNC_WAVE_ANNOTATION]);

const USERS = Array.from({ length: 4000 }, (_, i) => `candidate-${i}`);

/** The text of the file at `path` in `container` of `pod`, as the kubelet projects it: a ConfigMap key. */
function projectedFile(ns: string, pod: PodSpec, container: Container, path: string): string {
  const mount = (container.volumeMounts ?? []).find((m) => path.startsWith(`${m.mountPath}/`));
  if (mount === undefined) throw new Error(`${container.name}: no volume mounted above ${path}`);
  // A subPath mount is never updated by the kubelet: the file would be frozen at pod start.
  expect(mount.subPath).toBeUndefined();
  const volume = (pod.volumes ?? []).find((v) => v.name === mount.name);
  if (volume?.configMap === undefined) throw new Error(`${container.name}: volume ${mount.name} is not a ConfigMap`);
  expect(volume.configMap.items).toBeUndefined();
  const key = path.slice(mount.mountPath.length + 1);
  const cm = find(ns, 'ConfigMap', volume.configMap.name) as unknown as { data: Record<string, string> } | undefined;
  if (cm === undefined) throw new Error(`ConfigMap ${ns}/${volume.configMap.name} is not in the output`);
  if (cm.data[key] === undefined) throw new Error(`ConfigMap ${ns}/${volume.configMap.name} has no key ${key}`);
  return cm.data[key];
}

describe.each(environments.map((e) => [e.name, e] as const))('%s', (_name, env) => {
  const ns = env.namespace;
  const flagd = find(ns, 'Deployment', 'flagd')!;
  const pod = podSpec(flagd);
  const container = pod.containers[0];

  /** flagd's sources, as its `--uri` flags name them (open-feature/flagd `flagd/cmd/start.go`). */
  const uris = (container.args ?? []).flatMap((a, i, args) => (a === '--uri' || a === '-f' ? [args[i + 1]] : a.startsWith('--uri=') ? [a.slice(6)] : []));

  test('flagd reads one file, from ConfigMap feature-flags mounted as a directory (not subPath), so changes reach the running pod', () => {
    expect(container.args?.[0]).toBe('start');
    expect(uris).toHaveLength(1);
    expect(uris[0]).toMatch(/^file:\/.+\.json$/);
    const mount = container.volumeMounts!.find((m) => uris[0].slice('file:'.length).startsWith(`${m.mountPath}/`))!;
    expect(pod.volumes!.find((v) => v.name === mount.name)!.configMap!.name).toBe('feature-flags');
    expect(mount.readOnly).toBe(true);
  });

  test("the mounted file, evaluated by flagd-core, gives the model's answer for every flag and kill switch", () => {
    const text = projectedFile(ns, pod, container, uris[0].slice('file:'.length));
    const storage = new MemoryStorage(new DefaultLogger());
    storage.setConfigurations(text, true); // strict: the file must pass flagd's own schema
    const core = new FlagdCore(storage);
    // The caller default is the opposite of the model's answer, so a silent fallback would show.
    const evaluate = (flag: string, context: Record<string, unknown>, expected: boolean) => core.resolveBooleanEvaluation(flag, !expected, context as never).value;
    for (const flag of FEATURE_FLAGS.features) {
      const d = resolveFlag(FEATURE_FLAGS, flag, env.name);
      const answers = (ctx: (u: string) => Record<string, unknown>, expected: boolean) => USERS.map((u) => evaluate(flag.name, { targetingKey: u, ...ctx(u) }, expected));
      switch (d.outcome) {
        case 'off':
        case 'on': {
          const want = d.outcome === 'on';
          expect([flag.name, answers(() => ({}), want).every((v) => v === want)]).toEqual([flag.name, true]);
          expect([flag.name, answers(() => ({ group: 'beta_testers' }), want).every((v) => v === want)]).toEqual([flag.name, true]);
          break;
        }
        case 'percentage': {
          const share = answers(() => ({}), true).filter(Boolean).length / USERS.length;
          expect([flag.name, Math.abs(share - d.percentage / 100) < 0.03]).toEqual([flag.name, true]);
          // Sticky: the same user gets the same answer on every evaluation.
          expect(answers(() => ({}), true)).toEqual(answers(() => ({}), true));
          break;
        }
        case 'user_groups': {
          for (const group of d.groups) expect([flag.name, group, answers(() => ({ group }), true).every(Boolean)]).toEqual([flag.name, group, true]);
          expect([flag.name, answers(() => ({ groups: ['staff', d.groups[0]] }), true).every(Boolean)]).toEqual([flag.name, true]);
          expect([flag.name, answers(() => ({ group: 'free_users' }), false).some(Boolean)]).toEqual([flag.name, false]);
          expect([flag.name, answers(() => ({}), false).some(Boolean)]).toEqual([flag.name, false]);
          break;
        }
      }
    }
    for (const k of KILL_SWITCH_NAMES) expect([k, evaluate(killSwitchFlagKey(k), {}, FEATURE_FLAGS.kill_switches[k])]).toEqual([k, FEATURE_FLAGS.kill_switches[k]]);
  });

  test('every exam service points its flagd provider at the flagd Service, which serves the evaluation port of the flagd pods', () => {
    const service = find(ns, 'Service', 'flagd')! as unknown as { spec: { selector: Record<string, string>; ports: { port: number; targetPort: string }[] } };
    const podLabels = (flagd.spec as { template: { metadata: { labels: Record<string, string> } } }).template.metadata.labels;
    for (const [k, v] of Object.entries(service.spec.selector)) expect(podLabels[k]).toBe(v);
    for (const s of env.services) {
      const workload = all.find((o) => ['Deployment', 'Rollout'].includes(o.kind) && o.metadata.namespace === ns && (o.spec as { selector: { matchLabels: Record<string, string> } }).selector.matchLabels.app === s.name)!;
      const vars = Object.fromEntries((podSpec(workload).containers[0].env ?? []).map((e) => [e.name, e.value]));
      expect([s.name, vars.FLAGD_HOST, vars.FLAGD_RESOLVER]).toEqual([s.name, `flagd.${ns}.svc.cluster.local`, 'rpc']);
      const port = service.spec.ports.find((p) => p.port === Number(vars.FLAGD_PORT))!;
      expect(container.ports!.find((p) => p.name === port.targetPort)!.containerPort).toBe(Number(vars.FLAGD_PORT));
      expect(container.args).toContain(vars.FLAGD_PORT);
    }
  });

  /**
   * argoproj/gitops-engine `pkg/sync/sync_context.go`: hooks run in their phase and wave with
   * the other tasks, always (even with ApplyOutOfSyncOnly, `filterOutOfSyncTasks` keeps hooks),
   * and a running hook holds the next wave until it completes; `BeforeHookCreation` deletes the
   * previous run's Job before creating the new one (a Job's pod template is immutable).
   */
  test("Flagsmith's migration is a Sync hook Job, after its Secret and NetworkPolicy, before the controller", () => {
    const job = find(ns, 'Job', 'feature-flag-migrations')!;
    expect(job.metadata.annotations).toMatchObject({ 'argocd.argoproj.io/hook': 'Sync', 'argocd.argoproj.io/hook-delete-policy': 'BeforeHookCreation' });
    expect(wave(job)).toBeGreaterThan(wave(find(ns, 'ExternalSecret', 'exam-secrets')!));
    expect(wave(job)).toBeGreaterThan(wave(find(ns, 'NetworkPolicy', 'feature-flag-migrations')!));
    expect(wave(job)).toBeLessThan(wave(find(ns, 'Deployment', 'feature-flag-controller')!));
    expect(podSpec(job).containers[0].args).toEqual(['migrate']);
    expect(podSpec(find(ns, 'Deployment', 'feature-flag-controller')!).containers[0].args).toEqual(['serve']);
  });
});
