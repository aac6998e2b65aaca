/**
 * Whole-output checks: nothing secret is in what synth writes (so nothing secret is in git or
 * dist/), every secret a pod uses is made in the cluster by an ExternalSecret, and one
 * environment's pods cannot read another environment's secrets.
 */
import { scanForSecrets } from '../../lib/analysis/secret-scan';
import { FEATURE_FLAGS, featuresDocument } from '../../lib/config/feature-flags';
import { KubeObject } from '../../lib/output/render';
import { objectId } from '../../lib/rules/objects';
import { synthesized } from '../support/synthesized';

const { environments, objects } = synthesized();
const all: KubeObject[] = objects.map((o) => o.object);
const id = (o: KubeObject) => objectId(o);

const WORKLOAD_KINDS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob', 'Rollout', 'Pod', 'ReplicaSet']);

/** Every `Secret name (key)` a workload reads: env secretKeyRef, envFrom secretRef, secret volumes. */
function secretReferences(node: unknown, out: { name: string; key?: string }[] = []): { name: string; key?: string }[] {
  if (Array.isArray(node)) {
    for (const item of node) secretReferences(item, out);
  } else if (node !== null && typeof node === 'object') {
    for (const [k, v] of Object.entries(node as Record<string, unknown>)) {
      const ref = v as { name?: string; key?: string; secretName?: string };
      if (k === 'secretKeyRef') out.push({ name: String(ref.name), key: ref.key });
      else if (k === 'secretRef') out.push({ name: String(ref.name) });
      else if (k === 'secret' && ref.secretName !== undefined) out.push({ name: ref.secretName });
      secretReferences(v, out);
    }
  }
  return out;
}

interface ExternalSecretJson {
  spec: {
    secretStoreRef: { kind: string; name: string };
    target: { name: string; creationPolicy: string };
    data: { secretKey: string; remoteRef: { key: string } }[];
  };
}
interface StoreJson {
  spec: { conditions?: { namespaces?: string[]; namespaceSelector?: unknown; namespaceRegexes?: string[] }[]; provider: { aws?: { region: string; auth?: Record<string, unknown> } } };
}

const externalSecrets = all.filter((o) => o.kind === 'ExternalSecret');
const stores = all.filter((o) => o.kind === 'ClusterSecretStore');

describe('no secret in the output', () => {
  test('no Secret with data, no literal secret env var, no key or token in a ConfigMap', () => {
    const findings = scanForSecrets(all);
    console.log(`secret scan: ${all.length} objects (${all.filter((o) => o.kind === 'ConfigMap').length} ConfigMaps), ${findings.length} findings`);
    expect(findings.map((f) => `${f.object} ${f.path}: [${f.rule}] ${f.message}`)).toEqual([]);
  });

  test('no Secret object at all: every Secret is made in the cluster', () => {
    expect(all.filter((o) => o.kind === 'Secret').map(id)).toEqual([]);
  });
});

