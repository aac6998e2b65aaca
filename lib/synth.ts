/**
 * The synth pipeline: environments → app → objects → checks → dist/ and docs/ (one transaction,
 * touching only synth's own files; lib/output/write-output.ts and lib/output/transaction.ts).
 */
import { renderApp } from './app';
import { ADDON_INVENTORY } from './config/addon-inventory';
import { renderAddonDocs, renderBootstrapValues } from './output/addon-docs';
import { renderEnvironmentDocs } from './output/environment-docs';
import { RELEASE_LOOP_DOCS, renderReleaseLoopDocs } from './output/release-loop-docs';
import { ConfigError, DEFAULT_ENVIRONMENTS_DIR, Environment, loadEnvironments } from './config/load';
import { RenderedObject, toYaml } from './output/render';
import { OutputFile, OwnershipError } from './output/transaction';
import { Memo, NO_MEMO } from './rules/memo';
import { ENVIRONMENT_DOCS, WriteOutputOptions, checkOutDir, docsDirFor, resolveOutDir, shownPath, signalExitCode, writeSynthOutput } from './output/write-output';

export interface SynthOptions {
  /** @default the repository's environments/ */
  readonly environmentsDir?: string;
  /**
   * Keeps the results of the pure steps (parsing the files, the YAML of each object, ...) between
   * runs (lib/rules/memo.ts, lib/io/disk-memo.ts).
   * @default NO_MEMO
   */
  readonly memo?: Memo;
}

export interface SynthResult {
  readonly environments: readonly Environment[];
  readonly objects: readonly RenderedObject[];
  readonly files: readonly OutputFile[];
  /** docs/environments.md, rendered from the same objects. */
  readonly docs: string;
  /** Further generated files under docs/ (path relative to docs/): the add-on order, the bootstrap values. */
  readonly extraDocs: readonly OutputFile[];
}

/** The environments and every object synth renders from them, without serializing anything. Throws ConfigError on bad input. */
export function synthObjects(options: Pick<SynthOptions, 'environmentsDir' | 'memo'> = {}): Pick<SynthResult, 'environments' | 'objects'> {
  const environments = loadEnvironments(options.environmentsDir ?? DEFAULT_ENVIRONMENTS_DIR, new Map(), options.memo);
  return { environments, objects: renderApp(environments, { memo: options.memo }) };
}

/** Everything synth would write, in memory. Throws ConfigError on bad input. */
export function synthInMemory(options: SynthOptions = {}): SynthResult {
  const { environments, objects } = synthObjects(options);
  const memo = options.memo ?? NO_MEMO;
  const files = objects.map((o) => ({ path: o.path, content: memo.get('yaml', JSON.stringify(o.object), () => toYaml(o.object)) }));
  const docs = renderEnvironmentDocs(environments, objects.map((o) => o.object), memo);
  const extraDocs = [
    { path: 'addons.md', content: renderAddonDocs(objects, ADDON_INVENTORY) },
    { path: 'bootstrap/argo-cd-values.yaml', content: memo.get('bootstrap-values', '', renderBootstrapValues) },
    { path: RELEASE_LOOP_DOCS, content: renderReleaseLoopDocs(environments, objects.map((o) => o.object)) },
  ];
  return { environments, objects, files, docs, extraDocs };
}

/**
 * Synthesizes into `outDir` (relative to the repository root) and the docs folder next to it.
 * On a bad configuration, a throwing construct, a foreign file in the way, an I/O error or a
 * signal before the commit, nothing changes. Returns the exit code (128 + n after signal n).
 */
export async function synthToDisk(outDir: string, options: SynthOptions & WriteOutputOptions = {}): Promise<number> {
  const out = resolveOutDir(outDir);
  const where = `${shownPath(out)}/ and ${shownPath(docsDirFor(out))}/${ENVIRONMENT_DOCS}`;
  try {
    checkOutDir(out); // before the work: the repository root is refused at once
    const { files, docs, extraDocs } = synthInMemory(options);
    const result = await writeSynthOutput(out, files, [{ path: ENVIRONMENT_DOCS, content: docs }, ...extraDocs], options);
    if (typeof result === 'string') {
      console.error(`synth interrupted by ${result} before writing: ${where} left unchanged`);
      return signalExitCode(result);
    }
    console.log(`synthesized ${files.length} manifests into ${where}: ${result.written} files written, ${result.deleted} deleted, ${result.unchanged} unchanged`);
    return 0;
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(`synth failed: invalid configuration (${where} left unchanged)\n${err.message}`);
    } else if (err instanceof OwnershipError) {
      console.error(`synth refused: ${err.message}`);
    } else {
      console.error(`synth failed (${where} left unchanged): ${err instanceof Error ? err.stack ?? err.message : String(err)}`);
    }
    return 1;
  }
}
