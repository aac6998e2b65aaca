import { PlanInput, describeRef, diffValues, formatPlanMarkdown, formatPlanText, isEmptyPlan, objectKey, planObjects } from '../../lib/analysis/plan';
import type { KubeObject } from '../../lib/output/render';

function deployment(name: string, image: string, replicas = 2, extra: Record<string, unknown> = {}): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: 'exam-system', labels: { app: name } },
    spec: {
      replicas,
      template: { spec: { containers: [{ name, image, ports: [{ name: 'http', containerPort: 8000 }] }, { name: 'sidecar', image: 'busybox:1.36' }] } },
    },
    ...extra,
  };
}
const ns: KubeObject = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'exam-system' } };
const at = (path: string, object: KubeObject): PlanInput => ({ path, object });

describe('planObjects: object-level differences', () => {
  test('identical inputs give an empty plan', () => {
    const objs = [at('production/deployment-a.yaml', deployment('a', 'img:1')), at('platform/cluster/namespace-exam-system.yaml', ns)];
    const plan = planObjects(objs, objs.map((o) => ({ ...o, object: JSON.parse(JSON.stringify(o.object)) as KubeObject })));
    expect(isEmptyPlan(plan)).toBe(true);
    expect(formatPlanText(plan, 'dist/')).toBe('No differences: a fresh synth matches dist/.\n');
  });

  test('added, removed and changed objects, by kind/namespace/name', () => {
    const before = [at('production/deployment-a.yaml', deployment('a', 'img:1')), at('production/deployment-old.yaml', deployment('old', 'img:1'))];
    const after = [at('production/deployment-a.yaml', deployment('a', 'img:2', 3)), at('platform/cluster/namespace-exam-system.yaml', ns)];
    const plan = planObjects(before, after);
    expect(plan.added.map((c) => describeRef(c.ref))).toEqual(['Namespace (cluster)/exam-system']);
    expect(plan.removed.map((c) => describeRef(c.ref))).toEqual(['Deployment exam-system/old']);
    expect(plan.changed.map((c) => describeRef(c.ref))).toEqual(['Deployment exam-system/a']);
    expect(plan.changed[0].fields).toEqual([
      { path: 'spec.replicas', before: 2, after: 3 },
      { path: 'spec.template.spec.containers[name=a].image', before: 'img:1', after: 'img:2' },
    ]);
  });

  test('named list items are matched by name: a new container is one change, a reorder is reported as such', () => {
    const a = deployment('a', 'img:1');
    const changed = JSON.parse(JSON.stringify(a)) as { spec: { template: { spec: { containers: unknown[] } } } };
    changed.spec.template.spec.containers.push({ name: 'extra', image: 'x:1' });
    expect(diffValues(a, changed)).toEqual([{ path: 'spec.template.spec.containers[name=extra]', before: undefined, after: { name: 'extra', image: 'x:1' } }]);
    const reordered = JSON.parse(JSON.stringify(a)) as { spec: { template: { spec: { containers: unknown[] } } } };
    reordered.spec.template.spec.containers.reverse();
    expect(diffValues(a, reordered)).toEqual([{ path: 'spec.template.spec.containers (order)', before: ['a', 'sidecar'], after: ['sidecar', 'a'] }]);
  });

  test('unnamed lists are compared by position; keys that are not identifiers are quoted', () => {
    const before = { metadata: { annotations: { 'argocd.argoproj.io/sync-wave': '1' } }, args: ['a', 'b'] };
    const after = { metadata: { annotations: { 'argocd.argoproj.io/sync-wave': '2' } }, args: ['a', 'c', 'd'] };
    expect(diffValues(before, after)).toEqual([
      { path: 'args[1]', before: 'b', after: 'c' },
      { path: 'args[2]', before: undefined, after: 'd' },
      { path: 'metadata.annotations["argocd.argoproj.io/sync-wave"]', before: '1', after: '2' },
    ]);
  });

  test('a field that appears or disappears is reported with (absent)', () => {
    const plan = planObjects([at('p/d.yaml', deployment('a', 'img:1'))], [at('p/d.yaml', deployment('a', 'img:1', 2, { status: { x: 1 } }))]);
    expect(formatPlanText(plan, 'dist/')).toContain('    status: (absent) → {"x":1}');
  });

  test('an object that moves to another file (another Application) is a change', () => {
    const plan = planObjects([at('staging/namespace-exam-system.yaml', ns)], [at('platform/cluster/namespace-exam-system.yaml', ns)]);
    expect(plan.changed).toHaveLength(1);
    expect(plan.changed[0].fields).toEqual([{ path: '(file)', before: 'staging/namespace-exam-system.yaml', after: 'platform/cluster/namespace-exam-system.yaml' }]);
  });

  test('a new apiVersion of the same object is a change, not an add and a remove', () => {
    const hpa = (v: string): KubeObject => ({ apiVersion: v, kind: 'HorizontalPodAutoscaler', metadata: { name: 'a', namespace: 'n' } });
    const plan = planObjects([at('x.yaml', hpa('autoscaling/v2'))], [at('x.yaml', hpa('autoscaling/v2beta2'))]);
    expect(plan.added).toEqual([]);
    expect(plan.changed[0].fields).toEqual([{ path: 'apiVersion', before: 'autoscaling/v2', after: 'autoscaling/v2beta2' }]);
    expect(objectKey(hpa('autoscaling/v2'))).toBe(objectKey(hpa('autoscaling/v1')));
  });

  test('an object defined twice on one side is an error naming both files', () => {
    expect(() => planObjects([at('a.yaml', ns), at('b.yaml', ns)], [])).toThrow(/Namespace \(cluster\)\/exam-system is defined twice \(a\.yaml and b\.yaml\)/);
  });
});

