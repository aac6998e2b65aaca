/**
 * Regenerates everything under imports/ from the pinned upstream sources:
 *
 *  - imports/<group>.ts: typed bindings made by `cdk8s import`, one file per API group
 *    (the CRDs of a group are concatenated into one stream, because one `cdk8s import`
 *    call writes one file per group and a second call for the group would overwrite it);
 *  - imports/schemas/<group>.json and imports/schemas/k8s.json: the structural schemas that
 *    test/ validates every synthesized object against, made strict (an object schema that
 *    lists its properties rejects any other property, as the API server's strict field
 *    validation and CRD pruning do) and stripped of descriptions.
 *
 *  - imports/schemas/api-surface/k8s-1.28.json: every apiVersion/kind of the Kubernetes 1.28 API (the core
 *    surface the API closure test admits without an add-on);
 *  - imports/schemas/values/<chart>.json: the values.schema.json an add-on chart publishes at
 *    its pinned version (CHARTS in lib/config/versions.ts), which test/ validates our values against.
 *
 * Usage:
 *   npm run import                                  # download the URLs in cdk8s.yaml and CHARTS
 *   npm run import -- --from DIR --k8s-schema FILE --values-schemas DIR
 *                                                   # use local copies of the same files (the values
 *                                                   # schemas named <chart>-values.schema.json)
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { CHARTS, HelmChartPin } from '../lib/config/versions';

/** The Kubernetes API definitions cdk8s publishes for `cdk8s import k8s@1.28.0`. */
const K8S_SCHEMA_URL =
  'https://raw.githubusercontent.com/cdk8s-team/cdk8s/master/kubernetes-schemas/v1.28.0/_definitions.json';

/** Core kinds the app emits (or that the tests must recognise, such as Secret). */
const K8S_KINDS = [
  'io.k8s.api.core.v1.Namespace',
  'io.k8s.api.core.v1.ConfigMap',
  'io.k8s.api.core.v1.Secret',
  'io.k8s.api.core.v1.Service',
  'io.k8s.api.core.v1.ServiceAccount',
  'io.k8s.api.apps.v1.Deployment',
  'io.k8s.api.apps.v1.DaemonSet',
  'io.k8s.api.batch.v1.Job',
  'io.k8s.api.policy.v1.PodDisruptionBudget',
  'io.k8s.api.autoscaling.v2.HorizontalPodAutoscaler',
  'io.k8s.api.networking.v1.NetworkPolicy',
  'io.k8s.api.networking.v1.Ingress',
  'io.k8s.api.rbac.v1.ClusterRole',
  'io.k8s.api.rbac.v1.ClusterRoleBinding',
  'io.k8s.api.rbac.v1.Role',
  'io.k8s.api.rbac.v1.RoleBinding',
];

/** Core kinds without a namespace (the definitions do not say which kinds are namespaced). */
const CLUSTER_SCOPED = ['Namespace', 'ClusterRole', 'ClusterRoleBinding'];

/** The regular expression the API server applies to resource quantities. */
const QUANTITY_PATTERN =
  '^(\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]|([eE](\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))))?$';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

const root = path.resolve(__dirname, '..');

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

async function readUrl(url: string): Promise<string> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`GET ${url}: HTTP ${res.status}`);
  return res.text();
}

async function readSource(url: string, localDir: string | undefined): Promise<string> {
  if (localDir === undefined) return readUrl(url);
  // Local copies may be named differently: match the URL's file name to the CRD's names.
  const wanted = path
    .basename(url)
    .replace(/\.yaml$/, '')
    .replace(/-crd$/, '')
    .replace(/^.*_/, '')
    .replace(/-/g, '');
  for (const file of fs.readdirSync(localDir).sort()) {
    if (!file.endsWith('.yaml')) continue;
    const text = fs.readFileSync(path.join(localDir, file), 'utf8');
    const crd = parse(text) as { kind?: string; spec?: { names?: { singular?: string; plural?: string } } };
    const names = crd?.spec?.names;
    if (crd?.kind === 'CustomResourceDefinition' && (names?.singular === wanted || names?.plural === wanted)) {
      return text;
    }
  }
  throw new Error(`no CRD in ${localDir} matches ${url}`);
}

/**
 * Go's RE2 patterns, as JavaScript patterns. RE2's leading `(?i)` has no JavaScript
 * equivalent inside a JSON Schema `pattern`, so letters outside classes and escapes become
 * `[xX]`. Returns undefined for a pattern JavaScript still cannot compile.
 */
