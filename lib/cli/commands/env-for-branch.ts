/**
 * `env-for-branch <ref>`: the environment a service repository's git ref releases to, whether it
 * deploys, and where the pipeline commits the image bump (lib/config/branches.ts): every Argo CD
 * Application tracks `main`. A ref git itself would refuse (`git check-ref-format`) is a usage error. With `--github-output` it prints
 * `key=value` lines for `$GITHUB_OUTPUT`, so workflows never re-type the mapping.
 */
import { Argument, Command, Option } from 'commander';
import { DeploymentTarget, deploymentTargetForRef } from '../../config/branches';
import { ConfigError, loadEnvironments } from '../../config/load';
import { refNameProblem } from '../../rules/git-ref';
import { CliContext, EXIT_OK, UsageError, environmentsDirOption, line, withExitCodes } from '../context';

/** Undefined when git accepts `ref`: a full ref (`refs/...`), or a branch name; otherwise what git expects. */
export function refProblem(ref: string): string | undefined {
  if (ref.startsWith('refs/heads/')) return refNameProblem(ref.slice('refs/heads/'.length), { branch: true }) ?? refNameProblem(ref);
  if (ref.startsWith('refs/')) return refNameProblem(ref);
  return refNameProblem(ref, { branch: true });
}

export function resolveRef(ref: string, environmentsDir: string): DeploymentTarget {
  const problem = refProblem(ref);
  if (problem !== undefined) throw new UsageError(`invalid ref ${JSON.stringify(ref)}: ${problem}`);
  try {
    return deploymentTargetForRef(ref, loadEnvironments(environmentsDir));
  } catch (err) {
    if (err instanceof ConfigError) throw new UsageError(`invalid configuration (run validate)\n${err.message}`);
    throw err;
  }
}

/** `key=value` lines for $GITHUB_OUTPUT. Keys are stable: workflows read them. */
export function githubOutput(t: DeploymentTarget): string {
  return [
    `branch=${t.branch ?? ''}`,
    `environment=${t.environment}`,
    `deploy=${t.deploy}`,
    `target-branch=${t.targetBranch ?? ''}`,
  ].join('\n') + '\n';
}

export function describeTarget(ref: string, t: DeploymentTarget): string {
  const direct = t.deploy ? 'deploys' : t.rule !== undefined ? 'takes only promoted, verified digests: nothing deploys directly' : 'not deployed';
  const lines = [`${ref} → ${t.environment} (${direct})`];
  if (t.branch === undefined) lines.push('  not a branch: builds and checks only');
  lines.push(`  Argo CD tracks: ${t.targetBranch ?? '(no Application)'}`);
  if (t.deploy) lines.push(`  the image reaches environments/${t.environment}.yaml through a pull request to ${t.targetBranch}`);
  return lines.join('\n') + '\n';
}

export function registerEnvForBranch(program: Command, ctx: CliContext): void {
  withExitCodes(
    program
      .command('env-for-branch')
      .description('Print the environment a service repository\'s git ref releases to, whether it deploys, and the branch Argo CD tracks (main).')
      .addArgument(new Argument('<ref>', 'refs/heads/<branch>, a bare branch name, or any other ref (tags and pull requests are not deployed)'))
      .addOption(new Option('--github-output', 'print branch=, environment=, deploy=, target-branch= lines for $GITHUB_OUTPUT'))
      .addOption(environmentsDirOption())
      .addHelpText('after', '\nMapping (refs of the service repositories): develop and release/* → staging; hotfix/* → hotfix; main → production, which takes only promoted, verified digests (deploy=false); anything else → development (not deployed).\nEvery Argo CD Application tracks main: a bump reaches the environment\'s file through a pull request. A ref git refuses (git check-ref-format) is a usage error.')
      .action((ref: string, opts: { githubOutput?: boolean; environmentsDir: string }) => {
        const target = resolveRef(ref, opts.environmentsDir);
        ctx.io.out(line(opts.githubOutput === true ? githubOutput(target) : describeTarget(ref, target)));
        ctx.exitCode = EXIT_OK;
      }),
  );
}
