/**
 * `diff <envA> <envB>`: the configuration differences between two environments, key by key
 * (the configuration-management `diff`; see docs/decisions.md, 'Operator CLI commands'): the ConfigMap data after `configFrom` is applied,
 * each service's tag, replicas, strategy and autoscaling, and the environment settings.
 */
import { Command, Option } from 'commander';
import { ConfigError, Environment, loadEnvironments } from '../../config/load';
import type { EnvironmentName } from '../../config/schema';
import { CliContext, EXIT_CHECK_FAILED, EXIT_OK, UsageError, environmentArgument, environmentsDirOption, line, withExitCodes } from '../context';

export interface DiffRow {
  /** `config.LOG_LEVEL`, `services.auth-service.tag`, `gitops.targetRevision`, ... */
  readonly key: string;
  /** undefined: not set in that environment. */
  readonly a: string | undefined;
  readonly b: string | undefined;
}

/** Every comparable setting of an environment, flattened to `key → value`. */
export function flattenEnvironment(env: Environment): Map<string, string> {
  const out = new Map<string, string>();
  out.set('namespace', env.namespace);
  out.set('ingress.webHost', env.ingress.webHost);
  out.set('ingress.apiHost', env.ingress.apiHost);
  out.set('ingress.tlsSecretName', env.ingress.tlsSecretName);
  out.set('prometheus.address', env.prometheus.address);
  out.set('release.autoPromotion', String(env.release.autoPromotion));
  if (env.gitops !== undefined) {
    out.set('gitops.targetRevision', env.gitops.targetRevision);
    out.set('gitops.automated', String(env.gitops.automated));
  }
  for (const key of Object.keys(env.config).sort()) out.set(`config.${key}`, env.config[key]);
  for (const s of env.services) {
    const p = `services.${s.name}`;
    out.set(`${p}.tag`, s.tag);
    out.set(`${p}.replicas`, String(s.replicas));
    out.set(`${p}.strategy`, s.strategy);
    if (s.autoscaling !== undefined) {
      out.set(`${p}.autoscaling.maxReplicas`, String(s.autoscaling.maxReplicas));
      out.set(`${p}.autoscaling.targetCPUUtilizationPercentage`, String(s.autoscaling.targetCPUUtilizationPercentage));
    }
    out.set(`${p}.requests`, `cpu=${s.requests.cpu} memory=${s.requests.memory}`);
    out.set(`${p}.limits`, `cpu=${s.limits.cpu} memory=${s.limits.memory}`);
  }
  return out;
}

/** The keys whose values differ (or exist on one side only), in a stable order. */
export function diffEnvironments(a: Environment, b: Environment): DiffRow[] {
  const fa = flattenEnvironment(a);
  const fb = flattenEnvironment(b);
  const keys = [...fa.keys(), ...[...fb.keys()].filter((k) => !fa.has(k))];
  return keys.filter((k) => fa.get(k) !== fb.get(k)).map((key) => ({ key, a: fa.get(key), b: fb.get(key) }));
}

const UNSET = '(unset)';

/** A three-column table: key, value in A, value in B. */
export function formatDiff(rows: readonly DiffRow[], a: string, b: string): string {
  if (rows.length === 0) return `${a} and ${b} have the same configuration.\n`;
  const header = ['KEY', a.toUpperCase(), b.toUpperCase()];
  const body = rows.map((r) => [r.key, r.a ?? UNSET, r.b ?? UNSET]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => row[i].length)));
  const fmt = (cells: readonly string[]) => cells.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd();
  return [`${rows.length} difference${rows.length === 1 ? '' : 's'} between ${a} and ${b}:`, '', fmt(header), ...body.map(fmt)].join('\n') + '\n';
}

export function registerDiff(program: Command, ctx: CliContext): void {
  withExitCodes(
    program
      .command('diff')
      .description('Show the configuration differences between two environments, key by key (ConfigMap data after configFrom, per-service tag/replicas/strategy, settings).')
      .addArgument(environmentArgument('envA', 'first environment'))
      .addArgument(environmentArgument('envB', 'second environment'))
      .addOption(environmentsDirOption())
      .addOption(new Option('--exit-code', 'exit with 1 when the environments differ'))
      .action((envA: EnvironmentName, envB: EnvironmentName, opts: { environmentsDir: string; exitCode?: boolean }) => {
        let envs: Environment[];
        try {
          envs = loadEnvironments(opts.environmentsDir);
        } catch (err) {
          if (err instanceof ConfigError) throw new UsageError(`cannot diff: invalid configuration (run validate)\n${err.message}`);
          throw err;
        }
        const a = envs.find((e) => e.name === envA);
        const b = envs.find((e) => e.name === envB);
        if (a === undefined || b === undefined) throw new UsageError(`environment ${a === undefined ? envA : envB} is not loaded`);
        const rows = diffEnvironments(a, b);
        ctx.io.out(line(formatDiff(rows, envA, envB)));
        ctx.exitCode = rows.length > 0 && opts.exitCode === true ? EXIT_CHECK_FAILED : EXIT_OK;
      }),
  );
}
