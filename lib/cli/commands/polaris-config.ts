/**
 * `polaris-config`: prints the Polaris configuration the security workflow audits dist/ with
 * (`polaris audit --audit-path dist --config <file>`). The checks and their severities are set
 * here in full (a Polaris --config replaces its defaults), and the exemptions come from the one
 * list of policy exceptions (lib/config/policy-exceptions.ts), each with its reason, so Polaris
 * and the project's own policy tests excuse exactly the same objects.
 */
import { Command } from 'commander';
import { Document, YAMLMap, YAMLSeq, isMap } from 'yaml';
import { POLICY_EXCEPTIONS } from '../../config/policy-exceptions';
import { formatObjectId } from '../../rules/objects';
import { CliContext, EXIT_OK, withExitCodes } from '../context';

export type PolarisSeverity = 'danger' | 'warning' | 'ignore';

/**
 * Polaris's built-in checks (ids from its default configuration) and the severity the gate uses.
 * `danger` fails the audit. What the team's rules require of every workload (restricted security
 * context, pinned tags, probes, requests and limits, no service-account token) is danger; checks
 * whose right answer depends on the environment (replicas, spreading, disruption budgets) stay
 * warnings here because the project's policy tests enforce them per environment.
 */
export const POLARIS_CHECKS: Readonly<Record<string, PolarisSeverity>> = {
  // Reliability
  deploymentMissingReplicas: 'warning',
  priorityClassNotSet: 'warning',
  tagNotSpecified: 'danger',
  // Tags are pinned (a commit sha or a release), so IfNotPresent is deliberate: a node pulls each tag once.
  pullPolicyNotAlways: 'ignore',
  readinessProbeMissing: 'danger',
  livenessProbeMissing: 'danger',
  metadataAndInstanceMismatched: 'warning',
  pdbDisruptionsIsZero: 'warning',
  missingPodDisruptionBudget: 'warning',
  topologySpreadConstraint: 'warning',
  // Efficiency
  cpuRequestsMissing: 'danger',
  cpuLimitsMissing: 'danger',
  memoryRequestsMissing: 'danger',
  memoryLimitsMissing: 'danger',
  // Security
  automountServiceAccountToken: 'danger',
  hostIPCSet: 'danger',
  hostPIDSet: 'danger',
  linuxHardening: 'warning',
  missingNetworkPolicy: 'warning',
  notReadOnlyRootFilesystem: 'danger',
  privilegeEscalationAllowed: 'danger',
  runAsRootAllowed: 'danger',
  runAsPrivileged: 'danger',
  dangerousCapabilities: 'danger',
  insecureCapabilities: 'danger',
  hostNetworkSet: 'danger',
  hostPortSet: 'danger',
  tlsSettingsMissing: 'warning',
  sensitiveContainerEnvVar: 'danger',
  sensitiveConfigmapContent: 'danger',
  clusterrolePodExecAttach: 'danger',
  rolePodExecAttach: 'danger',
  clusterrolebindingPodExecAttach: 'danger',
  rolebindingClusterRolePodExecAttach: 'danger',
  rolebindingRolePodExecAttach: 'danger',
  clusterrolebindingClusterAdmin: 'danger',
  rolebindingClusterAdminClusterRole: 'danger',
  rolebindingClusterAdminRole: 'danger',
};

/** The fields of a policy exception Polaris needs. */
export interface ExemptionSource {
  readonly check: string;
  readonly kind: string;
  readonly namespace?: string | null;
  readonly name: string;
  readonly reason: string;
}

export interface PolarisExemption {
  readonly namespace?: string;
  readonly controllerNames: readonly string[];
  readonly rules: readonly string[];
  /** One `rule: reason` line per rule, printed as comments. */
  readonly reasons: readonly string[];
}

/**
 * Groups exceptions into Polaris exemptions, one per object. Exceptions of checks Polaris does
 * not have (the project's own, e.g. Pod Security admission labels) are returned separately.
 */
export function polarisExemptions(exceptions: readonly ExemptionSource[]): { readonly exemptions: PolarisExemption[]; readonly projectOnly: ExemptionSource[] } {
  const byObject = new Map<string, { namespace?: string; name: string; rules: string[]; reasons: string[] }>();
  const projectOnly: ExemptionSource[] = [];
  for (const e of exceptions) {
    if (!(e.check in POLARIS_CHECKS)) {
      projectOnly.push(e);
      continue;
    }
    const namespace = e.namespace ?? undefined;
    const key = `${namespace ?? ''}/${e.name}`;
    const entry = byObject.get(key) ?? { namespace, name: e.name, rules: [], reasons: [] };
    if (!entry.rules.includes(e.check)) {
      entry.rules.push(e.check);
      entry.reasons.push(`${e.check} (${e.kind}): ${e.reason}`);
    }
    byObject.set(key, entry);
  }
  const exemptions = [...byObject.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([, v]) => ({ namespace: v.namespace, controllerNames: [v.name], rules: [...v.rules].sort(), reasons: v.reasons }));
  return { exemptions, projectOnly };
}

/** The configuration file, as YAML with the reasons as comments. */
export function renderPolarisConfig(exceptions: readonly ExemptionSource[] = POLICY_EXCEPTIONS): string {
  const { exemptions, projectOnly } = polarisExemptions(exceptions);
  const doc = new Document({
    checks: { ...POLARIS_CHECKS },
    exemptions: exemptions.map((e) => ({ ...(e.namespace === undefined ? {} : { namespace: e.namespace }), controllerNames: [...e.controllerNames], rules: [...e.rules] })),
  });
  doc.commentBefore = [
    ' Polaris configuration for `polaris audit --audit-path dist --config <this file>`.',
    ' Generated by `npm run cli -- polaris-config` from lib/cli/commands/polaris-config.ts (checks)',
    ' and lib/config/policy-exceptions.ts (exemptions). Do not edit: change those files.',
    ' Polaris matches controllerNames by prefix.',
    ...(projectOnly.length > 0
      ? [' Exceptions to checks Polaris does not have (enforced by the project\'s policy tests only):', ...projectOnly.map((e) => `   ${e.check}: ${formatObjectId(e.kind, e.namespace, e.name)}`)]
      : []),
  ].join('\n');
  const seq = doc.get('exemptions');
  if (seq instanceof YAMLSeq) {
    seq.items.forEach((item, i) => {
      if (isMap(item)) (item as YAMLMap).commentBefore = exemptions[i].reasons.map((r) => ` ${r}`).join('\n');
    });
  }
  return doc.toString({ lineWidth: 0 });
}

export function registerPolarisConfig(program: Command, ctx: CliContext): void {
  withExitCodes(
    program
      .command('polaris-config')
      .description('Print the Polaris configuration (checks and severities, exemptions from the policy exceptions) for `polaris audit --config`.')
      .action(() => {
        ctx.io.out(renderPolarisConfig());
        ctx.exitCode = EXIT_OK;
      }),
  );
}
