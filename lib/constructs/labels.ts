/**
 * The one home of label conventions. Selectors use `app` only: it is stable across releases
 * (unlike `app.kubernetes.io/version`) and unique per workload in a namespace.
 */
import { PART_OF } from '../config/catalog';

export interface WorkloadLabelProps {
  /** `app` and `app.kubernetes.io/name`. */
  readonly name: string;
  /** `app.kubernetes.io/component`. */
  readonly component: string;
  /** `app.kubernetes.io/version`: the image tag. */
  readonly version: string;
  /** `app.kubernetes.io/part-of`. @default exam-system */
  readonly partOf?: string;
}

/** Label on the Services whose endpoints Prometheus scrapes (the ServiceMonitors select it). */
export const SCRAPE_LABEL = 'exam-system.io/scrape';

/** The labels a workload's selector matches. */
export function selectorLabels(name: string): Record<string, string> {
  return { app: name };
}

/** The full label set of a workload, its pods and its companion objects. */
export function workloadLabels(props: WorkloadLabelProps): Record<string, string> {
  return {
    ...selectorLabels(props.name),
    'app.kubernetes.io/name': props.name,
    'app.kubernetes.io/part-of': props.partOf ?? PART_OF,
    'app.kubernetes.io/component': props.component,
    'app.kubernetes.io/version': props.version,
    'app.kubernetes.io/managed-by': 'cdk8s',
  };
}

/** Labels for objects that are not a workload (namespaces, policies, templates). */
export function commonLabels(component: string, partOf: string = PART_OF): Record<string, string> {
  return {
    'app.kubernetes.io/part-of': partOf,
    'app.kubernetes.io/component': component,
    'app.kubernetes.io/managed-by': 'cdk8s',
  };
}
