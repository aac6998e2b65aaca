import { parse, parseDocument } from 'yaml';
import { POLARIS_CHECKS, polarisExemptions, renderPolarisConfig } from '../../lib/cli/commands/polaris-config';
import { POLICY_EXCEPTIONS } from '../../lib/config/policy-exceptions';
import { cli } from './run-cli';

interface PolarisConfig {
  checks: Record<string, string>;
  exemptions: { namespace?: string; controllerNames: string[]; rules: string[] }[];
}

describe('polaris-config', () => {
  test('prints valid YAML with every check, the pull policy deliberately ignored', () => {
    const r = cli('polaris-config');
    expect(r.code).toBe(0);
    expect(parseDocument(r.out).errors).toEqual([]);
    const config = parse(r.out) as PolarisConfig;
    expect(config.checks).toEqual(POLARIS_CHECKS);
    expect(config.checks.pullPolicyNotAlways).toBe('ignore');
    for (const c of ['tagNotSpecified', 'runAsPrivileged', 'cpuLimitsMissing', 'readinessProbeMissing']) expect(config.checks[c]).toBe('danger');
  });

  test('every policy exception of a Polaris check becomes an exemption of that object, with its reason as a comment', () => {
    const text = renderPolarisConfig();
    const config = parse(text) as PolarisConfig;
    const polarisOnes = POLICY_EXCEPTIONS.filter((e) => e.check in POLARIS_CHECKS);
    expect(polarisOnes.length).toBeGreaterThan(0);
    for (const e of polarisOnes) {
      const ex = config.exemptions.find((x) => x.controllerNames.includes(e.name) && x.namespace === (e.namespace ?? undefined));
      expect(ex?.rules).toContain(e.check);
      expect(text).toContain(`# ${e.check} (${e.kind}): ${e.reason}`);
    }
    // Nothing is exempted that the exceptions do not name.
    const exempted = config.exemptions.flatMap((x) => x.rules.map((rule) => `${x.namespace ?? ''}/${x.controllerNames[0]}/${rule}`)).sort();
    expect(exempted).toEqual(polarisOnes.map((e) => `${e.namespace ?? ''}/${e.name}/${e.check}`).sort());
  });

  test('exceptions of checks Polaris does not have are listed, not exempted', () => {
    const { exemptions, projectOnly } = polarisExemptions([
      { check: 'runAsRootAllowed', kind: 'DaemonSet', namespace: 'ns', name: 'agent', reason: 'needs root' },
      { check: 'hostPIDSet', kind: 'DaemonSet', namespace: 'ns', name: 'agent', reason: 'sees processes' },
      { check: 'projectOnlyCheck', kind: 'Namespace', namespace: null, name: 'ns', reason: 'why' },
      { check: 'hostNetworkSet', kind: 'ClusterThing', namespace: null, name: 'global', reason: 'cluster-wide' },
    ]);
    expect(exemptions).toEqual([
      { namespace: undefined, controllerNames: ['global'], rules: ['hostNetworkSet'], reasons: ['hostNetworkSet (ClusterThing): cluster-wide'] },
      { namespace: 'ns', controllerNames: ['agent'], rules: ['hostPIDSet', 'runAsRootAllowed'], reasons: ['runAsRootAllowed (DaemonSet): needs root', 'hostPIDSet (DaemonSet): sees processes'] },
    ]);
    expect(projectOnly.map((e) => e.check)).toEqual(['projectOnlyCheck']);
    const text = renderPolarisConfig([{ check: 'projectOnlyCheck', kind: 'Namespace', namespace: null, name: 'ns', reason: 'why' }]);
    expect(text).toContain('#   projectOnlyCheck: Namespace (cluster)/ns');
    expect((parse(text) as PolarisConfig).exemptions).toEqual([]);
  });

  test('takes no arguments', () => {
    expect(cli('polaris-config', 'extra').code).toBe(2);
  });
});
