import { Construct } from 'constructs';
import { Application } from '../../imports/argoproj.io';
import { refNameProblem } from '../rules/git-ref';
import { isDnsLabel } from '../rules/names';
import { commonLabels } from './labels';

/** Argo CD's resources finalizer: deleting the Application deletes what it deployed. */
export const RESOURCES_FINALIZER = 'resources-finalizer.argocd.argoproj.io';

/** Sync options Argo CD knows (https://argo-cd.readthedocs.io/en/stable/user-guide/sync-options/). */
const KNOWN_SYNC_OPTIONS = new Set([
  'Validate',
  'CreateNamespace',
  'PruneLast',
  'ApplyOutOfSyncOnly',
  'PrunePropagationPolicy',
  'Replace',
  'ServerSideApply',
  'FailOnSharedResource',
  'RespectIgnoreDifferences',
  'SkipDryRunOnMissingResource',
]);

/** A field of some objects that a controller owns. */
export interface IgnoredFields {
  /** API group (`''` for core). */
  readonly group: string;
  readonly kind: string;
  readonly name: string;
  /** Omitted for a cluster-scoped object. */
  readonly namespace?: string;
  /** JSON pointers (RFC 6901) of the ignored fields. */
  readonly jsonPointers: readonly string[];
  /** jq path expressions of the ignored fields (Argo CD deletes `del(<expression>)`). @default none */
  readonly jqPathExpressions?: readonly string[];
}

/** Argo CD's automated sync. */
export interface AutomatedSync {
  /** Sync without a person when git changes. */
  readonly enabled: boolean;
  /** Delete objects that were removed from git. */
  readonly prune: boolean;
  /** Revert changes made in the cluster. */
  readonly selfHeal: boolean;
}

export interface SyncRetry {
  readonly limit: number;
  readonly backoff: { readonly duration: string; readonly factor: number; readonly maxDuration: string };
}

/** A Helm chart as an Application's source (instead of a folder of plain manifests). */
export interface HelmChartSource {
  /** The chart's name in the repository. */
  readonly chart: string;
  /** The Helm release name. */
  readonly releaseName: string;
  /** The values, written into the Application as `helm.valuesObject`. */
  readonly values: object;
}

/** Labels and annotations of the namespace Argo CD creates (with CreateNamespace=true). */
export interface ManagedNamespaceMetadata {
  readonly labels?: Readonly<Record<string, string>>;
  readonly annotations?: Readonly<Record<string, string>>;
}

export interface ArgoCdApplicationProps {
  readonly name: string;
  /** Argo CD's namespace. */
  readonly namespace: string;
  readonly project: string;
  readonly repoUrl: string;
  /** A branch name, a tag, or with `helm` the exact chart version (never a pattern or range). */
  readonly targetRevision: string;
  /** The folder of plain manifests, e.g. `dist/production`. Required unless `helm` is set. */
  readonly path?: string;
  /**
   * Deploy a Helm chart from `repoUrl` (a chart repository, or an OCI registry written without
   * `oci://`) instead of a folder.
   * @default none: the source is the folder `path`
   */
  readonly helm?: HelmChartSource;
  /**
   * Labels and annotations of the destination namespace, which the Application then creates
   * (pair with the sync option CreateNamespace=true).
   * @default none
   */
  readonly managedNamespaceMetadata?: ManagedNamespaceMetadata;
  /** Read sub-folders too. @default false */
  readonly recurse?: boolean;
  /** The in-cluster API server URL. */
  readonly server: string;
  /** Namespace for namespaced objects that name none (ours all name theirs). */
  readonly destinationNamespace: string;
  readonly automated: AutomatedSync;
  /** `Name=value` options Argo CD knows. @default none */
  readonly syncOptions?: readonly string[];
  /** @default no retry */
  readonly retry?: SyncRetry;
  /** @default none */
  readonly ignoreDifferences?: readonly IgnoredFields[];
  /**
   * Delete the deployed objects when the Application is deleted (the resources finalizer).
   * @default false: deleting the Application leaves its objects running
   */
  readonly cascadeDelete?: boolean;
  /** Annotations, e.g. notification subscriptions. @default none */
  readonly annotations?: Readonly<Record<string, string>>;
  /** Extra labels. @default none */
  readonly labels?: Readonly<Record<string, string>>;
  /** Facts shown in the Argo CD UI. @default none */
  readonly info?: Readonly<Record<string, string>>;
}


/** An Argo CD Application over one folder of plain manifests in git, with an explicit sync policy. */
export class ArgoCdApplication extends Construct {
  public readonly name: string;
  /** The folder it syncs, or undefined for a Helm chart. */
  public readonly path: string | undefined;

