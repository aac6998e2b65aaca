/**
 * What each environment folder holds. The objects themselves are reviewed as the committed
 * dist/ (test/output/dist.test.ts keeps it current), so there is no snapshot here.
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

test('staging runs Deployments (its release waits on deployment/<service>)', () => {
  const staging = objects.filter((o) => o.path.startsWith('staging/'));
  expect(staging.filter((o) => o.object.kind === 'Rollout')).toEqual([]);
  expect(staging.filter((o) => o.object.kind === 'Deployment').map((o) => o.object.metadata.name)).toEqual(
    expect.arrayContaining(['auth-service', 'exam-service', 'frontend']),
  );
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
