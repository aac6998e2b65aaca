/**
 * The one home of policy exceptions: every place where an object in dist/ is allowed to fail a
 * check of lib/analysis/workload-policy.ts, with the reason. The policy tests print this list,
 * fail on any finding not excepted here, and fail on any exception that no longer matches a
 * finding (so a fixed object cannot keep a stale licence).
 *
 * An exception names one check on one object: no wildcards. Check ids are Polaris's where
 * Polaris has the check, so the same list can drive a Polaris exemptions file.
 */
import { formatObjectId } from '../rules/objects';
import { SECURITY_NAMESPACE } from './namespaces';
import { FALCO_IMAGE, FLAGD_IMAGE, FLAGSMITH_IMAGE } from './versions';

export interface PolicyException {
  /**
   * The check id, as the policy checks report it (lib/analysis/workload-policy.ts CHECKS; config
   * imports nothing above it, so the policy run refuses an unknown id instead of the type).
   */
  readonly check: string;
  /** The object's kind, e.g. `DaemonSet`. */
  readonly kind: string;
  /** The object's namespace; `null` for a cluster-scoped object such as a Namespace. */
  readonly namespace: string | null;
  readonly name: string;
  /** Why the object needs it: what breaks without it, and what contains the risk. */
  readonly reason: string;
}

const FALCO = { kind: 'DaemonSet', namespace: SECURITY_NAMESPACE, name: 'falco' } as const;

export const POLICY_EXCEPTIONS: readonly PolicyException[] = [
  {
    check: 'namespacePodSecurityRestricted',
    kind: 'Namespace',
    namespace: null,
    name: SECURITY_NAMESPACE,
    reason:
      'Falco watches every node: it mounts host paths (/dev, /proc, /boot, /lib/modules, /usr, /etc, /sys/kernel and the container runtime sockets), ' +
      "runs as root with the runtime's default capabilities plus BPF, PERFMON, SYS_PTRACE and SYS_RESOURCE and without seccomp or AppArmor " +
      'confinement, which only Pod Security "privileged" admits. Only Falco and its event receiver (falcosidekick) run here; every other ' +
      'app namespace enforces "restricted".',
  },
  {
    check: 'restrictedVolumes',
    ...FALCO,
    reason:
      'The host mounts (/dev, /proc, /boot, /lib/modules, /usr, /etc), /sys/kernel (BTF for the modern eBPF probe) and the ' +
      "container runtime sockets (the upstream chart's list) give Falco the kernel, process and container metadata its rules match on; " +
      'hostPath is not a restricted volume type. Every host mount is read-only.',
  },
  {
    check: 'runAsRootAllowed',
    ...FALCO,
    reason: "Falco loads eBPF programs, reads every process's /proc entries and the root-owned runtime socket, so it runs as root (runAsNonRoot: false).",
  },
  {
    check: 'runAsUser',
    ...FALCO,
    reason: "UID 0 is set explicitly for the same reason as runAsRootAllowed; no privilege escalation, a read-only root filesystem, not privileged.",
  },
  {
    check: 'dangerousCapabilities',
    ...FALCO,
    reason:
      "Falco's least-privileged mode for the modern eBPF probe, instead of privileged: true: BPF loads its programs and maps, PERFMON " +
      "attaches them to tracepoints, SYS_RESOURCE raises the locked-memory limit for its ring buffers, SYS_PTRACE passes the ptrace " +
      "access check on other processes' /proc entries. The same four the upstream chart adds (falcosecurity/charts falco-9.1.0).",
  },
  {
    check: 'insecureCapabilities',
    ...FALCO,
    reason:
      "As in the upstream chart's least-privileged mode, the runtime's default capabilities are kept (not dropped): other users' " +
      '/proc/<pid>/environ (mode 0400) and /proc/<pid>/fd (0500) belong to the process\'s user, so root opens them only with ' +
      'CAP_DAC_OVERRIDE, besides the ptrace check; without it Falco loses the environment and open files of every non-root process.',
  },
  {
    check: 'seccompProfile',
    ...FALCO,
    reason:
      "bpf(2) is outside the container runtimes' default seccomp profiles on many runtime versions, so the eBPF probe runs Unconfined, as " +
      "the upstream chart's least-privileged mode does on a default kubelet.",
  },
  {
    check: 'appArmorProfile',
    ...FALCO,
    reason: "The runtime's default AppArmor profile forbids reading other processes' /proc entries, which Falco needs to build its process table.",
  },
  {
    check: 'pod-probes-identical',
    ...FALCO,
    reason:
      "Falco's webserver has one health endpoint, /healthz, which reports Falco's own event sources (no downstream dependency whose blip " +
      'should only take it out of rotation); no Service routes to Falco, and liveness waits longer (60 s delay, 30 s period) than readiness.',
  },
];

/** The reason recorded for one exception; throws if there is none (so callers cannot invent one). */
export function policyExceptionReason(check: string, kind: string, namespace: string | null, name: string): string {
  const e = POLICY_EXCEPTIONS.find((x) => x.check === check && x.kind === kind && x.namespace === namespace && x.name === name);
  if (e === undefined) {
    throw new Error(`policy exceptions: no exception for ${check} on ${formatObjectId(kind, namespace, name)}; expected an entry in lib/config/policy-exceptions.ts`);
  }
  return e.reason;
}

/**
 * Images that run in the deployed environments without the release loop's signature, each with
 * its reason. The admission policy (lib/constructs/image-signature-policy.ts) admits, in those
 * namespaces, exam-system images signed by the reusable build workflow and exactly these; a test
 * fails on an image in dist/ that is neither, and on an exception no pod uses.
 */
export interface UnsignedImageExceptionEntry {
  /** The full reference, exactly as the pods use it (lib/config/versions.ts). */
  readonly image: string;
  readonly reason: string;
}

export const UNSIGNED_IMAGE_EXCEPTIONS: readonly UnsignedImageExceptionEntry[] = [
  {
    image: FLAGSMITH_IMAGE,
    reason:
      'Flagsmith (the feature-flag controller and its migration Job) is a third-party image built and published by Flagsmith, not by the release loop, so it carries no signature of ours; it is pinned to a release in lib/config/versions.ts, which Renovate moves through reviewed pull requests.',
  },
  {
    image: FLAGD_IMAGE,
    reason:
      'flagd (the OpenFeature flag daemon) is a third-party image published by the OpenFeature project, not built by the release loop; it is pinned to a release in lib/config/versions.ts, moved by Renovate through reviewed pull requests.',
  },
  {
    image: FALCO_IMAGE,
    reason:
      'Falco is a third-party image published by the Falco project; it runs in security-system, outside the namespaces the policy verifies, and is listed so that every third-party image of dist/ has its reason here. Pinned in lib/config/versions.ts.',
  },
];
