/**
 * Turns the app's charts into files: one YAML document per object, at
 * <folder>/<kind>-<name>.yaml. Pure: no clock, no randomness, no environment.
 */
import { App } from 'cdk8s';
import { DEFAULT_SCHEMA, Type, dump } from 'js-yaml';
import type { OutputChart } from '../charts/output-chart';
import { objectId } from '../rules/objects';

export interface KubeObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly namespace?: string; readonly labels?: Record<string, string>; readonly annotations?: Record<string, string> };
  readonly [key: string]: unknown;
}

export interface RenderedObject {
  /** Path relative to dist/, with `/` separators. */
  readonly path: string;
  readonly object: KubeObject;
}

/**
 * Kinds without a namespace. test/output checks this list against the API schemas in
 * imports/schemas, so a new cluster-scoped kind cannot slip into a namespaced folder.
 */
export const CLUSTER_SCOPED_KINDS: ReadonlySet<string> = new Set([
  'Namespace',
  'ClusterRole',
  'ClusterRoleBinding',
  'ClusterSecretStore',
  'ClusterAnalysisTemplate',
  'GatewayClass',
  'ClusterIssuer',
  'ClusterPolicy',
]);

export function fileName(obj: KubeObject): string {
  return `${obj.kind.toLowerCase()}-${obj.metadata.name}.yaml`;
}

/** The folder of dist/ a rendered object goes to (its path without the file name). */
export function folderOf(rendered: RenderedObject): string {
  return rendered.path.slice(0, rendered.path.lastIndexOf('/'));
}

/**
 * Objects rendered chart by chart, as one output: refuses two objects for one file (naming
 * both), and sorts by path.
 */
export function placedOnce(objects: readonly RenderedObject[]): RenderedObject[] {
  const seen = new Map<string, string>();
  for (const { path, object } of objects) {
    const where = objectId(object);
    const clash = seen.get(path);
    if (clash !== undefined) throw new Error(`two objects would be written to dist/${path}: ${clash} and ${where}`);
    seen.set(path, where);
  }
  return [...objects].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** Every object of every chart, with the file it goes to; sorted by path. */
export function renderObjects(app: App): RenderedObject[] {
  const out: RenderedObject[] = [];
  for (const c of app.charts) {
    const chart = c as Partial<OutputChart> & typeof c;
    if (chart.folder === undefined || chart.clusterFolder === undefined) {
      throw new Error(`chart ${c.node.path} is not an OutputChart: it has no dist/ folder`);
    }
    for (const object of chart.toJson() as KubeObject[]) {
      const clusterScoped = CLUSTER_SCOPED_KINDS.has(object.kind);
      if (clusterScoped === (object.metadata.namespace !== undefined)) {
        throw new Error(`${object.kind} ${object.metadata.name} in chart ${chart.node.id}: ${clusterScoped ? 'a cluster-scoped object must not have a namespace' : 'a namespaced object needs metadata.namespace'}`);
      }
      out.push({ path: `${clusterScoped ? chart.clusterFolder : chart.folder}/${fileName(object)}`, object });
    }
  }
  return placedOnce(out);
}

/**
 * Plain scalars a YAML 1.1 reader takes for something other than a string. Kubernetes tools read
 * YAML 1.1 (sigs.k8s.io/yaml through go-yaml v2: resolve.go drops `_` from numbers and knows
 * yes/no/on/off; PyYAML likewise), so `2024_06_01` would reach the API server as the integer
 * 20240601. js-yaml, a YAML 1.2 writer, already quotes what YAML 1.2 reads as non-strings.
 */
const YAML11_NON_STRING = new RegExp(
  `^(?:${[
    'y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF',
    '~|null|Null|NULL|=|<<',
    '[-+]?0b[0-1_]+',
    '[-+]?0o?[0-7_]+',
    '[-+]?0x[0-9a-fA-F_]+',
    '[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\\.[0-9_]*)?',
    '[-+]?(?=\\.?[0-9])[0-9_]*(?:\\.[0-9_]*)?(?:[eE][-+]?[0-9]+)?',
    '[-+]?\\.(?:inf|Inf|INF)',
    '\\.(?:nan|NaN|NAN)',
  ].join('|')})$`,
);

/** Whether a YAML 1.1 reader would take the plain scalar `value` for a number, a bool or null. */
export function isYaml11NonString(value: string): boolean {
  return YAML11_NON_STRING.test(value);
}

/**
 * js-yaml quotes a string whenever an implicit type of its schema would resolve it; this type
 * resolves the YAML 1.1 non-strings, so they are quoted too. It never represents a value
 * (no `predicate`), so it only affects quoting.
 */
const YAML11_SCHEMA = DEFAULT_SCHEMA.extend({
  implicit: [new Type('tag:yaml.org,2002:yaml-1.1-non-string', { kind: 'scalar', resolve: (data: unknown) => typeof data === 'string' && isYaml11NonString(data) })],
});

/**
 * The bytes of one manifest file: block style, no line folding, no anchors, double quotes
 * where a YAML 1.1 or 1.2 reader would otherwise read a string as another type ("true", "50",
 * "2024_06_01"). js-yaml rather than the `yaml` package here: several times faster on this
 * output, same bytes.
 */
export function toYaml(object: KubeObject): string {
  return dump(object, { lineWidth: -1, noRefs: true, quotingType: '"', schema: YAML11_SCHEMA });
}
