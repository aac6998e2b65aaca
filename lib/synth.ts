/**
 * The synth pipeline: environments → app → objects → checks → dist/ (atomically).
 */
import { buildApp } from './app';
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
}

/** Everything synth would write, in memory. Throws ConfigError on bad input. */
export function synthInMemory(options: SynthOptions = {}): SynthResult {
  const environments = loadEnvironments(options.environmentsDir ?? DEFAULT_ENVIRONMENTS_DIR);
  const objects = renderObjects(buildApp(environments));
  const files = objects.map((o) => ({ path: o.path, content: toYaml(o.object) }));
  return { environments, objects, files };
}

/** Synthesizes into `outDir`; on any error nothing in `outDir` changes. Returns the exit code. */
export function synthToDisk(outDir: string, options: SynthOptions = {}): number {
  try {
    const { files } = synthInMemory(options);
    writeDistAtomically(outDir, files);
    console.log(`synthesized ${files.length} manifests into ${outDir}/`);
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