function jsPattern(pattern: string): string | undefined {
  let p = pattern;
  const flag = /^(\^?)\(\?i\)/.exec(p);
  if (flag !== null) {
    let out = flag[1];
    let inClass = false;
    for (let i = flag[0].length; i < p.length; i++) {
      const ch = p[i];
      if (ch === '\\') {
        out += ch + (p[i + 1] ?? '');
        i++;
      } else if (ch === '[') {
        inClass = true;
        out += ch;
      } else if (ch === ']') {
        inClass = false;
        out += ch;
      } else if (!inClass && /[a-z]/i.test(ch)) {
        out += `[${ch.toLowerCase()}${ch.toUpperCase()}]`;
      } else {
        out += ch;
      }
    }
    p = out;
  }
  try {
    new RegExp(p);
    return p;
  } catch {
    console.warn(`pattern dropped (not valid in JavaScript): ${pattern}`);
    return undefined;
  }
}

/** Strict, description-free copy of a structural schema. */
function strictify(schema: Json, quantityRef?: string): Json {
  if (Array.isArray(schema)) return schema.map((s) => strictify(s, quantityRef));
  if (schema === null || typeof schema !== 'object') return schema;
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === 'description' || key === 'format' || key.startsWith('x-kubernetes-')) continue;
    if (key === 'pattern' && typeof value === 'string') {
      const p = jsPattern(value);
      if (p !== undefined) out.pattern = p;
      continue;
    }
    if (key === '$ref' && typeof value === 'string') {
      out.$ref = value;
      continue;
    }
    if (key === 'properties' && value && typeof value === 'object' && !Array.isArray(value)) {
      const props: JsonObject = {};
      for (const [p, s] of Object.entries(value)) props[p] = strictify(s, quantityRef);
      out.properties = props;
      continue;
    }
    out[key] = strictify(value, quantityRef);
  }
  if (schema['x-kubernetes-int-or-string'] === true && out.anyOf === undefined) {
    delete out.type;
    out.anyOf = [{ type: 'integer' }, { type: 'string' }];
  }
  const preserve = schema['x-kubernetes-preserve-unknown-fields'] === true;
  if (out.properties !== undefined && out.additionalProperties === undefined && !preserve) {
    out.additionalProperties = false;
  }
  return out;
}

function runCdk8sImport(streamFile: string, outDir: string): void {
  execFileSync(
    path.join(root, 'node_modules', '.bin', 'cdk8s'),
    ['import', streamFile, '--language', 'typescript', '--output', outDir],
    // Run outside the project: inside it, `cdk8s import` would append the temporary file to cdk8s.yaml.
    { stdio: 'inherit', cwd: path.dirname(streamFile), env: { ...process.env, CDK8S_CHECK_UPGRADE: 'false' } },
  );
}

function collectRefs(defs: JsonObject, name: string, seen: Set<string>): void {
  if (seen.has(name)) return;
  seen.add(name);
  const walk = (node: Json): void => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === 'object') {
      for (const [k, v] of Object.entries(node)) {
        if (k === '$ref' && typeof v === 'string') collectRefs(defs, v.replace('#/definitions/', ''), seen);
        else walk(v);
      }
    }
  };
  walk(defs[name]);
}

function sortKeys(value: Json): Json {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== 'object') return value;
  const out: JsonObject = {};
  for (const k of Object.keys(value).sort()) out[k] = sortKeys(value[k]);
  return out;
}

function writeJson(file: string, value: Json): void {
  fs.writeFileSync(file, JSON.stringify(sortKeys(value)) + '\n');
}

