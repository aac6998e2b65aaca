import { Testing } from 'cdk8s';
import { SchemaRegistry } from '../../lib/analysis/schema-validation';
import { ArgoCdApplication, ArgoCdApplicationProps, RESOURCES_FINALIZER } from '../../lib/constructs/argocd-application';

const base: ArgoCdApplicationProps = {
  name: 'shop-production',
  namespace: 'argocd',
  project: 'shop',
  repoUrl: 'https://github.com/example/repo.git',
  targetRevision: 'main',
  path: 'dist/production',
  server: 'https://kubernetes.default.svc',
  destinationNamespace: 'shop',
  automated: { enabled: true, prune: true, selfHeal: true },
};

// eslint-disable-next-line @typescript-eslint/no-explicit-any
function render(props: Partial<ArgoCdApplicationProps> = {}): any {
  const chart = Testing.chart();
  new ArgoCdApplication(chart, 'a', { ...base, ...props });
  const objects = Testing.synth(chart);
  expect(objects).toHaveLength(1);
  return objects[0];
}

describe('ArgoCdApplication', () => {
  const registry = new SchemaRegistry();

  test('renders an Application that validates against the pinned Argo CD CRD', () => {
    const app = render({
      syncOptions: ['PruneLast=true', 'CreateNamespace=false'],
      retry: { limit: 5, backoff: { duration: '10s', factor: 2, maxDuration: '3m' } },
      ignoreDifferences: [{ group: 'apps', kind: 'Deployment', name: 'web', namespace: 'shop', jsonPointers: ['/spec/replicas'] }],
      annotations: { 'notifications.argoproj.io/subscribe.on-deployed.slack': 'deploys' },
      info: { 'Environment file': 'environments/production.yaml' },
      recurse: true,
    });
    expect(registry.validate(app)).toEqual([]);
    expect(app.spec.source).toEqual({
      repoURL: 'https://github.com/example/repo.git',
      targetRevision: 'main',
      path: 'dist/production',
      directory: { recurse: true },
    });
    expect(app.spec.destination).toEqual({ server: 'https://kubernetes.default.svc', namespace: 'shop' });
    expect(app.spec.syncPolicy).toEqual({
      automated: { enabled: true, prune: true, selfHeal: true },
      syncOptions: ['PruneLast=true', 'CreateNamespace=false'],
      retry: { limit: 5, backoff: { duration: '10s', factor: 2, maxDuration: '3m' } },
    });
    expect(app.spec.ignoreDifferences).toEqual([{ group: 'apps', kind: 'Deployment', name: 'web', namespace: 'shop', jsonPointers: ['/spec/replicas'] }]);
    expect(app.metadata.annotations).toEqual({ 'notifications.argoproj.io/subscribe.on-deployed.slack': 'deploys' });
    expect(app.spec.info).toEqual([{ name: 'Environment file', value: 'environments/production.yaml' }]);
  });

  test('ignores fields by jq path expression too, validated against the CRD', () => {
    const app = render({
      ignoreDifferences: [
        { group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', name: 'web', namespace: 'shop', jsonPointers: [], jqPathExpressions: ['.spec.rules[].backendRefs[].weight'] },
      ],
    });
    expect(app.spec.ignoreDifferences).toEqual([
      { group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', name: 'web', namespace: 'shop', jqPathExpressions: ['.spec.rules[].backendRefs[].weight'] },
    ]);
    expect(new SchemaRegistry().validate(app)).toEqual([]);
  });

  test('reads one flat folder and leaves its objects running on delete, unless told otherwise', () => {
    const plain = render();
    expect(plain.spec.source.directory).toEqual({ recurse: false });
    expect(plain.metadata.finalizers).toBeUndefined();
    expect(plain.spec.ignoreDifferences).toBeUndefined();
    expect(render({ cascadeDelete: true }).metadata.finalizers).toEqual([RESOURCES_FINALIZER]);
  });

  test('keeps the sync policy explicit when automation is off', () => {
    expect(render({ automated: { enabled: false, prune: true, selfHeal: true } }).spec.syncPolicy.automated).toEqual({ enabled: false, prune: true, selfHeal: true });
  });

  test.each<[string, Partial<ArgoCdApplicationProps>, RegExp]>([
    ["Argo CD's open default project", { project: 'default' }, /project "default"/],
    ['a wildcard revision', { targetRevision: 'hotfix/*' }, /targetRevision "hotfix\/\*": expected a valid git branch name \(git check-ref-format\): it contains "\*"/],
    ['a revision git refuses', { targetRevision: 'main..x' }, /targetRevision "main\.\.x": expected a valid git branch name/],
    ['an absolute path', { path: '/dist/production' }, /path "\/dist\/production"/],
    ['a misspelt sync option', { syncOptions: ['PruneLst=true'] }, /unknown sync option "PruneLst=true"/],
    ['a sync option without value', { syncOptions: ['PruneLast'] }, /unknown sync option "PruneLast"/],
    ['a retry limit of 0', { retry: { limit: 0, backoff: { duration: '5s', factor: 2, maxDuration: '1m' } } }, /retry limit or factor below 1/],
    ['an ignored field that is not a JSON pointer', { ignoreDifferences: [{ group: 'apps', kind: 'Deployment', name: 'web', namespace: 'shop', jsonPointers: ['spec.replicas'] }] }, /malformed JSON pointer/],
    ['a bad destination namespace', { destinationNamespace: 'Shop' }, /destination namespace "Shop"/],
    ['an ignore entry with no field at all', { ignoreDifferences: [{ group: 'apps', kind: 'Deployment', name: 'web', namespace: 'shop', jsonPointers: [] }] }, /has no field or a malformed JSON pointer/],
    [
      'a jq expression that is not a path',
      { ignoreDifferences: [{ group: 'g', kind: 'K', name: 'web', namespace: 'shop', jsonPointers: [], jqPathExpressions: ['del(.spec)'] }] },
      /jq expression that is not a path/,
    ],
    ['a chart version range', { path: undefined, targetRevision: '>=1.2.0', helm: { chart: 'web', releaseName: 'web', values: {} } }, /is empty, a pattern or a range; expected one exact chart version/],
    ['a path and a chart', { helm: { chart: 'web', releaseName: 'web', values: {} } }, /both a path and a Helm chart/],
    ['neither a path nor a chart', { path: undefined }, /path ""/],
    ['namespace metadata without CreateNamespace=true', { managedNamespaceMetadata: { labels: { a: 'b' } } }, /managedNamespaceMetadata without the sync option CreateNamespace=true/],
  ])('rejects %s, naming the Application', (_what, props, message) => {
    expect(() => render(props)).toThrow(/^ArgoCdApplication shop-production: /);
    expect(() => render(props)).toThrow(message);
  });

  test('deploys a pinned Helm chart with typed values, without Helm test hooks, creating its labelled namespace', () => {
    const app = render({
      path: undefined,
      repoUrl: 'quay.io/example/charts',
      targetRevision: 'v1.2.3',
      helm: { chart: 'web', releaseName: 'web', values: { replicas: 2, nested: { on: true } } },
      syncOptions: ['CreateNamespace=true', 'ServerSideApply=true'],
      managedNamespaceMetadata: { labels: { 'pod-security.kubernetes.io/enforce': 'baseline' } },
    });
    expect(app.spec.source).toEqual({
      repoURL: 'quay.io/example/charts',
      chart: 'web',
      targetRevision: 'v1.2.3',
      helm: { releaseName: 'web', skipTests: true, valuesObject: { replicas: 2, nested: { on: true } } },
    });
    expect(app.spec.syncPolicy.managedNamespaceMetadata).toEqual({ labels: { 'pod-security.kubernetes.io/enforce': 'baseline' } });
    expect(registry.validate(app)).toEqual([]);
  });
});
