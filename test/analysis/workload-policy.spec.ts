import {
  CHECKS,
  CHECK_IDS,
  CheckId,
  PolicyObject,
  PolicyOptions,
  allowedDisruptions,
  checkPolicies,
  formatFindings,
  isCheckId,
  runCheck,
} from '../../lib/analysis/workload-policy';
import { POLARIS_CHECKS } from '../../lib/cli/commands/polaris-config';
import { POLICY_EXCEPTIONS, PolicyException, policyExceptionReason } from '../../lib/config/policy-exceptions';
import { formatObjectId } from '../../lib/rules/objects';

/* eslint-disable @typescript-eslint/no-explicit-any -- fixtures are mutated as plain JSON */

const OPTS: PolicyOptions = { productionNamespaces: ['prod'], exceptions: [] };

function namespace(name: string): any {
  const labels: Record<string, string> = {};
  for (const mode of ['enforce', 'audit', 'warn']) labels[`pod-security.kubernetes.io/${mode}`] = 'restricted';
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } };
}

/** A pod template that passes every check. */
function podTemplate(app: string): any {
  return {
    metadata: { labels: { app, 'app.kubernetes.io/name': app } },
    spec: {
      automountServiceAccountToken: false,
      securityContext: { runAsNonRoot: true, runAsUser: 10001, runAsGroup: 10001, seccompProfile: { type: 'RuntimeDefault' } },
      topologySpreadConstraints: [
        { maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: { app } } },
      ],
      containers: [
        {
          name: app,
          image: `ghcr.io/example/${app}:v1.2.3`,
          imagePullPolicy: 'IfNotPresent',
          ports: [{ name: 'http', containerPort: 8000, protocol: 'TCP' }],
          resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '200m', memory: '256Mi' } },
          readinessProbe: { httpGet: { path: '/health', port: 8000 } },
          livenessProbe: { tcpSocket: { port: 'http' } },
          securityContext: {
            allowPrivilegeEscalation: false,
            privileged: false,
            readOnlyRootFilesystem: true,
            runAsNonRoot: true,
            capabilities: { drop: ['ALL'] },
            seccompProfile: { type: 'RuntimeDefault' },
          },
          volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
        },
      ],
      volumes: [
        { name: 'tmp', emptyDir: { sizeLimit: '64Mi' } },
        { name: 'config', configMap: { name: 'cfg' } },
      ],
    },
  };
}

interface World {
  prod: any;
  dev: any;
  api: any;
  web: any;
  agent: any;
  worker: any;
  apiPdb: any;
  webPdb: any;
  webHpa: any;
  apiSvc: any;
  webSvc: any;
  alias: any;
  ingress: any;
}

/** A small system that passes every check: production (prod) and development (dev). */
function world(): World {
  return {
    prod: namespace('prod'),
    dev: namespace('dev'),
    api: { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'api', namespace: 'prod' }, spec: { replicas: 2, selector: { matchLabels: { app: 'api' } }, template: podTemplate('api') } },
    // Autoscaled Rollout: spec.replicas 1 but the HPA keeps at least 3.
    web: { apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout', metadata: { name: 'web-rollout', namespace: 'prod' }, spec: { replicas: 1, selector: { matchLabels: { app: 'web' } }, template: podTemplate('web') } },
    agent: { apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: 'agent', namespace: 'prod' }, spec: { selector: { matchLabels: { app: 'agent' } }, template: podTemplate('agent') } },
    // Development: one replica, no spread, no PDB needed.
    worker: (() => {
      const t = podTemplate('worker');
      delete t.spec.topologySpreadConstraints;
      return { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'worker', namespace: 'dev' }, spec: { replicas: 1, selector: { matchLabels: { app: 'worker' } }, template: t } };
    })(),
    apiPdb: { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'api', namespace: 'prod' }, spec: { maxUnavailable: 1, selector: { matchLabels: { app: 'api' } } } },
    webPdb: { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'web', namespace: 'prod' }, spec: { minAvailable: '50%', selector: { matchLabels: { app: 'web' } } } },
    webHpa: {
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      metadata: { name: 'web', namespace: 'prod' },
      spec: { scaleTargetRef: { apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout', name: 'web-rollout' }, minReplicas: 3, maxReplicas: 6 },
    },
    apiSvc: { apiVersion: 'v1', kind: 'Service', metadata: { name: 'api', namespace: 'prod' }, spec: { selector: { app: 'api' }, ports: [{ name: 'http', port: 80, targetPort: 'http' }] } },
    webSvc: { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'prod' }, spec: { selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 8000 }] } },
    alias: { apiVersion: 'v1', kind: 'Service', metadata: { name: 'www', namespace: 'prod' }, spec: { type: 'ExternalName', externalName: 'web.prod.svc.cluster.local' } },
    ingress: {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'Ingress',
      metadata: { name: 'web', namespace: 'prod' },
      spec: { rules: [{ host: 'exam.example.com', http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'web', port: { number: 80 } } } }] } }] },
    },
  };
}