async function main(): Promise<void> {
  const localDir = arg('--from');
  const k8sSchemaFile = arg('--k8s-schema');
  const config = parse(fs.readFileSync(path.join(root, 'cdk8s.yaml'), 'utf8')) as { imports: string[] };
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'exam-delivery-import-'));
  const outDir = path.join(root, 'imports');
  const schemaDir = path.join(outDir, 'schemas');
  fs.mkdirSync(schemaDir, { recursive: true });

  // Group the CRDs by API group, in the order cdk8s.yaml lists them.
  const groups = new Map<string, string[]>();
  for (const url of config.imports) {
    const text = await readSource(url, localDir);
    const group = (parse(text) as { spec: { group: string } }).spec.group;
    groups.set(group, [...(groups.get(group) ?? []), text]);
  }

  for (const [group, texts] of groups) {
    const stream = path.join(tmp, `${group}.yaml`);
    fs.writeFileSync(stream, texts.map((t) => t.trim()).join('\n---\n') + '\n');
    runCdk8sImport(stream, outDir);

    const kinds: JsonObject = {};
    for (const text of texts) {
      for (const doc of parseAllDocuments(text)) {
        const crd = doc.toJS() as {
          spec: { group: string; names: { kind: string }; scope: string; versions: { name: string; served: boolean; schema: { openAPIV3Schema: Json } }[] };
        };
        for (const v of crd.spec.versions.filter((x) => x.served)) {
          kinds[`${crd.spec.group}/${v.name}/${crd.spec.names.kind}`] = {
            namespaced: crd.spec.scope === 'Namespaced',
            schema: strictify(v.schema.openAPIV3Schema),
          };
        }
      }
    }
    writeJson(path.join(schemaDir, `${group}.json`), { kinds });
  }

  // Core kinds: the closure of the definitions they reference.
  const k8sText = k8sSchemaFile ? fs.readFileSync(k8sSchemaFile, 'utf8') : await (await fetch(K8S_SCHEMA_URL)).text();
  const defs = (JSON.parse(k8sText) as { definitions: JsonObject }).definitions;
  defs['io.k8s.apimachinery.pkg.api.resource.Quantity'] = {
    oneOf: [{ type: 'string', pattern: QUANTITY_PATTERN }, { type: 'number' }],
  };
  const needed = new Set<string>();
  for (const kind of K8S_KINDS) collectRefs(defs, kind, needed);
  const definitions: JsonObject = {};
  for (const name of [...needed].sort()) definitions[name] = strictify(defs[name]);
  const kinds: JsonObject = {};
  for (const name of K8S_KINDS) {
    const gvk = (defs[name] as { 'x-kubernetes-group-version-kind': { group: string; version: string; kind: string }[] })[
      'x-kubernetes-group-version-kind'
    ][0];
    const apiVersion = gvk.group === '' ? gvk.version : `${gvk.group}/${gvk.version}`;
    kinds[`${apiVersion}/${gvk.kind}`] = { definition: name, namespaced: !CLUSTER_SCOPED.includes(gvk.kind) };
  }
  writeJson(path.join(schemaDir, 'k8s.json'), { kinds, definitions });

  // Every apiVersion/kind the Kubernetes 1.28 API serves (lists and meta types left out).
  const served = new Set<string>();
  for (const def of Object.values(defs) as JsonObject[]) {
    const props = def.properties as JsonObject | undefined;
    const gvks = def['x-kubernetes-group-version-kind'] as { group: string; version: string; kind: string }[] | undefined;
    if (gvks === undefined || props?.metadata === undefined || props?.apiVersion === undefined) continue;
    for (const gvk of gvks) {
      if (gvk.kind.endsWith('List') || gvk.kind === 'Status' || gvk.kind === 'DeleteOptions' || gvk.kind === 'WatchEvent') continue;
      served.add(`${gvk.group === '' ? gvk.version : `${gvk.group}/${gvk.version}`}/${gvk.kind}`);
    }
  }
  fs.mkdirSync(path.join(schemaDir, 'api-surface'), { recursive: true });
  writeJson(path.join(schemaDir, 'api-surface', 'k8s-1.28.json'), { kubernetesVersion: '1.28.0', kinds: [...served].sort() });

  // The add-on charts' published values schemas.
  const valuesDir = arg('--values-schemas');
  const valuesOut = path.join(schemaDir, 'values');
  fs.mkdirSync(valuesOut, { recursive: true });
  const pins: HelmChartPin[] = Object.values(CHARTS);
  for (const pin of pins) {
    if (pin.valuesSchemaUrl === undefined) continue;
    const text =
      valuesDir === undefined ? await readUrl(pin.valuesSchemaUrl) : fs.readFileSync(path.join(valuesDir, `${pin.chart}-values.schema.json`), 'utf8');
    writeJson(path.join(valuesOut, `${pin.chart}.json`), { chart: pin.chart, version: pin.version, source: pin.valuesSchemaUrl, schema: JSON.parse(text) as Json });
  }
  fs.rmSync(tmp, { recursive: true, force: true });
  console.log(`imports/ regenerated: ${[...groups.keys()].join(', ')}, k8s (${needed.size} definitions)`);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
