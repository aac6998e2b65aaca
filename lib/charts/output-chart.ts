import { App, Chart } from 'cdk8s';

export interface OutputChartProps {
  /** Folder under dist/ for namespaced objects, e.g. `production`. */
  readonly folder: string;
  /**
   * Folder under dist/ for cluster-scoped objects (Namespaces, ClusterRoles, ...).
   * @default platform/cluster
   */
  readonly clusterFolder?: string;
}

const FOLDER = /^[a-z0-9-]+(\/[a-z0-9-]+)*$/;

/**
 * A chart that knows where in dist/ its objects go. Charts set no chart-level namespace:
 * every construct names its namespace itself, so cluster-scoped objects never get one
 * stamped on them, and the renderer routes cluster-scoped objects to their own folder.
 */
export class OutputChart extends Chart {
  public readonly folder: string;
  public readonly clusterFolder: string;

  constructor(scope: App, id: string, props: OutputChartProps) {
    super(scope, id, { disableResourceNameHashes: true });
    this.folder = props.folder;
    this.clusterFolder = props.clusterFolder ?? 'platform/cluster';
    for (const f of [this.folder, this.clusterFolder]) {
      if (!FOLDER.test(f)) throw new Error(`chart ${id}: output folder "${f}" must be lower-case path segments`);
    }
  }
}
