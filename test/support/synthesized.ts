/**
 * The repository's synth output, rendered once per jest run.
 *
 * jest gives every test file a fresh module registry, so a file that calls `synthInMemory()`
 * pays for loading cdk8s, the generated bindings and the whole app, then rendering every chart.
 * `globalSetup` (test/support/global-setup.ts) renders once, before the workers start, into a
 * cache file keyed on the hash of every input (lib/, imports/, environments/, main.ts, the
 * lockfile); the test files read that file. A test that needs other inputs (a scratch copy of
 * environments/, a changed construct) still calls `synthInMemory` itself.
 */
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadEnvironments } from '../../lib/config/load';
import type { SynthResult } from '../../lib/synth';

const ROOT = path.resolve(__dirname, '..', '..');

/** What the cache holds: synthInMemory's result without the loaded environments. */
type Cached = Pick<SynthResult, 'objects' | 'files' | 'docs' | 'extraDocs'>;

/** The inputs whose content decides the output. */
const INPUTS = ['lib', 'imports', 'environments', 'main.ts', 'package-lock.json', 'test/support/synthesized.ts'];

function listFiles(rel: string, out: string[]): void {
  const abs = path.join(ROOT, rel);
  if (!fs.existsSync(abs)) return;
  if (!fs.statSync(abs).isDirectory()) {
    out.push(rel);
    return;
  }
  for (const e of fs.readdirSync(abs, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    listFiles(`${rel}/${e.name}`, out);
  }
}

/** sha256 over the path and content of every input file. */
export function sourceHash(): string {
  const files: string[] = [];
  for (const input of INPUTS) listFiles(input, files);
  const hash = crypto.createHash('sha256');
  for (const f of files) hash.update(`${f}\0`).update(fs.readFileSync(path.join(ROOT, f))).update('\0');
  return hash.digest('hex').slice(0, 32);
}

/** The cache file for the current inputs (under the gitignored .build/). */
export function cacheFile(hash: string = sourceHash()): string {
  return path.join(ROOT, '.build', 'jest', `synth-${hash}.json`);
}

/** Renders and writes the cache file unless it exists; returns its path. Run by globalSetup. */
export function prepareCache(): string {
  const file = cacheFile();
  if (fs.existsSync(file)) return file;
  // Loaded here, not at the top: a warm run never loads the app in the parent process.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { synthInMemory } = require('../../lib/synth') as typeof import('../../lib/synth');
  const { objects, files, docs, extraDocs } = synthInMemory();
  fs.mkdirSync(path.dirname(file), { recursive: true });
  // Entries for other sources: remove those older than an hour (a run that started a moment
  // ago, before an edit, may still be reading its own).
  for (const old of fs.readdirSync(path.dirname(file))) {
    const oldPath = path.join(path.dirname(file), old);
    if (Date.now() - fs.statSync(oldPath).mtimeMs > 3_600_000) fs.rmSync(oldPath, { force: true });
  }
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify({ objects, files, docs, extraDocs } satisfies Cached));
  fs.renameSync(tmp, file);
  return file;
}

/** Set by globalSetup for the workers. */
export const CACHE_ENV = 'EXAM_DELIVERY_SYNTH_CACHE';

let memo: SynthResult | undefined;

/**
 * `synthInMemory()` over the repository's own environments/, from the per-run cache (the
 * environments are loaded here: that is cheap). Shared by the tests of one file: deep-copy an
 * object before editing it.
 */
export function synthesized(): SynthResult {
  if (memo === undefined) {
    const prepared = process.env[CACHE_ENV];
    const file = prepared !== undefined && fs.existsSync(prepared) ? prepared : prepareCache();
    memo = { environments: loadEnvironments(), ...(JSON.parse(fs.readFileSync(file, 'utf8')) as Cached) };
  }
  return memo;
}
