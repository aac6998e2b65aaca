/** scripts/synth-bundle.js: the bundle cache is keyed on the sources' content, not their size or time. */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

interface Verified {
  readonly at: number;
  readonly stats: readonly string[];
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { SETTLE_MS, asciiOnly, bundle, bundleWithKey, trustedStats } = require('../../scripts/synth-bundle') as {
  SETTLE_MS: number;
  asciiOnly: (text: string) => string;
  bundle: (root: string, entry: string, cacheDir: string) => string;
  bundleWithKey: (root: string, entry: string, cacheDir: string, now?: () => number) => { file: string; key: string; checked: 'stats' | 'content' | 'built' };
  trustedStats: (verified: Verified | undefined, stats: readonly string[] | undefined) => boolean;
};

/** A project of two sources, one of them with an old modification time. */
function project(): { root: string; entry: string; value: string; cacheDir: string; old: number } {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'exam-bundle-'));
  const entry = path.join(root, 'main.ts');
  const value = path.join(root, 'value.ts');
  fs.writeFileSync(entry, "import { v } from './value';\nconsole.log(v);\n");
  fs.writeFileSync(value, "export const v: string = 'replicas-AAAA';\n");
  const old = 1_700_000_000; // a whole second, so the edited file can carry exactly the same time
  fs.utimesSync(value, old, old);
  return { root, entry, value, cacheDir: path.join(root, 'cache'), old };
}

/** Rewrites `file` with the same size and modification time. */
function sameSizeEdit(file: string, from: string, to: string, old: number): void {
  const before = fs.statSync(file);
  fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace(from, to));
  fs.utimesSync(file, old, old);
  const after = fs.statSync(file);
  expect([after.size, after.mtimeMs]).toEqual([before.size, before.mtimeMs]);
}

describe('the synth bundle cache', () => {
  test('a same-size edit that keeps the old mtime rebuilds the bundle; unchanged sources reuse it', () => {
    const { root, entry, value, cacheDir, old } = project();
    const first = bundle(root, entry, cacheDir);
    expect(fs.readFileSync(first, 'utf8')).toContain('replicas-AAAA');
    const built = fs.statSync(first);
    expect(bundle(root, entry, cacheDir)).toBe(first);
    expect(fs.statSync(first).mtimeMs).toBe(built.mtimeMs); // reused, not rebuilt

    sameSizeEdit(value, 'AAAA', 'BBBB', old);
    const text = fs.readFileSync(bundle(root, entry, cacheDir), 'utf8');
    expect(text).toContain('replicas-BBBB');
    expect(text).not.toContain('replicas-AAAA');
    expect(fs.readdirSync(cacheDir).sort()).toEqual(['bundle.js', 'manifest.json']);
  });

  test('settled sources are vouched for by their stats; a same-size, same-mtime edit still changes the ctime and rebuilds', () => {
    const { root, entry, value, cacheDir, old } = project();
    // The clock moved on: every source had been left alone for longer than SETTLE_MS when hashed.
    const later = () => Date.now() + 2 * SETTLE_MS;
    expect(bundleWithKey(root, entry, cacheDir, later).checked).toBe('built');
    const { key, checked } = bundleWithKey(root, entry, cacheDir, later);
    expect(checked).toBe('stats');

    sameSizeEdit(value, 'AAAA', 'CCCC', old);
    const rebuilt = bundleWithKey(root, entry, cacheDir, later);
    expect([rebuilt.checked, rebuilt.key === key]).toEqual(['built', false]);
    expect(fs.readFileSync(rebuilt.file, 'utf8')).toContain('replicas-CCCC');
  });

  test('sources written shortly before they were hashed are hashed again, every time, until they settle', () => {
    const { root, entry, cacheDir } = project();
    expect(bundleWithKey(root, entry, cacheDir).checked).toBe('built'); // main.ts was written a moment ago
    expect(bundleWithKey(root, entry, cacheDir).checked).toBe('content');
    expect(bundleWithKey(root, entry, cacheDir).checked).toBe('content');
  });

  test('trustedStats: equal stats of files changed well before the hashing; nothing else', () => {
    const at = 1_800_000_000_000;
    const stat = (ctimeMs: number, size = 10) => `2049:77:${size}:1700000000000000000:${BigInt(ctimeMs) * 1_000_000n}`;
    const settled = stat(at - SETTLE_MS - 1);
    expect(trustedStats({ at, stats: [settled] }, [settled])).toBe(true);
    expect(trustedStats({ at, stats: [settled] }, [stat(at - SETTLE_MS - 1, 11)])).toBe(false); // another size
    expect(trustedStats({ at, stats: [settled] }, [settled, settled])).toBe(false); // another input list
    expect(trustedStats({ at, stats: [stat(at - 5)] }, [stat(at - 5)])).toBe(false); // changed just before the hashing
    expect(trustedStats(undefined, [settled])).toBe(false);
    expect(trustedStats({ at, stats: [settled] }, undefined)).toBe(false); // an input is gone
  });

  test('the bundle is ASCII: comments of any language are escaped, and strings mean what they meant', () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'exam-bundle-'));
    const entry = path.join(root, 'main.ts');
    // The JSDoc of a class member (esbuild keeps those as they are), a string, a regular expression and an astral character.
    fs.writeFileSync(
      entry,
      "export class C {\n  /** Ce n’est pas — 考试 */\n  m(): number { return 1; }\n}\nexport const s = 'l’examen 考试 😀';\nconsole.log(s, /[’—]/.test('—'), s.length, new C().m());\n",
    );
    const file = bundle(root, entry, path.join(root, 'cache'));
    const text = fs.readFileSync(file, 'utf8');
    expect(/[\u0080-\uffff]/.test(text)).toBe(false);
    expect(text).toContain('/** Ce n\\u2019est pas \\u2014 \\u8003\\u8bd5 */');
    const run = spawnSync(process.execPath, [file], { encoding: 'utf8' });
    expect(run.stdout).toBe('l’examen 考试 😀 true 14 1\n');
    expect(asciiOnly('a’😀')).toBe('a\\u2019\\ud83d\\ude00');
  });
});
