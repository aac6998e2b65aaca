import {
  NetworkPolicyJson,
  PodEndpoint,
  allowedPairs,
  cidrContains,
  coverage,
  evaluateTraffic,
  externalPod,
  ipEndpoint,
  isAllowed,
  namespaceLabelsOf,
  networkPoliciesOf,
  parseCidr,
  podsOf,
  policiesSelecting,
  policiesSelectingNothing,
  policyTypesOf,
  selectorMatches,
} from '../../lib/analysis/network-coverage';

const TCP = (port: number) => ({ protocol: 'TCP' as const, port });
const UDP = (port: number) => ({ protocol: 'UDP' as const, port });

function policy(name: string, namespace: string, spec: NetworkPolicyJson['spec']): NetworkPolicyJson {
  return { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name, namespace }, spec };
}

function pod(namespace: string, app: string, extra: Partial<PodEndpoint> = {}): PodEndpoint {
  return { ...externalPod(namespace, { app }, [{ name: 'http', containerPort: 8000, protocol: 'TCP' }]), ...extra };
}

const DENY_ALL = (ns: string) => policy('default-deny', ns, { podSelector: {}, policyTypes: ['Ingress', 'Egress'] });

describe('selectorMatches', () => {
  const labels = { app: 'a', tier: 'web' };
  test.each<[string, Parameters<typeof selectorMatches>[0], boolean]>([
    ['empty selects all', {}, true],
    ['undefined selects nothing', undefined, false],
    ['matchLabels hit', { matchLabels: { app: 'a' } }, true],
    ['matchLabels miss', { matchLabels: { app: 'b' } }, false],
    ['In hit', { matchExpressions: [{ key: 'app', operator: 'In', values: ['a', 'b'] }] }, true],
    ['In miss', { matchExpressions: [{ key: 'app', operator: 'In', values: ['b'] }] }, false],
    ['NotIn hit', { matchExpressions: [{ key: 'app', operator: 'NotIn', values: ['b'] }] }, true],
    ['NotIn miss', { matchExpressions: [{ key: 'app', operator: 'NotIn', values: ['a'] }] }, false],
    ['Exists hit', { matchExpressions: [{ key: 'tier', operator: 'Exists' }] }, true],
    ['Exists miss', { matchExpressions: [{ key: 'zone', operator: 'Exists' }] }, false],
    ['DoesNotExist hit', { matchExpressions: [{ key: 'zone', operator: 'DoesNotExist' }] }, true],
    ['DoesNotExist miss', { matchExpressions: [{ key: 'tier', operator: 'DoesNotExist' }] }, false],
    ['labels and expressions are ANDed', { matchLabels: { app: 'a' }, matchExpressions: [{ key: 'tier', operator: 'In', values: ['db'] }] }, false],
  ])('%s', (_name, selector, expected) => {
    expect(selectorMatches(selector, labels)).toBe(expected);
  });

  test('an unknown operator is an error, not a guess', () => {
    expect(() => selectorMatches({ matchExpressions: [{ key: 'app', operator: 'Like' }] }, labels)).toThrow(/unknown operator "Like"/);
  });
});

describe('CIDRs', () => {
  test('containment', () => {
    expect(cidrContains('10.0.0.0/8', '10.255.1.2')).toBe(true);
    expect(cidrContains('10.0.0.0/8', '11.0.0.1')).toBe(false);
    expect(cidrContains('0.0.0.0/0', '8.8.8.8')).toBe(true);
    expect(cidrContains('192.168.1.7/32', '192.168.1.7')).toBe(true);
    expect(cidrContains('192.168.1.7/32', '192.168.1.8')).toBe(false);
  });
  test('malformed input is rejected', () => {
    expect(() => parseCidr('10.0.0.0')).toThrow(/not an IPv4 CIDR/);
    expect(() => parseCidr('10.0.0.0/40')).toThrow(/not an IPv4 CIDR/);
    expect(() => parseCidr('10.0.0.1/8')).toThrow(/host bits set; expected 10.0.0.0\/8/);
    expect(() => parseCidr('fd00::/8')).toThrow(/only IPv4/);
    expect(() => ipEndpoint('300.1.1.1')).toThrow(/not a dotted IPv4 address/);
  });
});

