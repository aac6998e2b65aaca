/**
 * Folder suites. jest gives every test file a module registry of its own, so a file that loads
 * the app pays for cdk8s, the generated bindings and the app once more, plus jest's own set-up:
 * about a tenth of a second of CPU per file, across ninety files the largest overhead of the
 * suite. The specs of a folder (`*.spec.ts`, one per subject) therefore run as one jest suite:
 * `test/<suite>.test.ts` loads every spec of its folders, in name order. Tests that mock a module,
 * set their own timeout or run child processes for seconds stay suites of their own
 * (`*.test.ts`), so that jest spreads them over the cores.
 *
 * Run one spec: `npx jest test/units.test.ts -t '<its describe name>'`.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

/** Each folder suite and the folders (under test/) whose specs it runs. */
export const SUITES: Readonly<Record<string, readonly string[]>> = {
  units: ['analysis', 'charts', 'config', 'constructs', 'dashboards', 'io', 'rules', 'scripts', 'workflows'],
  output: ['output'],
  cli: ['cli'],
  promql: ['promql'],
};

/** The spec files of a suite, in the order they run. */
export function specFiles(suite: string): string[] {
  const folders = SUITES[suite];
  if (folders === undefined) throw new Error(`no suite "${suite}"; expected one of ${Object.keys(SUITES).join(', ')}`);
  return folders.flatMap((folder) => {
    const dir = path.join(__dirname, '..', folder);
    return fs
      .readdirSync(dir)
      .filter((f) => f.endsWith('.spec.ts'))
      .sort()
      .map((f) => path.join(dir, f));
  });
}

/** Registers every spec of `suite` in the calling test file. */
export function loadSpecs(suite: string): void {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  for (const file of specFiles(suite)) require(file);
}
