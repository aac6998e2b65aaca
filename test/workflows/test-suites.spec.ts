/**
 * The folder suites (test/support/specs.ts): every spec runs, in exactly one suite, and every
 * suite file loads its own folders. A spec outside the suites' folders would never run.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { SUITES, specFiles } from '../support/specs';

const TEST = path.resolve(__dirname, '..');

function files(dir: string, suffix: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === '__snapshots__' || e.name === 'fixtures' ? [] : files(full, suffix);
    return e.name.endsWith(suffix) ? [full] : [];
  });
}

describe('folder suites', () => {
  test('every spec under test/ is run by exactly one suite', () => {
    const run = Object.keys(SUITES).flatMap((s) => specFiles(s));
    expect(new Set(run).size).toBe(run.length);
    expect([...run].sort()).toEqual(files(TEST, '.spec.ts').sort());
  });

  test('each suite is a test file that loads its own folders', () => {
    for (const suite of Object.keys(SUITES)) {
      expect(fs.readFileSync(path.join(TEST, `${suite}.test.ts`), 'utf8')).toContain(`loadSpecs('${suite}');`);
    }
  });

  test('a test file inside a suite folder is a suite of its own for a reason the folder suite cannot give (a module mock, a timeout, seconds of child processes)', () => {
    const own = files(TEST, '.test.ts').filter((f) => path.dirname(f) !== TEST);
    for (const file of own) {
      const text = fs.readFileSync(file, 'utf8');
      expect([path.relative(TEST, file), /jest\.mock\(|jest\.setTimeout\(|spawn\(|testRules(Batch)?\(/.test(text)]).toEqual([path.relative(TEST, file), true]);
    }
  });
});

describe("jest's runtime with V8's code cache (test/support/code-cache-runtime.js)", () => {
  test('is in use: this spec was compiled through it, and its cache file holds the hash of its source', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { cacheFileOf } = require('../support/code-cache-runtime.js') as { cacheFileOf(filename: string): string };
    expect(fs.existsSync(cacheFileOf(__filename))).toBe(true);
    expect(fs.statSync(cacheFileOf(__filename)).size).toBeGreaterThan(20);
  });
});
