import { Testing } from 'cdk8s';
import { SchemaRegistry } from '../../lib/analysis/schema-validation';
import { ArgoCdProject, ArgoCdProjectProps } from '../../lib/constructs/argocd-project';

const REPO = 'https://github.com/example/repo.git';
const SERVER = 'https://kubernetes.default.svc';

const base: ArgoCdProjectProps = {
  name: 'shop',
  namespace: 'argocd',
  description: 'a test project',
  sourceRepos: [REPO],
  destinations: [
    { server: SERVER, namespace: 'shop-staging' },
    { server: SERVER, namespace: 'shop' },
  ],
  namespacedResources: [
    { group: '', kind: 'ConfigMap' },
    { group: 'apps', kind: 'Deployment' },
  ],
};

// eslint-disable-next-line @typescript-eslint/no-explicit-any
function render(props: Partial<ArgoCdProjectProps> = {}): any {
  const chart = Testing.chart();
  new ArgoCdProject(chart, 'p', { ...base, ...props });
  const objects = Testing.synth(chart);
  expect(objects).toHaveLength(1);
  return objects[0];
}

describe('ArgoCdProject', () => {
  const registry = new SchemaRegistry();

  test('renders an AppProject that validates against the pinned Argo CD CRD', () => {
    const p = render({
      clusterResources: [{ group: '', kind: 'Namespace' }],
      roles: [{ name: 'viewer', description: 'sees', groups: ['org:team'], permissions: [{ resource: 'applications', action: 'get' }] }],
      syncWindows: [
        { kind: 'deny', schedule: '0 7 * * 1-5', duration: '5h', timeZone: 'UTC', applications: ['shop-prod'], manualSync: true, description: 'exams' },
      ],
      warnOnOrphans: true,
    });
    expect(registry.validate(p)).toEqual([]);
    expect(p).toMatchObject({ apiVersion: 'argoproj.io/v1alpha1', kind: 'AppProject', metadata: { name: 'shop', namespace: 'argocd' } });
    expect(p.spec.sourceRepos).toEqual([REPO]);
    expect(p.spec.destinations).toEqual(base.destinations);
    expect(p.spec.clusterResourceWhitelist).toEqual([{ group: '', kind: 'Namespace' }]);
    expect(p.spec.orphanedResources).toEqual({ warn: true });
    expect(p.spec.syncWindows[0]).toMatchObject({ kind: 'deny', manualSync: true, applications: ['shop-prod'] });
  });

  test('admits no cluster-scoped kind unless asked, and warns on orphans only when asked', () => {
    const p = render();
    expect(p.spec.clusterResourceWhitelist).toEqual([]);
    expect(p.spec.orphanedResources).toBeUndefined();
    expect(p.spec.roles).toBeUndefined();
  });

  test('writes role policies in Argo CD RBAC syntax, scoped to the project', () => {
    const p = render({
      roles: [
        {
          name: 'ship',
          description: 'sync and promote',
          groups: ['org:delivery'],
          permissions: [
            { resource: 'applications', action: 'sync' },
            { resource: 'applications', action: 'action/argoproj.io/Rollout/*' },
            { resource: 'logs', action: 'get' },
          ],
        },
      ],
    });
    expect(p.spec.roles).toEqual([
      {
        name: 'ship',
        description: 'sync and promote',
        groups: ['org:delivery'],
        policies: [
          'p, proj:shop:ship, applications, sync, shop/*, allow',
          'p, proj:shop:ship, applications, action/argoproj.io/Rollout/*, shop/*, allow',
          'p, proj:shop:ship, logs, get, shop/*, allow',
        ],
      },
    ]);
  });

  test.each<[string, Partial<ArgoCdProjectProps>, RegExp]>([
    ['a wildcard source repo', { sourceRepos: ['*'] }, /source repo "\*" is a pattern/],
    ['an oci:// source repo (Argo CD names OCI registries without the scheme)', { sourceRepos: ['oci://quay.io/jetstack/charts'] }, /source repo "oci:\/\/quay.io\/jetstack\/charts" is a pattern, or neither an https URL nor an OCI registry path/],
    ['no source repo', { sourceRepos: [] }, /no sourceRepos/],
    ['a wildcard destination namespace', { destinations: [{ server: SERVER, namespace: '*' }] }, /is a pattern or not a namespace name/],
    ['a glob destination namespace', { destinations: [{ server: SERVER, namespace: 'shop-*' }] }, /is a pattern/],
    ['no destination', { destinations: [] }, /no destinations/],
    ['a duplicate destination', { destinations: [base.destinations[0], base.destinations[0]] }, /listed twice/],
    ['no kind at all', { namespacedResources: [], clusterResources: [] }, /no kinds; expected the kinds its Applications sync/],
    ['a wildcard kind', { clusterResources: [{ group: '*', kind: '*' }] }, /is a pattern/],
    ['a role without group', { roles: [{ name: 'r', description: 'd', groups: [], permissions: [] }] }, /has no SSO group/],
    ['a role that may delete', { roles: [{ name: 'r', description: 'd', groups: ['g'], permissions: [{ resource: 'applications', action: 'delete' }] }] }, /action "delete" is not allowed/],
    [
      'a malformed window schedule',
      { syncWindows: [{ kind: 'deny', schedule: '0 7 * *', duration: '1h', timeZone: 'UTC', applications: ['a'], manualSync: true, description: 'x' }] },
      /not a 5-field cron/,
    ],
    [
      'a malformed window duration',
      { syncWindows: [{ kind: 'deny', schedule: '0 7 * * *', duration: '1 hour', timeZone: 'UTC', applications: ['a'], manualSync: true, description: 'x' }] },
      /is not a duration/,
    ],
    [
      'duplicate windows',
      {
        syncWindows: [
          { kind: 'deny', schedule: '0 7 * * *', duration: '1h', timeZone: 'UTC', applications: ['a'], manualSync: true, description: 'x' },
          { kind: 'deny', schedule: '0 7 * * *', duration: '1h', timeZone: 'UTC', applications: ['b'], manualSync: true, description: 'y' },
        ],
      },
      /share kind, schedule and duration/,
    ],
  ])('rejects %s, naming the project', (_what, props, message) => {
    expect(() => render(props)).toThrow(/^ArgoCdProject shop: /);
    expect(() => render(props)).toThrow(message);
  });
});