  constructor(scope: Construct, id: string, props: ArgoCdApplicationProps) {
    super(scope, id);
    const fail = (what: string, expected: string): never => {
      throw new Error(`ArgoCdApplication ${props.name}: ${what}; expected ${expected}`);
    };
    if (!isDnsLabel(props.name)) fail(`name "${props.name}" is not a Kubernetes name`, 'lower-case letters, digits and "-"');
    if (props.project === '' || props.project === 'default') fail(`project "${props.project}"`, 'a project of our own, not Argo CD\'s open default');
    if (props.helm !== undefined) {
      if (/[*?[\]^~><=|, ]/.test(props.targetRevision) || props.targetRevision === '') {
        fail(`targetRevision "${props.targetRevision}" is empty, a pattern or a range`, 'one exact chart version');
      }
      if (props.path !== undefined) fail('both a path and a Helm chart', 'one source');
      if (!isDnsLabel(props.helm.chart)) fail(`chart "${props.helm.chart}"`, 'a chart name');
      if (!isDnsLabel(props.helm.releaseName)) fail(`release name "${props.helm.releaseName}"`, 'a Kubernetes name');
    } else {
      const revisionProblem = refNameProblem(props.targetRevision, { branch: true });
      if (revisionProblem !== undefined) throw new Error(`ArgoCdApplication ${props.name}: targetRevision "${props.targetRevision}": ${revisionProblem}`);
      if (props.path === undefined || !/^[a-z0-9-]+(\/[a-z0-9-]+)*$/.test(props.path)) fail(`path "${props.path ?? ''}"`, 'a relative folder such as dist/production');
    }
    if (props.managedNamespaceMetadata !== undefined && !(props.syncOptions ?? []).includes('CreateNamespace=true')) {
      fail('managedNamespaceMetadata without the sync option CreateNamespace=true', 'CreateNamespace=true (Argo CD applies the metadata only to a namespace it creates)');
    }
    if (!isDnsLabel(props.destinationNamespace)) fail(`destination namespace "${props.destinationNamespace}"`, 'one namespace name');
    for (const option of props.syncOptions ?? []) {
      const [key, value, extra] = option.split('=');
      if (!KNOWN_SYNC_OPTIONS.has(key) || value === undefined || value === '' || extra !== undefined) {
        fail(`unknown sync option "${option}"`, `Name=value with a name among ${[...KNOWN_SYNC_OPTIONS].join(', ')}`);
      }
    }
    if (props.retry && (props.retry.limit < 1 || props.retry.backoff.factor < 1)) fail('retry limit or factor below 1', 'a limit >= 1 and a factor >= 1');
    for (const d of props.ignoreDifferences ?? []) {
      const jq = d.jqPathExpressions ?? [];
      if ((d.jsonPointers.length === 0 && jq.length === 0) || d.jsonPointers.some((p) => !p.startsWith('/'))) {
        fail(`ignoreDifferences for ${d.kind} ${d.name} has no field or a malformed JSON pointer`, 'pointers such as /spec/replicas or jq path expressions');
      }
      if (jq.some((e) => !e.startsWith('.'))) fail(`ignoreDifferences for ${d.kind} ${d.name} has a jq expression that is not a path`, 'expressions starting with "." such as .spec.rules[].backendRefs[].weight');
    }

    this.name = props.name;
    this.path = props.path;
    new Application(this, 'application', {
      metadata: {
        name: props.name,
        namespace: props.namespace,
        labels: { ...commonLabels('gitops'), ...props.labels },
        annotations: props.annotations && Object.keys(props.annotations).length > 0 ? { ...props.annotations } : undefined,
        finalizers: props.cascadeDelete ? [RESOURCES_FINALIZER] : undefined,
      },
      spec: {
        project: props.project,
        source: props.helm
          ? {
              repoUrl: props.repoUrl,
              chart: props.helm.chart,
              targetRevision: props.targetRevision,
              // Helm test hooks have no Argo CD equivalent (docs/user-guide/helm.md, "Helm --skip-tests").
              helm: { releaseName: props.helm.releaseName, valuesObject: props.helm.values, skipTests: true },
            }
          : {
              repoUrl: props.repoUrl,
              targetRevision: props.targetRevision,
              path: props.path,
              directory: { recurse: props.recurse ?? false },
            },
        destination: { server: props.server, namespace: props.destinationNamespace },
        syncPolicy: {
          automated: { enabled: props.automated.enabled, prune: props.automated.prune, selfHeal: props.automated.selfHeal },
          syncOptions: props.syncOptions && props.syncOptions.length > 0 ? [...props.syncOptions] : undefined,
          retry: props.retry
            ? { limit: props.retry.limit, backoff: { duration: props.retry.backoff.duration, factor: props.retry.backoff.factor, maxDuration: props.retry.backoff.maxDuration } }
            : undefined,
          managedNamespaceMetadata: props.managedNamespaceMetadata
            ? { labels: props.managedNamespaceMetadata.labels && { ...props.managedNamespaceMetadata.labels }, annotations: props.managedNamespaceMetadata.annotations && { ...props.managedNamespaceMetadata.annotations } }
            : undefined,
        },
        ignoreDifferences:
          props.ignoreDifferences && props.ignoreDifferences.length > 0
            ? props.ignoreDifferences.map((d) => ({
                group: d.group,
                kind: d.kind,
                name: d.name,
                namespace: d.namespace,
                jsonPointers: d.jsonPointers.length > 0 ? [...d.jsonPointers] : undefined,
                jqPathExpressions: d.jqPathExpressions && d.jqPathExpressions.length > 0 ? [...d.jqPathExpressions] : undefined,
              }))
            : undefined,
        info: props.info ? Object.entries(props.info).map(([name, value]) => ({ name, value })) : undefined,
      },
    });
  }
}
