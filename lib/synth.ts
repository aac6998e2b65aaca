/**
 * The synth pipeline: environments → app → objects → checks → dist/ (atomically).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { buildApp } from './app';
import { ADDON_INVENTORY } from './config/addon-inventory';
import { renderAddonDocs, renderBootstrapValues } from './output/addon-docs';
import { renderEnvironmentDocs } from './output/environment-docs';
import { ConfigError, DEFAULT_ENVIRONMENTS_DIR, Environment, loadEnvironments } from './config/load';
import { RenderedObject, renderObjects, toYaml } from './output/render';
import { OutputFile, writeDistAtomically } from './output/write-dist';

export interface SynthOptions {
  /** @default the repository's environments/ */
  readonly environmentsDir?: string;
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

/** Where synth writes the docs page for an output folder: `<outDir>/../docs/environments.md`. */
export function docsFileFor(outDir: string): string {
  return path.join(path.dirname(path.resolve(outDir)), 'docs', 'environments.md');
}

/** Everything synth would write, in memory. Throws ConfigError on bad input. */
export function synthInMemory(options: SynthOptions = {}): SynthResult {
  const environments = loadEnvironments(options.environmentsDir ?? DEFAULT_ENVIRONMENTS_DIR);
  const objects = renderObjects(buildApp(environments));
  const files = objects.map((o) => ({ path: o.path, content: toYaml(o.object) }));
  const docs = renderEnvironmentDocs(environments, objects.map((o) => o.object));
  const extraDocs = [
    { path: 'addons.md', content: renderAddonDocs(objects, ADDON_INVENTORY) },
    { path: 'bootstrap/argo-cd-values.yaml', content: renderBootstrapValues() },
  ];
  return { environments, objects, files, docs, extraDocs };
}

/** Synthesizes into `outDir`; on any error nothing in `outDir` changes. Returns the exit code. */
export function synthToDisk(outDir: string, options: SynthOptions = {}): number {
  try {
    const { files, docs, extraDocs } = synthInMemory(options);
    const summary = writeDistAtomically(outDir, files);
    const docsFile = docsFileFor(outDir);
    for (const [file, content] of [[docsFile, docs], ...extraDocs.map((d) => [path.join(path.dirname(docsFile), d.path), d.content])]) {
      fs.mkdirSync(path.dirname(file), { recursive: true });
      if (!fs.existsSync(file) || fs.readFileSync(file, 'utf8') !== content) fs.writeFileSync(file, content);
    }
    console.log(
      `synthesized ${files.length} manifests into ${outDir}/ (${summary.written} written, ${summary.deleted} deleted, ${summary.unchanged} unchanged)`,
    );
    return 0;
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(`synth failed: invalid configuration (${outDir}/ left unchanged)\n${err.message}`);
    } else {
      console.error(`synth failed (${outDir}/ left unchanged): ${err instanceof Error ? err.stack ?? err.message : String(err)}`);
    }
    return 1;
  }
}
