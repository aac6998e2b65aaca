/**
 * HorizontalPodAutoscalers agree with the workloads they scale, with their
 * PodDisruptionBudgets, and with the Rollouts that run a service.
 */
import { KubeObject } from '../../lib/output/render';
import { synthesized } from '../support/synthesized';

const all: KubeObject[] = synthesized().objects.map((o) => o.object);
type Spec = Record<string, unknown> & { replicas?: number; selector?: { matchLabels: Record<string, string> } };
const spec = (o: KubeObject) => o.spec as Spec;
const hpas = all.filter((o) => o.kind === 'HorizontalPodAutoscaler');

describe('autoscaling', () => {
  test('every production service autoscales; other environments run fixed replicas', () => {
    const production = hpas.filter((h) => h.metadata.namespace === 'exam-system').map((h) => h.metadata.name).sort();
    expect(production).toEqual(['analytics-service', 'auth-service', 'exam-service', 'frontend', 'notification-service', 'proctoring-service', 'question-service']);
    expect(hpas.filter((h) => h.metadata.namespace !== 'exam-system')).toEqual([]);
  });

  test.each(hpas.map((h) => [`${h.metadata.namespace}/${h.metadata.name}`, h] as const))('%s scales an existing workload, consistently', (_id, hpa) => {
    const s = hpa.spec as { scaleTargetRef: { apiVersion: string; kind: string; name: string }; minReplicas: number; maxReplicas: number };
    const target = all.find(
      (o) =>
        o.metadata.namespace === hpa.metadata.namespace &&
        o.apiVersion === s.scaleTargetRef.apiVersion &&
        o.kind === s.scaleTargetRef.kind &&
        o.metadata.name === s.scaleTargetRef.name,
    );
    expect(target).toBeDefined();
    // Where a Rollout runs the service, the HPA scales the Rollout, never a Deployment.
    const rollout = all.find((o) => o.kind === 'Rollout' && o.metadata.namespace === hpa.metadata.namespace && o.metadata.labels?.app === hpa.metadata.labels?.app);
    if (rollout) expect(s.scaleTargetRef).toEqual({ apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout', name: rollout.metadata.name });
    // The synthesized replicas are the HPA's floor, so a sync and the HPA agree at rest.
    expect(s.minReplicas).toBe(spec(target!).replicas);
    expect(s.maxReplicas).toBeGreaterThanOrEqual(s.minReplicas);
    // The PDB still allows an eviction at the HPA's minimum.
    const selector = spec(target!).selector!.matchLabels;
    const pdbs = all.filter(
      (o) => o.kind === 'PodDisruptionBudget' && o.metadata.namespace === hpa.metadata.namespace && JSON.stringify(spec(o).selector?.matchLabels) === JSON.stringify(selector),
    );
    expect(pdbs).toHaveLength(1);
    const pdb = spec(pdbs[0]) as { maxUnavailable?: number; minAvailable?: number };
    if (pdb.minAvailable !== undefined) expect(pdb.minAvailable).toBeLessThan(s.minReplicas);
    else expect(pdb.maxUnavailable).toBeGreaterThanOrEqual(1);
  });
});
