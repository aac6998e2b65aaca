/**
 * Which environment a git branch releases to (see docs/decisions.md, 'Branches and environments'), implemented once. The workflows ask
 * the CLI (`env-for-branch`) instead of re-typing these rules in YAML `case` statements.
 *
 * GitOps model: the pipeline never touches a cluster. It commits the new image tag to the branch
 * the environment's Argo CD Application tracks (`gitops.targetRevision` in the environment file),
 * and Argo CD syncs from there.
 * - main → production: the bump is committed to main, which production tracks.
 * - develop → staging: the bump is committed to develop, which staging tracks.
 * - release/* → staging: staging tracks develop, and an Application follows one branch, so the
 *   release candidate's tag is committed to develop (rebased onto develop's head). Staging then
 *   runs the candidate's image with develop's manifests until the next develop build replaces
 *   that service's tag; the release branch itself keeps only code, and reaches production by
 *   merging into main, which rebuilds and bumps production.
 * - hotfix/* → hotfix: Argo CD cannot follow a wildcard, so the bump is committed to the hotfix
 *   branch itself and that commit is force-published to the one branch the hotfix Application
 *   tracks (deploy/hotfix). The last hotfix branch built is what the hotfix environment runs.
 * - every other branch (feature/*, pull requests, tags) → development, which is not deployed.
 */
import type { EnvironmentName } from './schema';

/** How a build's tag bump reaches the branch Argo CD tracks. */
export type Delivery =
  /** Commit onto the tracked branch itself (it may be the pushed branch or another one). */
  | 'commit-to-tracked'
  /** Commit onto the pushed branch, then force-push that commit to the tracked branch. */
  | 'publish-to-tracked';

export interface BranchRule {
  /** A branch name, or a prefix pattern ending in `/*` (`*` matches one path segment, as in GitHub's branch filters). */
  readonly pattern: string;
  readonly environment: EnvironmentName;
  readonly deploy: boolean;
  readonly delivery: Delivery;
}

/** The branches that release, in the order they are matched. Everything else is development. */
export const BRANCH_RULES: readonly BranchRule[] = [
  { pattern: 'main', environment: 'production', deploy: true, delivery: 'commit-to-tracked' },
  { pattern: 'develop', environment: 'staging', deploy: true, delivery: 'commit-to-tracked' },
  { pattern: 'release/*', environment: 'staging', deploy: true, delivery: 'commit-to-tracked' },
  { pattern: 'hotfix/*', environment: 'hotfix', deploy: true, delivery: 'publish-to-tracked' },
];

/** Where every other ref goes: built and checked, never deployed. */
export const DEFAULT_ENVIRONMENT: EnvironmentName = 'development';

/** The patterns of the branches whose pushes release (the release workflow's `on.push.branches`). */
export const RELEASE_BRANCH_PATTERNS: readonly string[] = BRANCH_RULES.filter((r) => r.deploy).map((r) => r.pattern);

export interface BranchEnvironment {
  /** The branch name, or undefined when the ref is not a branch (a tag, a pull request). */
  readonly branch: string | undefined;
  readonly environment: EnvironmentName;
  readonly deploy: boolean;
  /** The rule that matched; undefined for the development fallback. */
  readonly rule: BranchRule | undefined;
}

/**
 * The branch a ref names: `refs/heads/x` → `x`; a bare name `x` → `x`; any other `refs/...`
 * (tags, pull requests) → undefined.
 */
export function branchFromRef(ref: string): string | undefined {
  const trimmed = ref.trim();
  if (trimmed.startsWith('refs/heads/')) return trimmed.slice('refs/heads/'.length) || undefined;
  if (trimmed.startsWith('refs/') || trimmed === '') return undefined;
  return trimmed;
}

/** Whether a branch matches a rule pattern (`release/*` matches `release/1.2`, not `release/1/2` nor `release/`). */
export function matchesPattern(branch: string, pattern: string): boolean {
  if (pattern.endsWith('/*')) {
    const prefix = pattern.slice(0, -1);
    const rest = branch.slice(prefix.length);
    return branch.startsWith(prefix) && rest.length > 0 && !rest.includes('/');
  }
  return branch === pattern;
}

/** The environment for a git ref (`refs/heads/main`, `main`, `refs/pull/7/merge`, ...). */
export function environmentForRef(ref: string): BranchEnvironment {
  const branch = branchFromRef(ref);
  const rule = branch === undefined ? undefined : BRANCH_RULES.find((r) => matchesPattern(branch, r.pattern));
  if (rule === undefined) return { branch, environment: DEFAULT_ENVIRONMENT, deploy: false, rule: undefined };
  return { branch, environment: rule.environment, deploy: rule.deploy, rule };
}

/** What the release workflow does for a ref, with the tracked branch from the environment's config. */
export interface DeploymentTarget extends BranchEnvironment {
  /** The branch the environment's Argo CD Application tracks; undefined when it is not deployed. */
  readonly targetBranch: string | undefined;
  /** The branch the tag bump is committed to; undefined when nothing is deployed. */
  readonly commitBranch: string | undefined;
  /** Force-push the bump commit to `targetBranch` after committing it to `commitBranch`. */
  readonly forcePublish: boolean;
}

/** The GitOps part of an environment that this module needs. */
export interface TrackedEnvironment {
  readonly name: EnvironmentName;
  readonly gitops?: { readonly targetRevision: string };
}

/**
 * Resolves where a ref's release goes. Throws when the rules and the environment files disagree
 * (a deploying branch whose environment has no Application, or a force-publish onto a branch
 * people push to).
 */
export function deploymentTargetForRef(ref: string, environments: readonly TrackedEnvironment[]): DeploymentTarget {
  const base = environmentForRef(ref);
  const env = environments.find((e) => e.name === base.environment);
  if (env === undefined) throw new Error(`branch mapping: environment "${base.environment}" is not defined; expected environments/${base.environment}.yaml`);
  if (!base.deploy || base.rule === undefined || base.branch === undefined) {
    return { ...base, targetBranch: env.gitops?.targetRevision, commitBranch: undefined, forcePublish: false };
  }
  const targetBranch = env.gitops?.targetRevision;
  if (targetBranch === undefined) {
    throw new Error(`branch mapping: ${base.rule.pattern} deploys to ${env.name}, but environments/${env.name}.yaml has no gitops.targetRevision; expected the branch its Argo CD Application tracks`);
  }
  if (base.rule.delivery === 'publish-to-tracked') {
    const clash = BRANCH_RULES.find((r) => matchesPattern(targetBranch, r.pattern));
    if (clash !== undefined) {
      throw new Error(`branch mapping: ${env.name} tracks "${targetBranch}", which is a branch people push to (${clash.pattern}); expected a branch only the pipeline publishes, such as deploy/${env.name}`);
    }
    return { ...base, targetBranch, commitBranch: base.branch, forcePublish: true };
  }
  return { ...base, targetBranch, commitBranch: targetBranch, forcePublish: false };
}
