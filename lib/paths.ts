import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * The repository root: the nearest folder above this file that holds cdk8s.yaml. Found by
 * walking up rather than by a fixed `..` count, so that it is the same whether the code runs
 * from its sources or from the bundle synth runs (scripts/synth.js).
 */
function findRoot(start: string): string {
  for (let dir = start; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'cdk8s.yaml'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`no cdk8s.yaml above ${start}`);
  }
}

export const REPO_ROOT = findRoot(__dirname);

/** The environment files (one per environment). */
export const ENVIRONMENTS_DIR = path.join(REPO_ROOT, 'environments');
