/**
 * `plan`: the object-level difference between a fresh synth and the manifests on disk (the
 * committed dist/, or another folder such as the pull request's base). Reviewers read it the way
 * they would read `argocd app diff`.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Command, Option } from 'commander';
import { loadAll } from 'js-yaml';
import { formatFreezeNotice, freezesOfPlan } from '../../analysis/freeze';
import { PlanInput, formatPlanMarkdown, formatPlanText, isEmptyPlan, planObjects } from '../../analysis/plan';
import { ConfigError } from '../../config/load';
import type { KubeObject } from '../../output/render';
import { synthObjects } from '../../synth';
import { CliContext, DEFAULT_DIST_DIR, EXIT_CHECK_FAILED, EXIT_OK, UsageError, environmentsDirOption, withExitCodes } from '../context';

function isKubeObject(v: unknown): v is KubeObject {
  if (typeof v !== 'object' || v === null) return false;
  const o = v as Record<string, unknown>;
  const meta = o.metadata as Record<string, unknown> | undefined;
  return typeof o.apiVersion === 'string' && typeof o.kind === 'string' && typeof meta === 'object' && meta !== null && typeof meta.name === 'string';
}

function yamlFiles(root: string, rel = ''): string[] {
  const out: string[] = [];
  const entries = fs.readdirSync(path.join(root, rel), { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const e of entries) {
    const child = rel === '' ? e.name : `${rel}/${e.name}`;
    if (e.isDirectory()) out.push(...yamlFiles(root, child));
    else if (e.isFile() && /\.ya?ml$/.test(e.name)) out.push(child);
  }
  return out;
}

/** Every Kubernetes object in the YAML files under `dir` (recursively), with its relative path. */
export function readManifestDir(dir: string): PlanInput[] {
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) throw new UsageError(`${dir}: not a folder; expected a folder of manifests such as dist/`);
  const out: PlanInput[] = [];
  for (const rel of yamlFiles(dir)) {
    const text = fs.readFileSync(path.join(dir, ...rel.split('/')), 'utf8');
    let docs: unknown[];
    try {
      // js-yaml wrote these files (lib/output/render.ts), and reads them back several times faster than a parser that keeps positions.
      docs = loadAll(text);
    } catch (err) {
      throw new UsageError(`${rel}: not valid YAML: ${(err as Error).message.split('\n')[0]}`);
    }
    for (const value of docs) {
      if (value === null || value === undefined) continue;
      if (!isKubeObject(value)) throw new UsageError(`${rel}: expected a Kubernetes object with apiVersion, kind and metadata.name`);
      out.push({ path: rel, object: value });
    }
  }
  return out;
}

export type PlanFormat = 'text' | 'markdown';

export interface PlanOptions {
  readonly environmentsDir: string;
  readonly distDir: string;
  readonly format: PlanFormat;
  /** How the compared folder is named in the output. @default the folder's base name */
  readonly label?: string;
  /** When the change would merge: a change landing in an exam-session freeze says so. @default no freeze check */
  readonly at?: Date;
}

/** Synthesizes in memory, compares with `distDir`, and returns the report and whether anything differs. */
export function runPlan(options: PlanOptions): { readonly report: string; readonly differs: boolean } {
  const committed = readManifestDir(options.distDir);
  let fresh: PlanInput[];
  try {
    fresh = synthObjects({ environmentsDir: options.environmentsDir }).objects.map((o) => ({ path: o.path, object: o.object }));
  } catch (err) {
    if (err instanceof ConfigError) throw new UsageError(`cannot synthesize: invalid configuration (run validate)\n${err.message}`);
    throw err;
  }
  const plan = planObjects(committed, fresh);
  const label = options.label ?? `${path.basename(options.distDir)}/`;
  const body = options.format === 'markdown' ? formatPlanMarkdown(plan, label) : formatPlanText(plan, label);
  const freezes = options.at === undefined ? [] : freezesOfPlan(plan, fresh.map((f) => f.object), options.at);
  const report = formatFreezeNotice(freezes, options.at ?? new Date(0), options.format === 'markdown') + body;
  return { report, differs: !isEmptyPlan(plan) };
}

/** An ISO 8601 instant with a zone (`Z` or an offset); anything else is a usage error. */
export function parseInstant(text: string): Date {
  const d = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(text) ? new Date(text) : undefined;
  if (d === undefined || Number.isNaN(d.getTime())) throw new UsageError(`--at ${text}: expected an ISO 8601 time with a zone, e.g. 2026-09-07T00:30Z`);
  return d;
}

/** The CLI's default `--at`: the clock (the plan of a pull request opened now). */
function now(): Date {
  // eslint-disable-next-line no-restricted-syntax -- the freeze notice is about the moment the plan is made; synth never reads the clock
  return new Date();
}

export function registerPlan(program: Command, ctx: CliContext): void {
  withExitCodes(
    program
      .command('plan')
      .description('Show the objects a fresh synth adds, changes (field by field, old → new) and removes, compared with the manifests on disk.')
      .addOption(new Option('--format <format>', 'output format (markdown is the pull request job summary)').choices(['text', 'markdown']).default('text'))
      .addOption(new Option('--exit-code', 'exit with 1 when there are differences'))
      .addOption(new Option('--dist-dir <dir>', 'the manifests to compare with, e.g. the base branch\'s dist/').default(DEFAULT_DIST_DIR, 'the repository\'s dist/'))
      .addOption(new Option('--label <text>', 'how the compared manifests are named in the output'))
      .addOption(new Option('--at <time>', 'when the change would merge (ISO 8601, e.g. 2026-09-07T00:30Z): changes landing in an exam-session freeze say so').default(undefined, 'now'))
      .addOption(environmentsDirOption())
      .action((opts: { format: PlanFormat; exitCode?: boolean; distDir: string; label?: string; at?: string; environmentsDir: string }) => {
        const at = opts.at === undefined ? now() : parseInstant(opts.at);
        const { report, differs } = runPlan({ environmentsDir: opts.environmentsDir, distDir: opts.distDir, format: opts.format, label: opts.label, at });
        ctx.io.out(report);
        ctx.exitCode = differs && opts.exitCode === true ? EXIT_CHECK_FAILED : EXIT_OK;
      }),
  );
}