describe('policy types and selection', () => {
  test('policyTypes default as the API server defaults them', () => {
    expect(policyTypesOf(policy('p', 'ns', { podSelector: {} }))).toEqual(['Ingress']);
    expect(policyTypesOf(policy('p', 'ns', { podSelector: {}, egress: [{}] }))).toEqual(['Ingress', 'Egress']);
    expect(policyTypesOf(policy('p', 'ns', { podSelector: {}, policyTypes: ['Egress'] }))).toEqual(['Egress']);
    expect(() => policyTypesOf(policy('p', 'ns', { podSelector: {}, policyTypes: ['Sideways'] }))).toThrow(/unknown policyType/);
  });

  test('a policy selects pods of its own namespace only, per direction', () => {
    const egressOnly = policy('egress-only', 'a', { podSelector: { matchLabels: { app: 'x' } }, policyTypes: ['Egress'] });
    const ingressOnly = policy('ingress-only', 'a', { podSelector: {} });
    const s = policiesSelecting(pod('a', 'x'), [egressOnly, ingressOnly]);
    expect(s.Ingress.map((p) => p.metadata.name)).toEqual(['ingress-only']);
    expect(s.Egress.map((p) => p.metadata.name)).toEqual(['egress-only']);
    const other = policiesSelecting(pod('b', 'x'), [egressOnly, ingressOnly]);
    expect(other.Ingress).toEqual([]);
    expect(other.Egress).toEqual([]);
  });

  test('host-network pods are not subject to NetworkPolicy', () => {
    const s = policiesSelecting(pod('a', 'x', { hostNetwork: true }), [DENY_ALL('a')]);
    expect(s.Ingress).toEqual([]);
    expect(isAllowed([DENY_ALL('a')], pod('a', 'x', { hostNetwork: true }), pod('b', 'y'), TCP(80))).toBe(true);
  });

  test('coverage lists the isolating policies per pod and direction', () => {
    const ps = [DENY_ALL('a'), policy('web-in', 'a', { podSelector: { matchLabels: { app: 'web' } }, ingress: [{}] })];
    const c = coverage([pod('a', 'web'), pod('a', 'db'), pod('b', 'web')], ps);
    expect(c.map((x) => [x.pod.namespace, x.pod.labels.app, x.ingress, x.egress])).toEqual([
      ['a', 'web', ['default-deny', 'web-in'], ['default-deny']],
      ['a', 'db', ['default-deny'], ['default-deny']],
      ['b', 'web', [], []],
    ]);
  });

  test('policiesSelectingNothing finds policies whose podSelector matches no pod', () => {
    const stale = policy('ghost', 'a', { podSelector: { matchLabels: { app: 'ghost' } } });
    expect(policiesSelectingNothing([pod('a', 'web')], [DENY_ALL('a'), stale]).map((p) => p.metadata.name)).toEqual(['ghost']);
  });
});

