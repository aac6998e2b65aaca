/**
 * Autoscaling agrees with the workloads it scales, with their PodDisruptionBudgets, with the
 * Rollouts that run a service, and with the exam calendar: production's exam-traffic services
 * scale through KEDA ScaledObjects (CPU plus a cron floor per session), everything else that
 * autoscales through a HorizontalPodAutoscaler, and never both for one workload.
 */
import { argoCdValues } from '../../lib/config/addons/argo-cd';
import { calendarOccurrences, horizonBounds } from '../../lib/config/calendar';
import { EXAM_TRAFFIC_SERVICES, sessionCapacities } from '../../lib/config/capacity';
import { parseCron } from '../../lib/config/cron';
import { KubeObject } from '../../lib/output/render';
import { synthesized } from '../support/synthesized';

const { objects, environments } = synthesized();
const all: KubeObject[] = objects.map((o) => o.object);
const production = environments.find((e) => e.name === 'production')!;
const calendar = production.calendar;
type Spec = Record<string, unknown> & { replicas?: number; selector?: { matchLabels: Record<string, string> } };
const spec = (o: KubeObject) => o.spec as Spec;
const hpas = all.filter((o) => o.kind === 'HorizontalPodAutoscaler');
const scaledObjects = all.filter((o) => o.kind === 'ScaledObject');
type Ref = { apiVersion: string; kind: string; name: string };
interface Trigger {
  type: string;
  name?: string;
  metricType?: string;
  metadata: Record<string, string>;
}
interface ScaledObjectSpec {
  scaleTargetRef: Ref;
  minReplicaCount: number;
  maxReplicaCount: number;
  triggers: Trigger[];
}
const refOf = (o: KubeObject): Ref => (o.spec as { scaleTargetRef: Ref }).scaleTargetRef;
const bounds = (o: KubeObject) =>
  o.kind === 'ScaledObject' ? { min: (o.spec as ScaledObjectSpec).minReplicaCount, max: (o.spec as ScaledObjectSpec).maxReplicaCount } : { min: (o.spec as { minReplicas: number }).minReplicas, max: (o.spec as { maxReplicas: number }).maxReplicas };

/**
 * KEDA's cron scaler, as kedacore/keda `pkg/scalers/cron_scaler.go` (v2.20) decides it:
 * `GetMetricsAndActivity` takes the next start and the next end after now (robfig/cron
 * `Next`, strictly after) and is active when `nextStartTime.Before(nextEndTime)` is false, i.e.
 * when the end comes first (the other branch needs now after a future time and never holds);
 * active, the metric is `desiredReplicas` against a target of 1 per replica.
 */
function cronScalerReplicas(trigger: Trigger, now: Date): number {
  const { start, end, timezone, desiredReplicas } = trigger.metadata;
  const nextStart = parseCron(start, timezone).runsAfter(now, 1)[0];
  const nextEnd = parseCron(end, timezone).runsAfter(now, 1)[0];
  const within = nextStart < nextEnd ? now > nextStart && now < nextEnd : now > nextStart || now < nextEnd;
  return within ? Number(desiredReplicas) : 0;
}

