import { Construct } from 'constructs';
import type { GroupKind, ProjectRoleSpec, SyncWindowSpec } from '../config/gitops';
import { AppProject } from '../../imports/argoproj.io';
import { isDnsLabel } from '../rules/names';
import { commonLabels } from './labels';

/** A place Applications of the project may deploy to. */
export interface ProjectDestination {
  /** The cluster's API server URL. */
  readonly server: string;
  /** One namespace, spelled out (never a pattern). */
  readonly namespace: string;
}

/**
 * A project role bound to SSO groups (at least one); its permissions are written as
 * `p, proj:<project>:<role>, <resource>, <action>, <project>/*, allow`.
 */
export type ProjectRole = ProjectRoleSpec;

export interface ArgoCdProjectProps {
  readonly name: string;
  /** Argo CD's namespace. */
  readonly namespace: string;
  readonly description: string;
  /** Repository URLs (https, or an OCI registry path without `oci://`), spelled out (no `*`). */
  readonly sourceRepos: readonly string[];
  /** Exactly the namespaces the project's Applications write to (no `*`). */
  readonly destinations: readonly ProjectDestination[];
  /**
   * Cluster-scoped kinds the Applications may sync, one by one.
   * @default none: the project syncs no cluster-scoped object
   */
  readonly clusterResources?: readonly GroupKind[];
  /** Namespaced kinds the Applications may sync, one by one (at least one kind, namespaced or cluster-scoped). */
  readonly namespacedResources: readonly GroupKind[];
  /** @default none (only Argo CD admins act on the project) */
  readonly roles?: readonly ProjectRole[];
  /** @default none */
  readonly syncWindows?: readonly SyncWindowSpec[];
  /**
   * Warn about objects of admitted kinds that no Application manages (someone ran kubectl).
   * @default false
   */
  readonly warnOnOrphans?: boolean;
  /** Extra labels. @default none */
  readonly labels?: Readonly<Record<string, string>>;
}

const HTTPS_URL = /^https:\/\/\S+$/;
/** An OCI Helm registry path as Argo CD spells it: host and path, without `oci://`. */
const OCI_REPOSITORY = /^[a-z0-9.-]+\.[a-z]{2,}(:[0-9]+)?(\/[a-z0-9._-]+)+$/;
const CRON = /^\S+ \S+ \S+ \S+ \S+$/;
const GO_DURATION = /^([0-9]+h)?([0-9]+m)?([0-9]+s)?$/;
const ACTION = /^(get|sync|action\/[a-z0-9.]*\/[A-Za-z]+\/(\*|[a-z-]+))$/;

/**
 * An Argo CD AppProject that admits exactly what it lists: named repositories, named
 * namespaces, kinds one by one. Role policies are written here, scoped to this project, so
 * that a role can never reach outside it.
 */
export class ArgoCdProject extends Construct {
  public readonly name: string;

  constructor(scope: Construct, id: string, props: ArgoCdProjectProps) {
    super(scope, id);
    const fail = (what: string, expected: string): never => {
      throw new Error(`ArgoCdProject ${props.name}: ${what}; expected ${expected}`);
    };
    if (!isDnsLabel(props.name)) fail(`name "${props.name}" is not a Kubernetes name`, 'lower-case letters, digits and "-"');
    if (props.sourceRepos.length === 0) fail('no sourceRepos', 'at least this repository');
    for (const repo of props.sourceRepos) {
      if (repo.includes('*') || !(HTTPS_URL.test(repo) || OCI_REPOSITORY.test(repo))) {
        fail(`source repo "${repo}" is a pattern, or neither an https URL nor an OCI registry path`, 'a repository spelled out');
      }
    }
    if (props.destinations.length === 0) fail('no destinations', 'the namespaces its Applications deploy to');
    const seen = new Set<string>();
    for (const d of props.destinations) {
      if (d.server.includes('*') || d.namespace.includes('*') || !isDnsLabel(d.namespace)) {
        fail(`destination ${d.server} ${d.namespace} is a pattern or not a namespace name`, 'one namespace spelled out');
      }
      const key = `${d.server} ${d.namespace}`;
      if (seen.has(key)) fail(`destination ${key} is listed twice`, 'each destination once');
      seen.add(key);
    }
    if (props.namespacedResources.length === 0 && (props.clusterResources ?? []).length === 0) fail('no kinds', 'the kinds its Applications sync');
    for (const gk of [...(props.clusterResources ?? []), ...props.namespacedResources]) {
      if (gk.kind === '*' || gk.group === '*' || !/^[A-Z][A-Za-z]*$/.test(gk.kind)) fail(`kind "${gk.group}/${gk.kind}" is a pattern`, 'one kind spelled out');
    }
    const roleNames = new Set<string>();
    for (const role of props.roles ?? []) {
      if (roleNames.has(role.name)) fail(`role "${role.name}" is defined twice`, 'unique role names');
      roleNames.add(role.name);
      if (role.groups.length === 0) fail(`role "${role.name}" has no SSO group`, 'at least one group');
      for (const p of role.permissions) {
        if (!ACTION.test(p.action)) fail(`role "${role.name}": action "${p.action}" is not allowed`, 'get, sync or action/<group>/<Kind>/<action>');
      }
    }
    for (const w of props.syncWindows ?? []) {
      if (!CRON.test(w.schedule)) fail(`sync window schedule "${w.schedule}" is not a 5-field cron`, 'e.g. "0 7 * * 1-6"');
      if (!GO_DURATION.test(w.duration) || w.duration === '') fail(`sync window duration "${w.duration}" is not a duration`, 'e.g. "5h15m"');
      if (w.applications.length === 0) fail('a sync window names no application', 'the Applications it holds back');
    }
    const windowKeys = (props.syncWindows ?? []).map((w) => `${w.kind} ${w.schedule} ${w.duration}`);
    if (new Set(windowKeys).size !== windowKeys.length) fail('two sync windows share kind, schedule and duration', 'distinct windows (Argo CD rejects duplicates)');

    this.name = props.name;
    new AppProject(this, 'project', {
      metadata: {
        name: props.name,
        namespace: props.namespace,
        labels: { ...commonLabels('gitops'), ...props.labels },
      },
      spec: {
        description: props.description,
        sourceRepos: [...props.sourceRepos],
        destinations: props.destinations.map((d) => ({ server: d.server, namespace: d.namespace })),
        clusterResourceWhitelist: (props.clusterResources ?? []).map((gk) => ({ group: gk.group, kind: gk.kind })),
        namespaceResourceWhitelist: props.namespacedResources.map((gk) => ({ group: gk.group, kind: gk.kind })),
        roles: props.roles?.map((r) => ({
          name: r.name,
          description: r.description,
          groups: [...r.groups],
          policies: r.permissions.map((p) => `p, proj:${props.name}:${r.name}, ${p.resource}, ${p.action}, ${props.name}/*, allow`),
        })),
        syncWindows: props.syncWindows?.map((w) => ({
          kind: w.kind,
          schedule: w.schedule,
          duration: w.duration,
          timeZone: w.timeZone,
          applications: [...w.applications],
          manualSync: w.manualSync,
          description: w.description,
        })),
        orphanedResources: props.warnOnOrphans ? { warn: true } : undefined,
      },
    });
  }
}