function objects(w: World): PolicyObject[] {
  return Object.values(w) as PolicyObject[];
}

function mutated(mutate: (w: World) => void): PolicyObject[] {
  const w = world();
  mutate(w);
  return objects(w);
}

const c0 = (workload: any) => workload.spec.template.spec.containers[0];
const pod = (workload: any) => workload.spec.template.spec;

test('the good fixture passes every check', () => {
  const report = checkPolicies(objects(world()), OPTS);
  expect(formatFindings(report.findings)).toBe('');
  expect(report.excepted).toEqual([]);
});

/** For every check: at least one bad fixture that must fail it, with a message naming the problem. */
const BAD: readonly [CheckId, string, (w: World) => void, RegExp][] = [
  ['hostProcess', 'a HostProcess pod', (w) => (pod(w.api).securityContext.windowsOptions = { hostProcess: true }), /hostProcess: true/],
  ['hostNetworkSet', 'hostNetwork', (w) => (pod(w.agent).hostNetwork = true), /hostNetwork: true/],
  ['hostPIDSet', 'hostPID', (w) => (pod(w.agent).hostPID = true), /hostPID: true/],
  ['hostIPCSet', 'hostIPC', (w) => (pod(w.web).hostIPC = true), /hostIPC: true/],
  ['runAsPrivileged', 'a privileged container', (w) => (c0(w.agent).securityContext.privileged = true), /privileged: true/],
  ['hostPortSet', 'a hostPort', (w) => (c0(w.api).ports[0].hostPort = 8000), /hostPort 8000/],
  ['privilegeEscalationAllowed', 'allowPrivilegeEscalation unset', (w) => delete c0(w.api).securityContext.allowPrivilegeEscalation, /allowPrivilegeEscalation is unset; expected false/],
  ['privilegeEscalationAllowed', 'allowPrivilegeEscalation true', (w) => (c0(w.api).securityContext.allowPrivilegeEscalation = true), /is true/],
  ['runAsRootAllowed', 'runAsNonRoot false on a container', (w) => (c0(w.web).securityContext.runAsNonRoot = false), /runAsNonRoot is false/],
  [
    'runAsRootAllowed',
    'runAsNonRoot unset everywhere',
    (w) => {
      delete c0(w.api).securityContext.runAsNonRoot;
      delete pod(w.api).securityContext.runAsNonRoot;
    },
    /unset at pod and container level/,
  ],
  ['runAsRootAllowed', 'runAsNonRoot false on the pod', (w) => (pod(w.api).securityContext.runAsNonRoot = false), /the pod sets runAsNonRoot: false/],
  ['runAsUser', 'runAsUser 0', (w) => (c0(w.api).securityContext.runAsUser = 0), /runAsUser: 0/],
  ['insecureCapabilities', 'capabilities not dropped', (w) => (c0(w.api).securityContext.capabilities.drop = ['NET_RAW']), /does not include ALL/],
  ['dangerousCapabilities', 'an added capability', (w) => (c0(w.api).securityContext.capabilities.add = ['NET_BIND_SERVICE', 'SYS_ADMIN']), /includes SYS_ADMIN/],
  ['seccompProfile', 'an Unconfined pod', (w) => (pod(w.api).securityContext.seccompProfile = { type: 'Unconfined' }), /Unconfined/],
  [
    'seccompProfile',
    'no profile anywhere',
    (w) => {
      delete pod(w.api).securityContext.seccompProfile;
      delete c0(w.api).securityContext.seccompProfile;
    },
    /no seccomp profile/,
  ],
  ['seccompProfile', 'the legacy unconfined annotation', (w) => (w.api.spec.template.metadata.annotations = { 'seccomp.security.alpha.kubernetes.io/pod': 'unconfined' }), /unconfined/],
  ['restrictedVolumes', 'a hostPath volume', (w) => pod(w.agent).volumes.push({ name: 'proc', hostPath: { path: '/proc' } }), /volume "proc" is of type hostPath/],
  ['sysctls', 'an unsafe sysctl', (w) => (pod(w.api).securityContext.sysctls = [{ name: 'kernel.msgmax', value: '1' }]), /unsafe sysctls kernel.msgmax/],
  ['procMount', 'an Unmasked procMount', (w) => (c0(w.api).securityContext.procMount = 'Unmasked'), /procMount: Unmasked/],
  ['appArmorProfile', 'an unconfined AppArmor annotation', (w) => (w.api.spec.template.metadata.annotations = { 'container.apparmor.security.beta.kubernetes.io/api': 'unconfined' }), /unconfined/],
  ['appArmorProfile', 'an Unconfined AppArmor field', (w) => (c0(w.api).securityContext.appArmorProfile = { type: 'Unconfined' }), /appArmorProfile.type is Unconfined/],
  ['seLinuxOptions', 'a privileged SELinux type', (w) => (pod(w.api).securityContext.seLinuxOptions = { type: 'spc_t' }), /spc_t/],
  ['seLinuxOptions', 'an SELinux user', (w) => (c0(w.api).securityContext.seLinuxOptions = { user: 'system_u' }), /seLinuxOptions.user/],
  ['tagNotSpecified', 'the latest tag', (w) => (c0(w.api).image = 'ghcr.io/example/api:latest'), /latest tag/],
  ['tagNotSpecified', 'no tag', (w) => (c0(w.api).image = 'ghcr.io/example/api'), /has no tag/],
  ['tagNotSpecified', 'a registry port but no tag', (w) => (c0(w.api).image = 'localhost:5000/api'), /has no tag/],
  ['pullPolicyIfNotPresent', 'pull policy Always', (w) => (c0(w.api).imagePullPolicy = 'Always'), /imagePullPolicy is Always; expected IfNotPresent/],
  ['pullPolicyIfNotPresent', 'pull policy unset', (w) => delete c0(w.api).imagePullPolicy, /imagePullPolicy is unset/],
  ['readinessProbeMissing', 'no readiness probe', (w) => delete c0(w.api).readinessProbe, /no readinessProbe/],
  ['livenessProbeMissing', 'no liveness probe', (w) => delete c0(w.agent).livenessProbe, /no livenessProbe/],
  ['cpuRequestsMissing', 'no CPU request', (w) => delete c0(w.api).resources.requests.cpu, /no CPU request/],
  ['cpuLimitsMissing', 'no CPU limit', (w) => delete c0(w.api).resources.limits.cpu, /no CPU limit/],
  ['memoryRequestsMissing', 'no memory request', (w) => delete c0(w.api).resources.requests.memory, /no memory request/],
  ['memoryLimitsMissing', 'no memory limit', (w) => delete c0(w.api).resources.limits, /no memory limit/],
  ['notReadOnlyRootFilesystem', 'a writable root filesystem', (w) => (c0(w.api).securityContext.readOnlyRootFilesystem = false), /readOnlyRootFilesystem is not true/],
  ['automountServiceAccountToken', 'token automount left on', (w) => delete pod(w.api).automountServiceAccountToken, /automountServiceAccountToken is unset; expected false/],
  ['deploymentMissingReplicas', 'one replica in production', (w) => (w.api.spec.replicas = 1), /runs 1 replica\(s\) at its lowest in production/],
  ['deploymentMissingReplicas', 'an HPA minimum of one in production', (w) => (w.webHpa.spec.minReplicas = 1), /Rollout prod\/web-rollout: runs 1 replica/],
  ['topologySpreadConstraint', 'no spread in production', (w) => delete pod(w.api).topologySpreadConstraints, /no topologySpreadConstraint/],
  ['topologySpreadConstraint', "a spread over another app's pods", (w) => (pod(w.api).topologySpreadConstraints[0].labelSelector = { matchLabels: { app: 'web' } }), /no topologySpreadConstraint/],
  ['topologySpreadConstraint', 'a spread over a non-topology key', (w) => (pod(w.web).topologySpreadConstraints[0].topologyKey = 'example.com/rack'), /no topologySpreadConstraint/],
  ['missingPodDisruptionBudget', 'no PDB', (w) => (w.apiPdb.spec.selector = { matchLabels: { app: 'nothing' } }), /no PodDisruptionBudget selects its pods/],
  ['missingPodDisruptionBudget', 'two PDBs', (w) => (w.webPdb.spec.selector = { matchExpressions: [{ key: 'app', operator: 'In', values: ['api', 'web'] }] }), /2 PodDisruptionBudgets select its pods/],
  ['pdbDisruptionsIsZero', 'minAvailable equal to replicas', (w) => (w.apiPdb.spec = { minAvailable: 2, selector: w.apiPdb.spec.selector }), /allows 0 evictions of Deployment prod\/api at 2 replicas/],
  ['pdbDisruptionsIsZero', 'maxUnavailable 0', (w) => (w.apiPdb.spec.maxUnavailable = 0), /allows 0 evictions/],
  ['pdbDisruptionsIsZero', 'minAvailable 100% at the HPA minimum', (w) => (w.webPdb.spec.minAvailable = '100%'), /allows 0 evictions of Rollout prod\/web-rollout at 3 replicas/],
  ['pdbDisruptionsIsZero', 'neither field', (w) => (w.apiPdb.spec = { selector: w.apiPdb.spec.selector }), /sets neither minAvailable nor maxUnavailable/],
  ['service-targets-pod', 'a selector matching nothing', (w) => (w.apiSvc.spec.selector = { app: 'apii' }), /matches no workload's pods in prod/],
  ['service-targets-pod', "a workload's pods in another namespace", (w) => (w.apiSvc.metadata.namespace = 'dev'), /matches no workload's pods in dev/],
  ['service-targets-pod', 'no selector', (w) => delete w.webSvc.spec.selector, /has no selector/],
  ['service-targets-pod', 'a named target port no container declares', (w) => (w.apiSvc.spec.ports[0].targetPort = 'metrics'), /named port "metrics"/],
  ['ingress-targets-service', 'a missing Service', (w) => (w.ingress.spec.rules[0].http.paths[0].backend.service.name = 'web-preview'), /Service "web-preview" does not exist in prod/],
  ['ingress-targets-service', 'a missing port', (w) => (w.ingress.spec.rules[0].http.paths[0].backend.service.port = { number: 8080 }), /has no port 8080/],
  ['ingress-targets-service', 'a missing named port', (w) => (w.ingress.spec.defaultBackend = { service: { name: 'api', port: { name: 'grpc' } } }), /defaultBackend: Service "api" has no port grpc/],
  ['pod-probes-identical', 'the same HTTP probe', (w) => (c0(w.api).livenessProbe = { httpGet: { path: '/health', port: 'http' }, periodSeconds: 30 }), /same handler/],
  ['pod-probes-identical', 'the same TCP probe', (w) => (c0(w.api).readinessProbe = { tcpSocket: { port: 8000 } }), /same handler/],
  [
    'pod-probes-identical',
    'the same exec probe',
    (w) => {
      c0(w.api).readinessProbe = { exec: { command: ['true'] } };
      c0(w.api).livenessProbe = { exec: { command: ['true'] } };
    },
    /same handler/,
  ],
  ['workload-selector-overlap', "a selector that takes another workload's pods", (w) => (w.agent.spec.selector = { matchExpressions: [{ key: 'app', operator: 'In', values: ['agent', 'api'] }] }), /DaemonSet prod\/agent: its selector also matches the pods of Deployment prod\/api/],
  [
    'deployment-pod-selector-labels-match-template-metadata-labels',
    'a selector its own template does not match',
    (w) => (w.web.spec.selector = { matchLabels: { app: 'web', track: 'stable' } }),
    /Rollout prod\/web-rollout: selector .* does not match its pod template's labels/,
  ],
  ['namespacePodSecurityRestricted', 'a baseline namespace', (w) => (w.prod.metadata.labels['pod-security.kubernetes.io/enforce'] = 'baseline'), /enforce is baseline; expected restricted/],
  ['namespacePodSecurityRestricted', 'a namespace without warn', (w) => delete w.dev.metadata.labels['pod-security.kubernetes.io/warn'], /warn is unset/],
];

describe('each check fails on its bad fixture', () => {
  test.each(BAD.map(([check, what, mutate, message]) => [`${check}: ${what}`, check, mutate, message] as const))('%s', (_name, check, mutate, message) => {
    const bad = mutated(mutate);
    const findings = runCheck(check, bad, OPTS);
    expect(findings.length).toBeGreaterThan(0);
    expect(findings.every((f) => f.check === check)).toBe(true);
    expect(formatFindings(findings)).toMatch(message);
    // ...and passes on the good fixture.
    expect(runCheck(check, objects(world()), OPTS)).toEqual([]);
  });

  test('every check has at least one bad fixture', () => {
    const covered = new Set(BAD.map(([check]) => check));
    expect(CHECK_IDS.filter((id) => !covered.has(id))).toEqual([]);
  });
});

describe('each check names the upstream rule it mirrors', () => {
  test.each(CHECK_IDS.map((id) => [id]))('%s', (id) => {
    const { source, upstream } = CHECKS[id];
    // Ids are the upstream ids, so a finding reads the same as the scanner's in CI.
    if (source === 'Polaris') expect(upstream).toMatch(new RegExp(`^Polaris ${id}(;|$)`));
    if (source === 'kube-score') expect(upstream).toBe(`kube-score ${id}`);
    // A Pod Security Standards control by its documented name and the file that implements it
    // (kubernetes/pod-security-admission policy/check_*.go).
    if (source === 'Pod Security Standards (restricted)') expect(upstream).toMatch(/PSS (baseline|restricted) "[^"]+" \(check_[A-Za-z_]+\.go\)$/);
    // Where Polaris has a rule of the same id, the check says so.
    if (POLARIS_CHECKS[id] !== undefined) expect(upstream).toContain(`Polaris ${id}`);
  });
});

describe('check boundaries (what must not fail)', () => {
  test.each<[CheckId, string, (w: World) => void]>([
    ['dangerousCapabilities', 'NET_BIND_SERVICE alone', (w) => (c0(w.api).securityContext.capabilities.add = ['NET_BIND_SERVICE'])],
    ['sysctls', 'a safe sysctl', (w) => (pod(w.api).securityContext.sysctls = [{ name: 'net.ipv4.tcp_syncookies', value: '1' }])],
    ['seccompProfile', 'a Localhost profile on the container only', (w) => {
      delete pod(w.api).securityContext.seccompProfile;
      c0(w.api).securityContext.seccompProfile = { type: 'Localhost', localhostProfile: 'profiles/api.json' };
    }],
    ['runAsRootAllowed', 'runAsNonRoot on the pod only', (w) => delete c0(w.api).securityContext.runAsNonRoot],
    ['tagNotSpecified', 'a digest', (w) => (c0(w.api).image = 'ghcr.io/example/api@sha256:0123456789abcdef')],
    ['tagNotSpecified', 'a registry port and a tag', (w) => (c0(w.api).image = 'localhost:5000/api:1.0')],
    ['readinessProbeMissing', 'a Job without probes', (w) => {
      const t = podTemplate('job');
      delete t.spec.containers[0].readinessProbe;
      (w as any).job = { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'job', namespace: 'prod' }, spec: { template: t } };
    }],
    ['missingPodDisruptionBudget', 'a single-replica workload without PDB', (w) => (w.worker.spec.replicas = 1)],
    ['deploymentMissingReplicas', 'one replica outside production', (w) => (w.worker.spec.replicas = 1)],
    ['pdbDisruptionsIsZero', 'minAvailable below replicas', (w) => (w.apiPdb.spec = { minAvailable: 1, selector: w.apiPdb.spec.selector })],
    ['pod-probes-identical', 'the same path on different ports', (w) => (c0(w.api).livenessProbe = { httpGet: { path: '/health', port: 9000 } })],
    ['service-targets-pod', 'an ExternalName alias', (w) => (w.alias.spec.externalName = 'elsewhere.example.com')],
    ['ingress-targets-service', 'a backend by port name', (w) => (w.ingress.spec.rules[0].http.paths[0].backend.service.port = { name: 'http' })],
  ])('%s: %s', (check, _what, mutate) => {
    expect(runCheck(check, mutated(mutate), OPTS)).toEqual([]);
  });
});

describe('helpers', () => {
  test('allowedDisruptions scales percentages up, as the disruption controller does', () => {
    expect(allowedDisruptions({ maxUnavailable: 1 }, 3)).toBe(1);
    expect(allowedDisruptions({ maxUnavailable: '10%' }, 3)).toBe(1);
    expect(allowedDisruptions({ maxUnavailable: 0 }, 3)).toBe(0);
    expect(allowedDisruptions({ minAvailable: 2 }, 3)).toBe(1);
    expect(allowedDisruptions({ minAvailable: '50%' }, 3)).toBe(1);
    expect(allowedDisruptions({ minAvailable: '50%' }, 2)).toBe(1);
    expect(allowedDisruptions({ minAvailable: '51%' }, 2)).toBe(0);
    expect(allowedDisruptions({ minAvailable: 5 }, 3)).toBe(0);
    expect(allowedDisruptions({}, 3)).toBeUndefined();
    expect(() => allowedDisruptions({ maxUnavailable: 'one' }, 3)).toThrow(/neither a number nor a percentage/);
  });

});

describe('exceptions', () => {
  const exception: PolicyException = { check: 'hostPIDSet', kind: 'DaemonSet', namespace: 'prod', name: 'agent', reason: 'it watches host processes' };
  const bad = mutated((w) => (pod(w.agent).hostPID = true));

  test('an exception moves exactly its finding to the excepted list', () => {
    const report = checkPolicies(bad, { ...OPTS, exceptions: [exception] });
    expect(report.findings).toEqual([]);
    expect(report.excepted).toEqual([{ finding: { check: 'hostPIDSet', object: 'DaemonSet prod/agent', message: "hostPID: true shares the node's process namespace" }, exception }]);
    expect(report.unusedExceptions).toEqual([]);
  });

  test('an exception is as narrow as its check and object', () => {
    const otherCheck = checkPolicies(bad, { ...OPTS, exceptions: [{ ...exception, check: 'hostNetworkSet' }] });
    expect(otherCheck.findings.map((f) => f.check)).toEqual(['hostPIDSet']);
    const otherObject = checkPolicies(bad, { ...OPTS, exceptions: [{ ...exception, name: 'agent2' }] });
    expect(otherObject.findings.map((f) => f.object)).toEqual(['DaemonSet prod/agent']);
    const otherNamespace = checkPolicies(bad, { ...OPTS, exceptions: [{ ...exception, namespace: 'dev' }] });
    expect(otherNamespace.findings).toHaveLength(1);
  });

  test('an exception that matches nothing is reported as unused', () => {
    const report = checkPolicies(objects(world()), { ...OPTS, exceptions: [exception] });
    expect(report.unusedExceptions).toEqual([exception]);
  });

  test('cluster-scoped objects are excepted with namespace null', () => {
    const baseline = mutated((w) => (w.prod.metadata.labels['pod-security.kubernetes.io/enforce'] = 'privileged'));
    const e: PolicyException = { check: 'namespacePodSecurityRestricted', kind: 'Namespace', namespace: null, name: 'prod', reason: 'test' };
    expect(checkPolicies(baseline, { ...OPTS, exceptions: [e] }).findings).toEqual([]);
  });

  test('an exception naming an unknown check or without a reason is an error', () => {
    expect(() => checkPolicies(bad, { ...OPTS, exceptions: [{ ...exception, check: 'hostPid' as CheckId }] })).toThrow(/unknown check "hostPid"/);
    expect(() => checkPolicies(bad, { ...OPTS, exceptions: [{ ...exception, reason: ' ' }] })).toThrow(/empty reason/);
  });

  test('the project exceptions are well-formed: known checks, reasons, no duplicates', () => {
    const keys = POLICY_EXCEPTIONS.map((e) => `${e.check} ${formatObjectId(e.kind, e.namespace, e.name)}`);
    expect(new Set(keys).size).toBe(keys.length);
    for (const e of POLICY_EXCEPTIONS) {
      expect([e.check, isCheckId(e.check)]).toEqual([e.check, true]);
      expect(e.reason.length).toBeGreaterThan(40);
    }
  });

  test('policyExceptionReason returns the recorded reason or refuses to invent one', () => {
    expect(policyExceptionReason('namespacePodSecurityRestricted', 'Namespace', null, 'security-system')).toMatch(/Falco/);
    expect(() => policyExceptionReason('hostPIDSet', 'Deployment', 'exam-system', 'auth-service')).toThrow(/no exception for hostPIDSet/);
  });
});