describe('traffic evaluation', () => {
  const a = pod('a', 'web');
  const b = pod('a', 'api');
  const c = pod('c', 'api');

  test('no policy: everything flows', () => {
    expect(evaluateTraffic([], a, b, TCP(8000))).toEqual({
      allowed: true,
      egress: { allowed: true, reason: 'not-isolated' },
      ingress: { allowed: true, reason: 'not-isolated' },
    });
  });

  test('default-deny: nothing flows, in or out', () => {
    const v = evaluateTraffic([DENY_ALL('a')], a, b, TCP(8000));
    expect(v.allowed).toBe(false);
    expect(v.egress.allowed).toBe(false);
    expect(v.ingress.allowed).toBe(false);
    expect(isAllowed([DENY_ALL('a')], c, b, TCP(8000))).toBe(false); // ingress side denies
    expect(isAllowed([DENY_ALL('a')], a, c, TCP(8000))).toBe(false); // egress side denies
  });

  test('both sides must allow: an ingress allow without the matching egress allow is not enough', () => {
    const ingress = policy('api-in', 'a', { podSelector: { matchLabels: { app: 'api' } }, ingress: [{ from: [{ podSelector: { matchLabels: { app: 'web' } } }] }] });
    expect(isAllowed([DENY_ALL('a'), ingress], a, b, TCP(8000))).toBe(false);
    const egress = policy('web-out', 'a', {
      podSelector: { matchLabels: { app: 'web' } },
      policyTypes: ['Egress'],
      egress: [{ to: [{ podSelector: { matchLabels: { app: 'api' } } }] }],
    });
    const v = evaluateTraffic([DENY_ALL('a'), ingress, egress], a, b, TCP(8000));
    expect(v).toEqual({ allowed: true, egress: { allowed: true, reason: 'allowed by web-out' }, ingress: { allowed: true, reason: 'allowed by api-in' } });
  });

  test('a podSelector-only peer means the policy namespace; a namespaceSelector widens it', () => {
    const sameNs = policy('api-in', 'a', { podSelector: {}, ingress: [{ from: [{ podSelector: { matchLabels: { app: 'web' } } }] }] });
    expect(isAllowed([sameNs], a, b, TCP(8000))).toBe(true);
    expect(isAllowed([sameNs], pod('z', 'web'), b, TCP(8000))).toBe(false);
    const fromZ = policy('from-z', 'a', {
      podSelector: {},
      ingress: [{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'z' } }, podSelector: { matchLabels: { app: 'web' } } }] }],
    });
    expect(isAllowed([fromZ], pod('z', 'web'), b, TCP(8000))).toBe(true);
    expect(isAllowed([fromZ], pod('z', 'other'), b, TCP(8000))).toBe(false);
    expect(isAllowed([fromZ], a, b, TCP(8000))).toBe(false);
    const anyPodInZ = policy('any-z', 'a', { podSelector: {}, ingress: [{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'z' } } }] }] });
    expect(isAllowed([anyPodInZ], pod('z', 'other'), b, TCP(8000))).toBe(true);
  });

  test('namespace labels from Namespace objects are honoured', () => {
    const p = policy('from-team', 'a', { podSelector: {}, ingress: [{ from: [{ namespaceSelector: { matchLabels: { team: 'exam' } } }] }] });
    expect(isAllowed([p], externalPod('z', { app: 'x' }, [], { team: 'exam' }), b, TCP(8000))).toBe(true);
    expect(isAllowed([p], externalPod('z', { app: 'x' }), b, TCP(8000))).toBe(false);
  });

  test('ports: protocol defaults to TCP, ranges with endPort, named ports resolve on the destination pod', () => {
    const p = (ports: NetworkPolicyJson['spec']['egress']) => [policy('out', 'a', { podSelector: {}, policyTypes: ['Egress'], egress: ports })];
    expect(isAllowed(p([{ ports: [{ port: 53 }] }]), a, c, TCP(53))).toBe(true);
    expect(isAllowed(p([{ ports: [{ port: 53 }] }]), a, c, UDP(53))).toBe(false);
    expect(isAllowed(p([{ ports: [{ port: 8000, endPort: 8010 }] }]), a, c, TCP(8005))).toBe(true);
    expect(isAllowed(p([{ ports: [{ port: 8000, endPort: 8010 }] }]), a, c, TCP(8011))).toBe(false);
    expect(isAllowed(p([{ ports: [{ port: 'http' }] }]), a, c, TCP(8000))).toBe(true);
    expect(isAllowed(p([{ ports: [{ port: 'http' }] }]), a, c, TCP(9000))).toBe(false);
    expect(isAllowed(p([{ ports: [{ port: 'http' }] }]), a, ipEndpoint('10.0.0.1'), TCP(8000))).toBe(false);
    expect(isAllowed(p([{ to: [{ podSelector: {} }] }]), a, b, TCP(1234))).toBe(true); // no ports: any port
  });

  test('ipBlock matches addresses outside the pod network, with except', () => {
    const p = [
      policy('out', 'a', {
        podSelector: {},
        policyTypes: ['Egress'],
        egress: [{ to: [{ ipBlock: { cidr: '10.0.0.0/8', except: ['10.96.0.0/12'] } }], ports: [{ protocol: 'TCP', port: 5432 }] }],
      }),
    ];
    expect(isAllowed(p, a, ipEndpoint('10.1.2.3'), TCP(5432))).toBe(true);
    expect(isAllowed(p, a, ipEndpoint('10.96.0.10'), TCP(5432))).toBe(false);
    expect(isAllowed(p, a, ipEndpoint('172.16.0.1'), TCP(5432))).toBe(false);
    expect(isAllowed(p, a, c, TCP(5432))).toBe(false); // pods are not addresses here
    expect(isAllowed(p, ipEndpoint('10.1.2.3'), a, TCP(80))).toBe(true); // a is not isolated for ingress
  });

  test('an invalid peer is an error', () => {
    const bad = policy('bad', 'a', { podSelector: {}, ingress: [{ from: [{ ipBlock: { cidr: '10.0.0.0/8' }, podSelector: {} }] }] });
    expect(() => isAllowed([bad], ipEndpoint('10.0.0.1'), a, TCP(80))).toThrow(/ipBlock cannot be combined/);
    const empty = policy('empty', 'a', { podSelector: {}, ingress: [{ from: [{}] }] });
    expect(() => isAllowed([empty], b, a, TCP(80))).toThrow(/expected podSelector, namespaceSelector or ipBlock/);
  });

  test('allowedPairs lists exactly the allowed ordered pairs', () => {
    const ps = [DENY_ALL('a'), policy('web-api', 'a', { podSelector: {}, ingress: [{ from: [{ podSelector: { matchLabels: { app: 'web' } } }] }], egress: [{ to: [{ podSelector: { matchLabels: { app: 'api' } } }] }] })];
    const pairs = allowedPairs([a, b], ps, TCP(8000)).map(([f, t]) => `${(f as PodEndpoint).labels.app}->${(t as PodEndpoint).labels.app}`);
    expect(pairs).toEqual(['web->api']);
  });
});

