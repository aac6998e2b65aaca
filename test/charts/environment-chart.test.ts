/**
 * Snapshots of every environment's objects: any change to the manifests shows up here as a
 * reviewable diff (update with `npx jest -u` after checking it is intended).
 */
import { loadEnvironments } from '../../lib/config/load';
import { buildApp } from '../../lib/app';
import { renderObjects } from '../../lib/output/render';

const objects = renderObjects(buildApp(loadEnvironments()));

describe.each(['development', 'staging', 'hotfix', 'production'])('environment %s', (env) => {
  const own = objects.filter((o) => o.path.startsWith(`${env}/`));

  test('matches the snapshot', () => {
    expect(own.map((o) => ({ path: o.path, object: o.object }))).toMatchSnapshot();
  });

  test('holds the ConfigMap and a workload and a Service for each of the seven services', () => {
    const names = own.map((o) => `${o.object.kind}/${o.object.metadata.name}`);
    expect(names).toContain(`ConfigMap/exam-config-${env}`);
    for (const s of ['auth-service', 'exam-service', 'question-service', 'proctoring-service', 'analytics-service', 'notification-service', 'frontend']) {
      expect(names).toContain(`Service/${s}`);
      expect(names.some((n) => n === `Deployment/${s}` || n === `Rollout/${s}-rollout`)).toBe(true);
    }
  });
});

test('staging runs Deployments (the seed waits on deployment/<service> there)', () => {
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
