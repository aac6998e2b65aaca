/** scripts/synth-bundle.js: the bundle cache is keyed on the sources' content, not their size or time. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { bundle } = require('../../scripts/synth-bundle') as { bundle: (root: string, entry: string, cacheDir: string) => string };

describe('the synth bundle cache', () => {
  test('a same-size edit that keeps the old mtime rebuilds the bundle; unchanged sources reuse it', () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'exam-bundle-'));
    const entry = path.join(root, 'main.ts');
    const value = path.join(root, 'value.ts');
    fs.writeFileSync(entry, "import { v } from './value';\nconsole.log(v);\n");
    fs.writeFileSync(value, "export const v: string = 'replicas-AAAA';\n");
    const old = 1_700_000_000; // a whole second, so the edited file can carry exactly the same time
    fs.utimesSync(value, old, old);
    const cacheDir = path.join(root, 'cache');

    const first = bundle(root, entry, cacheDir);
    expect(fs.readFileSync(first, 'utf8')).toContain('replicas-AAAA');
    const built = fs.statSync(first);
    expect(bundle(root, entry, cacheDir)).toBe(first);
    expect(fs.statSync(first).mtimeMs).toBe(built.mtimeMs); // reused, not rebuilt

    const before = fs.statSync(value);
    fs.writeFileSync(value, "export const v: string = 'replicas-BBBB';\n");
    fs.utimesSync(value, old, old);
    const after = fs.statSync(value);
    expect([after.size, after.mtimeMs]).toEqual([before.size, before.mtimeMs]);

    const text = fs.readFileSync(bundle(root, entry, cacheDir), 'utf8');
    expect(text).toContain('replicas-BBBB');
    expect(text).not.toContain('replicas-AAAA');
    expect(fs.readdirSync(cacheDir).sort()).toEqual(['bundle.js', 'manifest.json']);
  });
});