describe('plan output', () => {
  const plan = planObjects(
    [at('production/deployment-a.yaml', deployment('a', 'img:1')), at('production/deployment-gone.yaml', deployment('gone', 'img:1'))],
    [at('production/deployment-a.yaml', deployment('a', 'img|2')), at('platform/cluster/namespace-exam-system.yaml', ns)],
  );

  test('text: +, ~ with field lines, -', () => {
    expect(formatPlanText(plan, 'dist/')).toBe(
      [
        'Plan against dist/: 1 to add, 1 to change, 1 to remove.',
        '',
        '+ Namespace (cluster)/exam-system  (platform/cluster/namespace-exam-system.yaml)',
        '~ Deployment exam-system/a  (production/deployment-a.yaml)',
        '    spec.template.spec.containers[name=a].image: "img:1" → "img|2"',
        '- Deployment exam-system/gone  (production/deployment-gone.yaml)',
        '',
      ].join('\n'),
    );
  });

  test('markdown: tables per action, pipes escaped inside cells', () => {
    const md = formatPlanMarkdown(plan, 'dist/ on main');
    expect(md).toContain('Against dist/ on main: **1 to add, 1 to change, 1 to remove**.');
    expect(md).toContain('| Namespace | (cluster) | exam-system | `platform/cluster/namespace-exam-system.yaml` |');
    expect(md).toContain('| `spec.template.spec.containers[name=a].image` | `"img:1"` | `"img\\|2"` |');
    expect(md).toContain('### Removed');
    // Every table row has the same number of unescaped cell separators as its header.
    for (const row of md.split('\n').filter((l) => l.startsWith('| `spec'))) {
      expect(row.replace(/\\\|/g, '').split('|')).toHaveLength(5);
    }
  });

  test('markdown: long values and long field lists are cut', () => {
    const many = planObjects([at('x.yaml', { ...ns, data: Object.fromEntries(Array.from({ length: 5 }, (_, i) => [`k${i}`, 'a'])) })], [at('x.yaml', { ...ns, data: Object.fromEntries(Array.from({ length: 5 }, (_, i) => [`k${i}`, 'b'.repeat(50)])) })]);
    const md = formatPlanMarkdown(many, 'dist/', { maxFieldsPerObject: 2, maxValueLength: 10 });
    expect(md).toContain('| … 3 more | | |');
    expect(md).toContain('`"bbbbbbbb…`');
  });

  test('markdown: no differences', () => {
    expect(formatPlanMarkdown(planObjects([], []), 'dist/')).toContain('No differences: a fresh synth matches dist/.');
  });
});
