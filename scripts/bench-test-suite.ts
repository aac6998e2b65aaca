/**
 * The test-suite figures of `npm run bench`: `npm test` (type-check, lint, every jest test) as a
 * whole process, cold and warm, on this machine. Goal: 30 s or less warm.
 *
 * - cold: every build cache removed first (.build/: the compiled declarations of imports/, the
 *   tsc and ESLint caches, jest's transform cache and its synth cache), as on a fresh clone
 *   after `npm ci`;
 * - warm: the median of further runs with nothing changed, as a developer reruns it.
 *
 * The machine's load average is printed with the figures: the suite uses every core, so a busy
 * machine slows it down, and figures taken under load are not comparable.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';

export interface TestSuiteFigures {
  readonly coldMs: number;
  readonly warmMs: readonly number[];
  readonly loadBefore: readonly number[];
  readonly loadAfter: readonly number[];
}

function timeNpmTest(root: string): number {
  const t0 = performance.now();
  const r = spawnSync('npm', ['test', '--silent'], { cwd: root, stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, CI: 'true' } });
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`npm test failed (exit ${r.status}): ${r.stderr?.toString().slice(-2000)}`);
  return ms;
}

/** Runs `npm test` once cold and `warmRuns` times warm. */
export function measureTestSuite(root: string, warmRuns: number): TestSuiteFigures {
  const loadBefore = os.loadavg();
  fs.rmSync(path.join(root, '.build'), { recursive: true, force: true });
  const coldMs = timeNpmTest(root);
  const warmMs = Array.from({ length: warmRuns }, () => timeNpmTest(root));
  return { coldMs, warmMs, loadBefore, loadAfter: os.loadavg() };
}

export function formatTestSuiteFigures(f: TestSuiteFigures): string {
  const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  const sorted = [...f.warmMs].sort((a, b) => a - b);
  const median = sorted[Math.floor((sorted.length - 1) / 2)];
  const load = (l: readonly number[]) => l.map((x) => x.toFixed(2)).join(' ');
  return [
    `npm test, cold (no build caches):                ${s(f.coldMs)}`,
    `npm test, warm (median of ${f.warmMs.length}: ${f.warmMs.map(s).join(', ')}): ${s(median)} (goal <= 30 s)`,
    `load average (1/5/15 min) before ${load(f.loadBefore)}, after ${load(f.loadAfter)}`,
  ].join('\n');
}
