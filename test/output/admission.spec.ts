/**
 * The admission policy (lib/constructs/image-signature-policy.ts) against the synthesized
 * output: it covers every deployed namespace, every image a pod there runs is either an
 * exam-system image by digest that a signature rule verifies or a listed exception, every
 * exception is used, and the signer identity comes from config. Image references are matched
 * with Kyverno's wildcard semantics (`*` any run, `?` one character: kyverno/kyverno
 * ext/wildcard/match.go, used by pkg/engine/internal/imageverifier.go for imageReferences and by
 * the pattern validator for `a | b` alternatives, pkg/engine/pattern/pattern.go).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { SERVICE_NAMES } from '../../lib/config/catalog';
import { UNSIGNED_IMAGE_EXCEPTIONS } from '../../lib/config/policy-exceptions';
import { BUILD_WORKFLOW_PATH, DELIVERY_REPOSITORY, IMAGE_SIGNATURE_POLICY, OIDC_ISSUER, SIGNER_SUBJECT, serviceRepository } from '../../lib/config/release-loop';
import { imageRepository } from '../../lib/config/versions';
import { REPO_ROOT } from '../../lib/paths';
import type { KubeObject } from '../../lib/output/render';
import { synthObjects } from '../../lib/synth';

const result = synthObjects();
const all = result.objects.map((o) => o.object);
const deployedNamespaces = result.environments.filter((e) => e.gitops !== undefined).map((e) => e.namespace).sort();

interface VerifyImage {
  imageReferences: string[];
  required: boolean;
  mutateDigest: boolean;
  verifyDigest: boolean;
  failureAction: string;
  attestors: { count: number; entries: { keyless: { issuer: string; subject: string; additionalExtensions: Record<string, string>; rekor: { url: string } } }[] }[];
}
interface Rule {
  name: string;
  match: { any: { resources: { kinds: string[]; namespaces: string[] } }[] };
  verifyImages?: VerifyImage[];
  validate?: { failureAction: string; pattern: { spec: Record<string, { image: string }[]> } };
}
const policy = all.find((o) => o.kind === 'ClusterPolicy' && o.metadata.name === IMAGE_SIGNATURE_POLICY.name) as KubeObject & { spec: { failurePolicy: string; webhookTimeoutSeconds: number; background: boolean; rules: Rule[] } };
const rules = policy.spec.rules;

/** Kyverno's wildcard match: `*` any run of characters, `?` exactly one. */
function wildcard(pattern: string, value: string): boolean {
  const re = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`);
  return re.test(value);
}

/** Every container image of every pod template, with its namespace. */
function podImages(): { namespace: string; owner: string; image: string }[] {
  const out: { namespace: string; owner: string; image: string }[] = [];
  for (const o of all) {
    const spec = (o as { spec?: { template?: { spec?: Record<string, unknown> }; jobTemplate?: unknown } }).spec;
    const pod = spec?.template?.spec as { containers?: { image: string }[]; initContainers?: { image: string }[] } | undefined;
    if (pod === undefined) continue;
    for (const c of [...(pod.initContainers ?? []), ...(pod.containers ?? [])]) out.push({ namespace: o.metadata.namespace ?? '', owner: `${o.kind} ${o.metadata.name}`, image: c.image });
  }
  return out;
}

describe('the image-signature admission policy', () => {
  test('is in dist/platform/cluster/, synced by the platform Application', () => {
    expect(result.objects.find((o) => o.object === policy)?.path).toBe(`platform/cluster/clusterpolicy-${IMAGE_SIGNATURE_POLICY.name}.yaml`);
  });

  test('every rule matches Pods in exactly the deployed namespaces (staging, hotfix, production)', () => {
    expect(deployedNamespaces).toEqual(['exam-system', 'exam-system-hotfix', 'exam-system-staging']);
    for (const r of rules) expect({ rule: r.name, match: r.match }).toEqual({ rule: r.name, match: { any: [{ resources: { kinds: ['Pod'], namespaces: deployedNamespaces } }] } });
    // Every namespace that runs pods from a deployed environment is covered.
    const running = new Set(podImages().map((p) => p.namespace));
    for (const ns of result.environments.filter((e) => e.gitops !== undefined).map((e) => e.namespace)) expect(running.has(ns)).toBe(true);
  });

  test('one signature rule per service: keyless, GitHub\'s issuer, the reusable workflow as subject, the service\'s own repository as caller', () => {
    expect(SIGNER_SUBJECT).toBe(`https://github.com/${DELIVERY_REPOSITORY}/${BUILD_WORKFLOW_PATH}@refs/heads/main`);
    expect(fs.existsSync(path.join(REPO_ROOT, BUILD_WORKFLOW_PATH))).toBe(true);
    expect(OIDC_ISSUER).toBe('https://token.actions.githubusercontent.com');
    const signed = rules.filter((r) => r.verifyImages !== undefined);
    expect(signed.map((r) => r.name)).toEqual(SERVICE_NAMES.map((s) => `signed-${s}`));
    for (const [i, service] of SERVICE_NAMES.entries()) {
      const [v] = signed[i].verifyImages!;
      expect(v).toMatchObject({ failureAction: 'Enforce', required: true, mutateDigest: true, verifyDigest: true });
      expect(v.imageReferences).toEqual([`${imageRepository(service)}:*`, `${imageRepository(service)}@*`]);
      expect(v.attestors).toEqual([{ count: 1, entries: [{ keyless: { issuer: OIDC_ISSUER, subject: SIGNER_SUBJECT, additionalExtensions: { githubWorkflowRepository: serviceRepository(service) }, rekor: { url: 'https://rekor.sigstore.dev' } } }] }]);
    }
  });

  test('every exam-system image a deployed pod runs is named by digest and verified by its service\'s rule', () => {
    const ours = podImages().filter((p) => deployedNamespaces.includes(p.namespace) && p.image.startsWith('ghcr.io/exam-platform/exam-system/'));
    expect(ours.length).toBeGreaterThan(3 * SERVICE_NAMES.length - 1);
    for (const p of ours) {
      expect(p.image).toMatch(/:[^@/]+@sha256:[0-9a-f]{64}$/);
      const matching = rules.filter((r) => r.verifyImages?.some((v) => v.imageReferences.some((ref) => wildcard(ref, p.image))));
      expect({ image: p.image, rules: matching.map((r) => r.name) }).toEqual({ image: p.image, rules: [`signed-${p.image.split('/').pop()!.split(':')[0]}`] });
    }
  });

  test('everything else a deployed pod runs is a listed exception; nothing unlisted passes the allow-list rule', () => {
    const allow = rules.find((r) => r.name === 'only-signed-or-excepted-images')!;
    expect(allow.validate!.failureAction).toBe('Enforce');
    const alternatives = allow.validate!.pattern.spec.containers[0].image.split(' | ');
    for (const key of ['=(initContainers)', '=(ephemeralContainers)', 'containers']) expect(allow.validate!.pattern.spec[key]).toEqual([{ image: alternatives.join(' | ') }]);
    const admitted = (image: string) => alternatives.some((a) => wildcard(a, image));
    for (const p of podImages().filter((q) => deployedNamespaces.includes(q.namespace))) expect({ owner: `${p.namespace}/${p.owner}`, image: p.image, admitted: admitted(p.image) }).toEqual({ owner: `${p.namespace}/${p.owner}`, image: p.image, admitted: true });
    // A tag without a digest, another repository, or an unlisted third-party image is refused.
    expect(admitted('ghcr.io/exam-platform/exam-system/auth-service:v1')).toBe(false);
    expect(admitted(`ghcr.io/someone/exam-system/auth-service:v1@sha256:${'a'.repeat(64)}`)).toBe(false);
    expect(admitted('docker.io/library/busybox:1.36')).toBe(false);
  });

  test('every exception is used by some pod in dist/, has a reason, and is pinned', () => {
    const used = new Set(podImages().map((p) => p.image));
    for (const e of UNSIGNED_IMAGE_EXCEPTIONS) {
      console.log(`unsigned image exception: ${e.image}: ${e.reason}`);
      expect({ image: e.image, used: used.has(e.image) }).toEqual({ image: e.image, used: true });
      expect(e.reason.length).toBeGreaterThan(40);
      expect(e.image).not.toMatch(/:latest$|\*/);
    }
    // Every third-party image of dist/ is listed (Falco's namespace is outside the policy, but its image has its reason too).
    for (const p of podImages().filter((q) => !q.image.startsWith('ghcr.io/exam-platform/exam-system/'))) {
      expect({ image: p.image, listed: UNSIGNED_IMAGE_EXCEPTIONS.some((e) => e.image === p.image) }).toEqual({ image: p.image, listed: true });
    }
  });

  test('fails closed: Fail when Kyverno cannot answer, admission only (no background scans of running pods)', () => {
    expect(policy.spec.failurePolicy).toBe('Fail');
    expect(policy.spec.webhookTimeoutSeconds).toBe(IMAGE_SIGNATURE_POLICY.webhookTimeoutSeconds);
    expect(policy.spec.background).toBe(false);
  });
});
