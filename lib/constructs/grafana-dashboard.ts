/**
 * A Grafana dashboard as a ConfigMap that kube-prometheus-stack's Grafana loads: its dashboard
 * sidecar watches ConfigMaps labelled `grafana_dashboard: "1"` (the chart's
 * `grafana.sidecar.dashboards.label` and `labelValue`) and writes each data key, a dashboard
 * JSON file, into Grafana's provisioning folder.
 *
 * The object must stay small enough for the way it is applied: Argo CD applies client-side,
 * which stores the whole object in the `kubectl.kubernetes.io/last-applied-configuration`
 * annotation, and all annotations of an object together may hold at most 256 KiB
 * (MAX_CLIENT_SIDE_APPLY_BYTES). The construct refuses a larger dashboard.
 */
import { GRAFANA_DASHBOARD_LABEL } from '../config/monitoring';
import { Construct } from 'constructs';
import * as k8s from './k8s';
import { commonLabels } from './labels';

/** The label (and value) Grafana's dashboard sidecar selects ConfigMaps by. */
export const GRAFANA_DASHBOARD_LABELS: Readonly<Record<string, string>> = { [GRAFANA_DASHBOARD_LABEL.key]: GRAFANA_DASHBOARD_LABEL.value };

/** Kubernetes' limit on the total size of an object's annotations (apimachinery TotalAnnotationSizeLimitB). */
export const MAX_ANNOTATIONS_BYTES = 256 * 1024;

/**
 * What the serialised object may weigh under client-side apply: the annotation limit, less
 * room for the other annotations the object carries (Argo CD's tracking id, sync wave).
 */
export const MAX_CLIENT_SIDE_APPLY_BYTES = MAX_ANNOTATIONS_BYTES - 4 * 1024;

export interface GrafanaDashboardProps {
  /** The ConfigMap's name, e.g. `grafana-dashboard-exam-slos`. */
  readonly name: string;
  readonly namespace: string;
  /** The dashboard's uid: the data key is `<uid>.json`. */
  readonly uid: string;
  /** The dashboard model (plain JSON). */
  readonly model: unknown;
}

const NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** One dashboard, one ConfigMap. */
export class GrafanaDashboard extends Construct {
  public readonly name: string;

  constructor(scope: Construct, id: string, props: GrafanaDashboardProps) {
    super(scope, id);
    const where = `GrafanaDashboard ${props.namespace}/${props.name}`;
    for (const value of [props.name, props.namespace, props.uid]) {
      if (!NAME.test(value) || value.length > 63) throw new Error(`${where}: "${value}" is not a Kubernetes name; expected lower-case letters, digits and "-"`);
    }
    this.name = props.name;
    const json = `${JSON.stringify(props.model, null, 1)}\n`;
    const cm = new k8s.KubeConfigMap(this, 'configmap', {
      metadata: { name: props.name, namespace: props.namespace, labels: { ...commonLabels('dashboards'), ...GRAFANA_DASHBOARD_LABELS } },
      data: { [`${props.uid}.json`]: json },
    });
    const bytes = Buffer.byteLength(JSON.stringify(cm.toJson()), 'utf8');
    if (bytes > MAX_CLIENT_SIDE_APPLY_BYTES) {
      throw new Error(`${where}: the object is ${bytes} bytes; client-side apply stores it in an annotation, expected at most ${MAX_CLIENT_SIDE_APPLY_BYTES} bytes. Split the dashboard.`);
    }
  }
}
