/**
 * What each environment folder holds. The objects themselves are reviewed as the committed
 * dist/ (test/output/dist.spec.ts keeps it current), so there is no snapshot here.
 */
import { synthesized } from '../support/synthesized';

const { objects } = synthesized();

describe.each(['development', 'staging', 'hotfix', 'production'])('environment %s', (env) => {
  const own = objects.filter((o) => o.path.startsWith(`${env}/`));

  test('holds the ConfigMap and a workload and a Service for each of the seven services', () => {
    const names = own.map((o) => `${o.object.kind}/${o.object.metadata.name}`);
    expect(names).toContain(`ConfigMap/exam-config-${env}`);
    for (const s of ['auth-service', 'exam-service', 'question-service', 'proctoring-service', 'analytics-service', 'notification-service', 'frontend']) {
      expect(names).toContain(`Service/${s}`);
      expect(names.some((n) => n === `Deployment/${s}` || n === `Rollout/${s}-rollout`)).toBe(true);
    }
  });
});

test('staging and hotfix release like production: the same Rollouts with the same analyses (docs/decisions.md, The release loop)', () => {
  const rollouts = (folder: string) =>
    objects
      .filter((o) => o.path.startsWith(`${folder}/`) && o.object.kind === 'Rollout')
      .map((o) => {
        const strategy = (o.object as unknown as { spec: { strategy: Record<string, unknown> } }).spec.strategy;
        return { name: o.object.metadata.name, strategy: Object.keys(strategy), analysis: JSON.stringify(strategy).match(/"templateName":"[a-z-]+"/g) };
      });
  expect(rollouts('production').map((r) => r.name)).toEqual(['auth-service-rollout', 'exam-service-rollout', 'frontend-rollout']);
  expect(rollouts('staging')).toEqual(rollouts('production'));
  expect(rollouts('hotfix')).toEqual(rollouts('production'));
});

test('app namespaces enforce Pod Security "restricted"', () => {
  const namespaces = objects.filter((o) => o.object.kind === 'Namespace' && o.object.metadata.name.startsWith('exam-system'));
  expect(namespaces.map((n) => n.object.metadata.name).sort()).toEqual(['exam-system', 'exam-system-dev', 'exam-system-hotfix', 'exam-system-staging']);
  for (const ns of namespaces) {
    expect(ns.object.metadata.labels).toMatchObject({
      'pod-security.kubernetes.io/enforce': 'restricted',
      'pod-security.kubernetes.io/audit': 'restricted',
      'pod-security.kubernetes.io/warn': 'restricted',
    });
  }
});
