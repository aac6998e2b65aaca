/**
 * Turns the app's charts into files: one YAML document per object, at
 * <folder>/<kind>-<name>.yaml. Pure: no clock, no randomness, no environment.
 */
import { App } from 'cdk8s';
import { dump } from 'js-yaml';
import type { OutputChart } from '../charts/output-chart';

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
]);

export function fileName(obj: KubeObject): string {
  return `${obj.kind.toLowerCase()}-${obj.metadata.name}.yaml`;
}

/** Every object of every chart, with the file it goes to; sorted by path. */
export function renderObjects(app: App): RenderedObject[] {
  const out: RenderedObject[] = [];
  const seen = new Map<string, string>();
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
      const path = `${clusterScoped ? chart.clusterFolder : chart.folder}/${fileName(object)}`;
      const where = `${object.kind} ${object.metadata.namespace ?? '(cluster)'}/${object.metadata.name}`;
      const clash = seen.get(path);
      if (clash !== undefined) throw new Error(`two objects would be written to dist/${path}: ${clash} and ${where}`);
      seen.set(path, where);
      out.push({ path, object });
    }
  }
  return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/**
 * The bytes of one manifest file: block style, no line folding, no anchors, double quotes
 * where YAML would otherwise read a string as another type ("true", "50"). js-yaml rather
 * than the `yaml` package here: several times faster on this output, same bytes.
 */
export function toYaml(object: KubeObject): string {
  return dump(object, { lineWidth: -1, noRefs: true, quotingType: '"' });
}
