/**
 * Which environment a git branch releases to, implemented once. The workflows ask
 * the CLI (`env-for-branch`) instead of re-typing these rules in YAML `case` statements.
 *
 * GitOps model (docs/decisions.md): every Argo CD Application tracks `main`, and an environment
 * is its folder of dist/, not a branch. The branch rules map the service repositories' refs to
 * the environment whose file takes the new image: develop and release/* → staging, hotfix/* →
 * hotfix; main → production, which takes no image directly: only digests verified in staging or
 * hotfix, through `promote` (docs/decisions.md, The release loop); every other ref (feature/*,
 * pull requests, tags) → development, which is not deployed. A bump reaches `main`, the branch
 * every Application tracks, as a pull request; nothing is force-pushed.
 */
import type { EnvironmentName } from './schema';

export interface BranchRule {
  /** A branch name, or a prefix pattern ending in `/*` (`*` matches one path segment, as in GitHub's branch filters). */
  readonly pattern: string;
  readonly environment: EnvironmentName;
  readonly deploy: boolean;
}

/** The branches that release, in the order they are matched. Everything else is development. */
export const BRANCH_RULES: readonly BranchRule[] = [
  // Production takes only promoted, verified digests: a build of main deploys nothing directly.
  { pattern: 'main', environment: 'production', deploy: false },
  { pattern: 'develop', environment: 'staging', deploy: true },
  { pattern: 'release/*', environment: 'staging', deploy: true },
  { pattern: 'hotfix/*', environment: 'hotfix', deploy: true },
];

/** Where every other ref goes: built and checked, never deployed. */
export const DEFAULT_ENVIRONMENT: EnvironmentName = 'development';

/** The patterns of the branches whose builds go straight into an environment (staging, hotfix). */
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
}

/** The GitOps part of an environment that this module needs. */
export interface TrackedEnvironment {
  readonly name: EnvironmentName;
  readonly gitops?: { readonly targetRevision: string };
}

/**
 * Resolves where a ref's release goes. Throws when the rules and the environment files disagree
 * (a deploying branch whose environment has no Application).
 */
export function deploymentTargetForRef(ref: string, environments: readonly TrackedEnvironment[]): DeploymentTarget {
  const base = environmentForRef(ref);
  const env = environments.find((e) => e.name === base.environment);
  if (env === undefined) throw new Error(`branch mapping: environment "${base.environment}" is not defined; expected environments/${base.environment}.yaml`);
  const targetBranch = env.gitops?.targetRevision;
  if (!base.deploy || base.rule === undefined || base.branch === undefined) {
    return { ...base, targetBranch };
  }
  if (targetBranch === undefined) {
    throw new Error(`branch mapping: ${base.rule.pattern} deploys to ${env.name}, but environments/${env.name}.yaml has no gitops.targetRevision; expected the branch its Argo CD Application tracks (main)`);
  }
  return { ...base, targetBranch };
}