describe('extraction from synthesized objects', () => {
  const template = (app: string, extra: object = {}) => ({
    metadata: { labels: { app } },
    spec: { containers: [{ name: app, ports: [{ name: 'http', containerPort: 8000 }] }], ...extra },
  });
  const objects = [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'a', labels: { team: 'exam' } } },
    { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'a' }, spec: { template: template('web') } },
    { apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout', metadata: { name: 'api-rollout', namespace: 'a' }, spec: { template: template('api') } },
    { apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: 'agent', namespace: 'b' }, spec: { template: template('agent', { hostNetwork: true }) } },
    { apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'report', namespace: 'a' }, spec: { jobTemplate: { spec: { template: template('report') } } } },
    { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'a' }, spec: {} },
    DENY_ALL('a'),
  ];

  test('podsOf finds every workload pod template, with namespace labels and ports', () => {
    const pods = podsOf(objects);
    expect(pods.map((p) => p.name)).toEqual(['Deployment a/web', 'Rollout a/api-rollout', 'DaemonSet b/agent', 'CronJob a/report']);
    expect(pods[0].namespaceLabels).toEqual({ team: 'exam', 'kubernetes.io/metadata.name': 'a' });
    expect(pods[2].namespaceLabels).toEqual({ 'kubernetes.io/metadata.name': 'b' });
    expect(pods[2].hostNetwork).toBe(true);
    expect(pods[1].ports).toEqual([{ name: 'http', containerPort: 8000, protocol: 'TCP' }]);
  });

  test('namespaceLabelsOf and networkPoliciesOf', () => {
    expect(namespaceLabelsOf(objects).get('a')).toEqual({ team: 'exam', 'kubernetes.io/metadata.name': 'a' });
    expect(networkPoliciesOf(objects).map((p) => p.metadata.name)).toEqual(['default-deny']);
  });
});
