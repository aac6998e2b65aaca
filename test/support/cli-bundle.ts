/**
 * The CLI as one file, for tests that run it as separate processes: bundled with esbuild by
 * scripts/synth-bundle.js (the bundler `npm run synth` uses) into .build/cli-bundle/, and rebuilt
 * only when the content of one of its sources changes. Starting it costs a plain `node`, where
 * `tsx` would transpile the sources in every child.
 */
import * as path from 'node:path';
import { REPO_ROOT } from '../../lib/paths';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { bundle } = require('../../scripts/synth-bundle') as { bundle(root: string, entry: string, cacheDir: string): string };

/** The path of an up-to-date bundle of lib/cli/main.ts: run it as `node <path> <command> ...`. */
export function cliBundle(): string {
  return bundle(REPO_ROOT, path.join(REPO_ROOT, 'lib', 'cli', 'main.ts'), path.join(REPO_ROOT, '.build', 'cli-bundle'));
}
