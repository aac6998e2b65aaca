/**
 * Whole-output checks over everything synth writes.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { SchemaRegistry } from '../../lib/analysis/schema-validation';
import { SERVICE_NAMES, ServiceName } from '../../lib/config/catalog';
import { CLUSTER_SCOPED_KINDS, KubeObject } from '../../lib/output/render';
import { isDnsSubdomain } from '../../lib/rules/names';
import { objectId } from '../../lib/rules/objects';
import { OWNERSHIP_RECORD, recordText } from '../../lib/output/transaction';
import { synthesized } from '../support/synthesized';

const root = path.resolve(__dirname, '..', '..');
const { objects, files } = synthesized();
const all: KubeObject[] = objects.map((o) => o.object);
const id = (o: KubeObject) => objectId(o);

interface PodTemplate {
  metadata?: { labels?: Record<string, string> };
  spec: { containers: { image: string }[] };
}
function podTemplate(o: KubeObject): PodTemplate | undefined {
  if (!['Deployment', 'DaemonSet', 'Rollout'].includes(o.kind)) return undefined;
  return (o.spec as { template: PodTemplate }).template;
}

describe('every synthesized object', () => {
  const registry = new SchemaRegistry();

  test('validates against its schema (Kubernetes 1.28 or the pinned CRD), strictly', () => {
    const problems = all.flatMap((o) => registry.validate(o)).map((p) => `${p.object} ${p.field}: ${p.message}`);
    expect(problems).toEqual([]);
  });

  test('the validator rejects a misplaced field, a wrong type and an unknown kind', () => {
    const deployment = all.find((o) => o.kind === 'Deployment')!;
    const bad = JSON.parse(JSON.stringify(deployment));
    bad.spec.template.spec.containers[0].port = 8000;
    bad.spec.replicas = 'three';
    const problems = registry.validate(bad);
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ field: '/spec/template/spec/containers/0', message: 'unknown field "port"' }),
        expect.objectContaining({ field: '/spec/replicas' }),
      ]),
    );
    const rollout = JSON.parse(JSON.stringify(all.find((o) => o.kind === 'Rollout' && (o.spec as { strategy: { canary?: unknown } }).strategy.canary)!));
    // stableService under trafficRouting, where the CRD has no such field (it belongs on the canary strategy).
    rollout.spec.strategy.canary.trafficRouting.stableService = 'exam-service-stable';
    expect(registry.validate(rollout)).toEqual([
      expect.objectContaining({ field: '/spec/strategy/canary/trafficRouting', message: 'unknown field "stableService"' }),
    ]);
    // The new kinds are checked too: a Gateway listener field the v1.6.1 standard CRD lacks, an HTTPRoute weight out of range.
    const gateway = JSON.parse(JSON.stringify(all.find((o) => o.kind === 'Gateway')!));
    gateway.spec.listeners[0].hostnames = ['a.example.com'];
    expect(registry.validate(gateway)).toEqual([expect.objectContaining({ field: '/spec/listeners/0', message: 'unknown field "hostnames"' })]);
    const route = JSON.parse(JSON.stringify(all.find((o) => o.kind === 'HTTPRoute' && o.metadata.namespace === 'exam-system')!));
    route.spec.rules[0].backendRefs[0].weight = -1;
    expect(registry.validate(route)).toEqual([expect.objectContaining({ field: '/spec/rules/0/backendRefs/0/weight' })]);
    const certificate = JSON.parse(JSON.stringify(all.find((o) => o.kind === 'Certificate')!));
    certificate.spec.dnsName = certificate.spec.dnsNames;
    expect(registry.validate(certificate)).toEqual([expect.objectContaining({ field: '/spec', message: 'unknown field "dnsName"' })]);
    expect(registry.validate({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'x' } })[0].message).toMatch(/no schema/);
  });

  test('the cluster-scoped kinds the renderer knows agree with the API schemas', () => {
    for (const key of registry.knownKinds) {
      const [kind] = key.split('/').slice(-1);
      const [apiVersion] = [key.slice(0, key.length - kind.length - 1)];
      expect([key, CLUSTER_SCOPED_KINDS.has(kind)]).toEqual([key, !registry.kind(apiVersion, kind)!.namespaced]);
    }
  });

  test('no duplicate kind/namespace/name', () => {
    const ids = all.map(id);
    expect(ids.filter((x, i) => ids.indexOf(x) !== i)).toEqual([]);
  });

  test('cluster-scoped objects have no namespace and live in a cluster folder; namespaced ones have one', () => {
    for (const o of objects) {
      if (CLUSTER_SCOPED_KINDS.has(o.object.kind)) {
        expect([id(o.object), o.object.metadata.namespace]).toEqual([id(o.object), undefined]);
        expect([id(o.object), o.path]).toEqual([id(o.object), expect.stringMatching(/^(platform\/cluster|development)\//)]);
      } else {
        expect([id(o.object), typeof o.object.metadata.namespace]).toEqual([id(o.object), 'string']);
      }
    }
  });

  test('each environment folder holds only its own namespace', () => {
    const namespaceOf: Record<string, string> = { development: 'exam-system-dev', staging: 'exam-system-staging', hotfix: 'exam-system-hotfix', production: 'exam-system' };
    for (const o of objects) {
      const folder = o.path.split('/')[0];
      if (namespaceOf[folder] && o.object.metadata.namespace !== undefined) {
        expect([o.path, o.object.metadata.namespace]).toEqual([o.path, namespaceOf[folder]]);
      }
    }
  });

  test('names are valid Kubernetes names, set explicitly (no hash suffixes)', () => {
    for (const o of all) {
      expect([id(o), isDnsSubdomain(o.metadata.name) && o.metadata.name.length <= 63]).toEqual([id(o), true]);
      expect([id(o), /-c8[0-9a-f]{6}$/.test(o.metadata.name)]).toEqual([id(o), false]);
    }
  });

  test('every selector-based Service selects the pods of a workload in its namespace', () => {
    const services = all.filter((o) => o.kind === 'Service' && (o.spec as { type?: string }).type !== 'ExternalName');
    expect(services.length).toBeGreaterThan(0);
    for (const svc of services) {
      const selector = (svc.spec as { selector?: Record<string, string> }).selector ?? {};
      expect([id(svc), Object.keys(selector).length > 0]).toEqual([id(svc), true]);
      const targets = all.filter((w) => {
        const labels = podTemplate(w)?.metadata?.labels;
        return w.metadata.namespace === svc.metadata.namespace && labels && Object.entries(selector).every(([k, v]) => labels[k] === v);
      });
      expect([id(svc), targets.length]).toEqual([id(svc), 1]);
    }
  });

  test('every image is pinned: a tag, never latest', () => {
    for (const o of all) {
      for (const c of podTemplate(o)?.spec.containers ?? []) {
        expect([id(o), c.image]).toEqual([id(o), expect.stringMatching(/^[^:@]+(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})(@sha256:[0-9a-f]{64})?$/)]);
        expect([id(o), /:latest$/.test(c.image)]).toEqual([id(o), false]);
      }
    }
  });

  test('the seven services run ghcr.io/<org>/exam-system/<service>:<tag>, by digest outside development', () => {
    const workloads = all.filter((o) => SERVICE_NAMES.includes(o.metadata.labels?.app as ServiceName) && podTemplate(o));
    expect(workloads.length).toBe(4 * SERVICE_NAMES.length);
    for (const w of workloads) {
      const byDigest = w.metadata.namespace !== 'exam-system-dev';
      expect(podTemplate(w)!.spec.containers[0].image).toMatch(new RegExp(`^ghcr\\.io/[a-z0-9-]+/exam-system/${w.metadata.labels!.app}:[A-Za-z0-9_][A-Za-z0-9_.-]*${byDigest ? '@sha256:[0-9a-f]{64}' : ''}$`));
    }
  });
});

describe('dist/', () => {
  test('the committed dist/ is exactly what synth produces (run npm run synth and commit)', () => {
    const onDisk: string[] = [];
    const walk = (dir: string, rel: string) => {
      for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
        const r = rel ? `${rel}/${e.name}` : e.name;
        if (e.isDirectory()) walk(path.join(dir, e.name), r);
        else onDisk.push(r);
      }
    };
    walk(path.join(root, 'dist'), '');
    // Plus synth's record of what it wrote (lib/output/transaction.ts).
    expect(onDisk.sort()).toEqual([OWNERSHIP_RECORD, ...files.map((f) => f.path)].sort());
    expect(fs.readFileSync(path.join(root, 'dist', OWNERSHIP_RECORD), 'utf8')).toBe(recordText(files.map((f) => f.path)));
    for (const f of files) {
      expect([f.path, fs.readFileSync(path.join(root, 'dist', f.path), 'utf8') === f.content]).toEqual([f.path, true]);
    }
  });

  test('holds only manifests: one YAML object per file, named <kind>-<name>.yaml', () => {
    for (const o of objects) {
      expect(o.path).toMatch(/^[a-z0-9/-]+\/[a-z]+-[a-z0-9.-]+\.yaml$/);
      expect(path.basename(o.path)).toBe(`${o.object.kind.toLowerCase()}-${o.object.metadata.name}.yaml`);
    }
  });

  // The same bytes in another time zone, locale and working directory: test/synth-process.test.ts
  // runs the real entry point that way.
});