describe('autoscaling', () => {
  test("production's exam-traffic services scale through KEDA, its other services through an HPA; staging and hotfix run fixed replicas (no KEDA)", () => {
    const inProduction = (list: KubeObject[]) => list.filter((h) => h.metadata.namespace === production.namespace).map((h) => h.metadata.name).sort();
    expect(inProduction(scaledObjects)).toEqual([...EXAM_TRAFFIC_SERVICES].sort());
    expect(inProduction(hpas)).toEqual(['analytics-service', 'frontend', 'notification-service', 'proctoring-service']);
    expect([...hpas, ...scaledObjects].filter((h) => h.metadata.namespace !== production.namespace)).toEqual([]);
  });

  /**
   * KEDA copies every annotation of a ScaledObject onto the HPA it makes (kedacore/keda
   * `controllers/keda/hpa.go`: `Annotations: scaledObject.Annotations`), Argo CD's tracking id
   * included. Under annotation tracking (Argo CD 3's default) Argo CD ignores an object whose
   * tracking id names another object (argoproj/argo-cd `controller/state.go`,
   * `isSelfReferencedObj`), so KEDA's HPA is neither pruned nor reported; label tracking
   * would claim it. The argo-cd values must keep annotation tracking.
   */
  test("Argo CD keeps annotation tracking, so KEDA's HPA (which copies the ScaledObject's annotations) is not claimed", () => {
    const method = argoCdValues.configs.cm['application.resourceTrackingMethod'];
    expect(method === undefined || method === 'annotation').toBe(true);
  });

  test("each ScaledObject's HPA keeps the service's name and adopts the old HPA (KEDA's webhook refuses a second scaler; Argo CD prunes the old one last)", () => {
    for (const o of scaledObjects) {
      expect([o.metadata.name, (o.spec as { advanced: { horizontalPodAutoscalerConfig: { name?: string } } }).advanced.horizontalPodAutoscalerConfig.name]).toEqual([o.metadata.name, o.metadata.name]);
      expect([o.metadata.name, o.metadata.annotations?.['scaledobject.keda.sh/transfer-hpa-ownership']]).toEqual([o.metadata.name, 'true']);
      // No HPA of that name in git: KEDA's is the only one.
      expect(hpas.filter((h) => h.metadata.namespace === o.metadata.namespace && h.metadata.name === o.metadata.name)).toEqual([]);
    }
  });

  test('no HorizontalPodAutoscaler next to a ScaledObject: never two scalers for one workload', () => {
    const targets = [...hpas, ...scaledObjects].map((o) => `${o.metadata.namespace}/${refOf(o).kind}/${refOf(o).name}`);
    expect(targets.length).toBeGreaterThan(0);
    expect(new Set(targets).size).toBe(targets.length);
  });

  test.each([...hpas, ...scaledObjects].map((h) => [`${h.kind} ${h.metadata.namespace}/${h.metadata.name}`, h] as const))('%s scales an existing workload, consistently', (_id, scaler) => {
    const ref = refOf(scaler);
    const { min, max } = bounds(scaler);
    const target = all.find((o) => o.metadata.namespace === scaler.metadata.namespace && o.apiVersion === ref.apiVersion && o.kind === ref.kind && o.metadata.name === ref.name);
    expect(target).toBeDefined();
    // Where a Rollout runs the service, the scaler scales the Rollout, never a Deployment.
    const rollout = all.find((o) => o.kind === 'Rollout' && o.metadata.namespace === scaler.metadata.namespace && o.metadata.labels?.app === scaler.metadata.labels?.app);
    if (rollout) expect(ref).toEqual({ apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout', name: rollout.metadata.name });
    // The synthesized replicas are the floor, so a sync and the scaler agree at rest.
    expect(min).toBe(spec(target!).replicas);
    expect(max).toBeGreaterThanOrEqual(min);
    // The PDB still allows an eviction at the minimum.
    const selector = spec(target!).selector!.matchLabels;
    const pdbs = all.filter((o) => o.kind === 'PodDisruptionBudget' && o.metadata.namespace === scaler.metadata.namespace && JSON.stringify(spec(o).selector?.matchLabels) === JSON.stringify(selector));
    expect(pdbs).toHaveLength(1);
    const pdb = spec(pdbs[0]) as { maxUnavailable?: number; minAvailable?: number };
    if (pdb.minAvailable !== undefined) expect(pdb.minAvailable).toBeLessThan(min);
    else expect(pdb.maxUnavailable).toBeGreaterThanOrEqual(1);
  });

  test.each(scaledObjects.map((o) => [o.metadata.name, o] as const))("ScaledObject %s: a cpu trigger at the environment's target, a cron trigger per session at the required replicas", (name, o) => {
    const s = o.spec as ScaledObjectSpec;
    const service = production.services.find((x) => x.name === name)!;
    expect(s.triggers[0]).toEqual({ type: 'cpu', metricType: 'Utilization', metadata: { value: String(service.autoscaling!.targetCPUUtilizationPercentage) } });
    const crons = s.triggers.filter((t) => t.type === 'cron');
    expect(crons).toHaveLength(s.triggers.length - 1);
    const caps = sessionCapacities(calendar, 'production').filter((c) => c.service === name);
    expect(crons).toHaveLength(caps.reduce((n, c) => n + c.session.days.length, 0));
    for (const t of crons) {
      const cap = caps.find((c) => t.name === c.session.name || t.name!.startsWith(`${c.session.name}-`))!;
      expect([t.name, Number(t.metadata.desiredReplicas)]).toEqual([t.name, cap.required]);
      expect(cap.required).toBeLessThanOrEqual(s.maxReplicaCount);
      expect(t.metadata.timezone).toBe(cap.session.timeZone);
    }
  });

  test("KEDA's cron scaler (pkg/scalers/cron_scaler.go) holds the floor from the warm-up before every session to the cool-down after it, and not outside, DST included", () => {
    const { from, until } = horizonBounds(calendar);
    const sessions = calendarOccurrences(calendar, from, until, 'production');
    const min = 60_000;
    for (const o of scaledObjects) {
      const s = o.spec as ScaledObjectSpec;
      const crons = s.triggers.filter((t) => t.type === 'cron');
      const floorAt = (t: number) => Math.max(0, ...crons.map((c) => cronScalerReplicas(c, new Date(t))));
      const required = (session: string) => sessionCapacities(calendar, 'production').find((c) => c.service === o.metadata.name && c.session.name === session)!.required;
      // The first occurrences of every session, the DST weeks in London, and the dated sittings.
      const picked = sessions.filter((x, i) => i < 6 || x.session === 'overseas-sitting' || (x.start >= new Date('2027-03-26T00:00:00Z') && x.start < new Date('2027-03-31T00:00:00Z')));
      for (const x of picked) {
        const warm = x.start.getTime() - calendar.warmUpMinutes * min;
        const cool = x.end.getTime() + calendar.coolDownMinutes * min;
        const r = required(x.session);
        const at = (t: number) => [x.session, x.start.toISOString(), new Date(t).toISOString(), floorAt(t)];
        expect(at(warm - 5 * min)).toEqual([x.session, x.start.toISOString(), new Date(warm - 5 * min).toISOString(), 0]);
        for (const t of [warm + min, x.start.getTime(), x.end.getTime(), cool - min]) expect(at(t)).toEqual([x.session, x.start.toISOString(), new Date(t).toISOString(), r]);
        expect(at(cool + min)[3]).toBe(0);
      }
    }
  });

  test("every cron in dist/ (deny windows, KEDA cron triggers) parses with robfig/cron's rules in its zone", () => {
    const crons: [string, string, string][] = [];
    for (const o of all) {
      if (o.kind === 'AppProject') {
        for (const w of (o.spec as { syncWindows?: { schedule: string; timeZone?: string }[] }).syncWindows ?? []) crons.push([`AppProject ${o.metadata.name}`, w.schedule, w.timeZone ?? 'UTC']);
      }
      if (o.kind === 'ScaledObject') {
        for (const t of (o.spec as ScaledObjectSpec).triggers.filter((x) => x.type === 'cron')) {
          crons.push([`ScaledObject ${o.metadata.name} ${t.name}`, t.metadata.start, t.metadata.timezone], [`ScaledObject ${o.metadata.name} ${t.name}`, t.metadata.end, t.metadata.timezone]);
        }
      }
    }
    expect(crons.length).toBeGreaterThan(20);
    for (const [where, expr, zone] of crons) expect([where, expr, parseCron(expr, zone).runsAfter(new Date('2026-09-01T00:00:00Z'), 1).length]).toEqual([where, expr, 1]);
  });

  test('the warm-up precedes the start of every session: each trigger starts before and ends after its session, on the same day', () => {
    for (const o of scaledObjects) {
      for (const t of (o.spec as ScaledObjectSpec).triggers.filter((x) => x.type === 'cron')) {
        const [sm, sh, ...sdays] = t.metadata.start.split(' ');
        const [em, eh, ...edays] = t.metadata.end.split(' ');
        expect(edays).toEqual(sdays);
        const session = calendar.sessions.find((x) => t.name === x.name || t.name!.startsWith(`${x.name}-`))!;
        expect(Number(sh) * 60 + Number(sm)).toBe(session.startMinuteOfDay - calendar.warmUpMinutes);
        expect(Number(eh) * 60 + Number(em)).toBe(session.startMinuteOfDay + session.durationMinutes + calendar.coolDownMinutes);
      }
    }
  });
});