describe('secrets come from External Secrets', () => {
  test('every Secret a workload reads is the target of an ExternalSecret in its namespace, with that key', () => {
    const problems: string[] = [];
    let references = 0;
    for (const o of all.filter((x) => WORKLOAD_KINDS.has(x.kind))) {
      for (const ref of secretReferences(o.spec)) {
        references++;
        const es = externalSecrets.find((e) => e.metadata.namespace === o.metadata.namespace && (e as unknown as ExternalSecretJson).spec.target.name === ref.name);
        if (es === undefined) {
          problems.push(`${id(o)} reads Secret ${ref.name}, which no ExternalSecret in ${o.metadata.namespace} makes`);
        } else if (ref.key !== undefined && !(es as unknown as ExternalSecretJson).spec.data.some((d) => d.secretKey === ref.key)) {
          problems.push(`${id(o)} reads key ${ref.key} of Secret ${ref.name}, which ${id(es)} does not provide`);
        }
      }
    }
    expect(problems).toEqual([]);
    // The check has something to check: the controller in each environment reads two keys.
    expect(references).toBeGreaterThanOrEqual(2 * environments.length);
  });

  test('each environment has ExternalSecret exam-secrets, owning its Secret, reading only its own remote keys', () => {
    for (const env of environments) {
      const es = externalSecrets.find((e) => e.metadata.namespace === env.namespace && e.metadata.name === 'exam-secrets');
      expect([env.name, es && id(es)]).toEqual([env.name, `ExternalSecret ${env.namespace}/exam-secrets`]);
      const spec = (es as unknown as ExternalSecretJson).spec;
      expect(spec.target).toMatchObject({ name: 'exam-secrets', creationPolicy: 'Owner' });
      expect(spec.secretStoreRef).toEqual({ kind: 'ClusterSecretStore', name: `aws-secrets-manager-${env.name}` });
      for (const d of spec.data) expect([env.name, d.remoteRef.key.startsWith(`exam-system/${env.name}/`)]).toEqual([env.name, true]);
    }
  });

  test("each store serves exactly one environment's namespace, in that environment's region, without static keys", () => {
    const byName = new Map(stores.map((s) => [s.metadata.name, s as unknown as StoreJson]));
    for (const env of environments) {
      const store = byName.get(`aws-secrets-manager-${env.name}`);
      expect([env.name, store !== undefined]).toEqual([env.name, true]);
      expect(store!.spec.conditions).toEqual([{ namespaces: [env.namespace] }]);
      expect(store!.spec.provider.aws!.region).toBe(env.config.AWS_REGION);
      expect(Object.keys(store!.spec.provider.aws!.auth ?? {})).toEqual(['jwt']);
    }
    // One per environment, plus the platform namespaces' store (notification tokens, falcosidekick's Slack webhook).
    expect(stores.map((x) => x.metadata.name).sort()).toEqual([...environments.map((e) => `aws-secrets-manager-${e.name}`), 'aws-secrets-manager-platform'].sort());
  });

  // external-secrets/external-secrets providers/v1/aws/auth/auth.go: `role` is assumed on top of
  // the operator's web identity, and every Secrets Manager call of the store runs as it.
  test("each environment's store assumes the environment's own IAM role, from its file; no two stores share one", () => {
    const roles = environments.map((env) => {
      const store = stores.find((s) => s.metadata.name === `aws-secrets-manager-${env.name}`) as unknown as { spec: { provider: { aws: { role?: string } } } };
      expect([env.name, store.spec.provider.aws.role]).toEqual([env.name, env.secrets.role]);
      return store.spec.provider.aws.role;
    });
    expect(new Set(roles).size).toBe(environments.length);
  });

  test("falcosidekick's Slack webhook comes through the platform store, which serves the platform namespaces only", () => {
    const platform = stores.find((s) => s.metadata.name === 'aws-secrets-manager-platform') as unknown as StoreJson;
    expect(platform.spec.conditions).toEqual([{ namespaces: ['argocd', 'argo-rollouts', 'security-system'] }]);
    const es = externalSecrets.find((e) => e.metadata.name === 'falcosidekick-slack')! as unknown as ExternalSecretJson;
    expect(externalSecrets.find((e) => e.metadata.name === 'falcosidekick-slack')!.metadata.namespace).toBe('security-system');
    expect(es.spec.secretStoreRef).toEqual({ kind: 'ClusterSecretStore', name: 'aws-secrets-manager-platform' });
    expect(es.spec.target).toMatchObject({ name: 'falcosidekick-slack', creationPolicy: 'Owner' });
  });

  test('an ExternalSecret can only use a store whose conditions admit its namespace', () => {
    for (const e of externalSecrets) {
      const spec = (e as unknown as ExternalSecretJson).spec;
      const store = stores.find((s) => s.metadata.name === spec.secretStoreRef.name) as unknown as StoreJson | undefined;
      expect([id(e), store !== undefined]).toEqual([id(e), true]);
      const admitted = (store!.spec.conditions ?? []).some((c) => c.namespaces?.includes(e.metadata.namespace!));
      expect([id(e), admitted]).toEqual([id(e), true]);
      // ...and no ExternalSecret that belongs to another store (another environment, or the
      // notification tokens) is admitted by it.
      const others = externalSecrets.filter((x) => (x as unknown as ExternalSecretJson).spec.secretStoreRef.name !== spec.secretStoreRef.name);
      for (const o of others) expect((store!.spec.conditions ?? []).some((c) => c.namespaces?.includes(o.metadata.namespace!))).toBe(false);
    }
  });
});

describe('feature flags in every environment', () => {
  test('ConfigMap feature-flags holds the flag document, next to the controller and its Service', () => {
    for (const env of environments) {
      const inNs = all.filter((o) => o.metadata.namespace === env.namespace);
      const cm = inNs.find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'feature-flags') as unknown as { data: Record<string, string> } | undefined;
      expect([env.name, cm !== undefined]).toEqual([env.name, true]);
      expect(JSON.parse(cm!.data['features.json'])).toStrictEqual(featuresDocument(FEATURE_FLAGS));
      expect(JSON.parse(cm!.data['flags.flagd.json']).metadata.environment).toBe(env.name);
      expect(inNs.filter((o) => ['Deployment/feature-flag-controller', 'Service/feature-flag-service'].includes(`${o.kind}/${o.metadata.name}`))).toHaveLength(2);
    }
  });
});
