/**
 * The real entry point (`node scripts/synth.js`, what `npm run synth` and `cdk8s synth` run) as a
 * child process: paths relative to the repository root from any working directory (and the same
 * bytes in any time zone and locale), concurrent
 * runs, signals and SIGKILL. test/output/write-output.test.ts covers every step with a small
 * fixture; these runs prove the wiring.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { stampFile } from '../lib/output/up-to-date';
import { REPO_ROOT } from '../lib/paths';
import { tree } from './output/fixtures/write-fixture';

const scratchRoot = path.join(REPO_ROOT, 'node_modules', '.cache', 'exam-test-synth');
fs.mkdirSync(scratchRoot, { recursive: true });
const work = fs.mkdtempSync(path.join(scratchRoot, 'run-'));
const outs: string[] = [];
afterAll(() => {
  fs.rmSync(work, { recursive: true, force: true });
  for (const out of outs) fs.rmSync(stampFile(out), { force: true });
});

interface Run {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly out: string;
  readonly err: string;
}

function synth(outDir: string, { cwd = REPO_ROOT, hook = '', env = {} }: { cwd?: string; hook?: string; env?: Record<string, string> } = {}): Promise<Run> {
  outs.push(path.resolve(REPO_ROOT, outDir));
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(REPO_ROOT, 'scripts', 'synth.js')], { cwd, env: { ...process.env, ...env, CDK8S_OUTDIR: outDir, EXAM_SYNTH_TEST_HOOK: hook } });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('exit', (code, signal) => resolve({ code, signal, out, err }));
  });
}

/** The repository's own output, as synth leaves it: dist/ and the generated docs pages with the records. */
function committedOutput(): Record<string, string> {
  const docs = tree(path.join(REPO_ROOT, 'docs'));
  const owned = docs['.synth-manifest'].split('\n').filter((l) => l !== '' && !l.startsWith('#'));
  // The generated pages and the folders that hold them (hand-written pages are not synth's).
  const folders = owned.flatMap((f) => f.split('/').slice(0, -1).map((_p, i, parts) => `docs/${parts.slice(0, i + 1).join('/')}/`));
  return {
    ...Object.fromEntries(Object.entries(tree(path.join(REPO_ROOT, 'dist'))).map(([k, v]) => [`dist/${k}`, v])),
    'dist/': '',
    'docs/': '',
    ...Object.fromEntries(folders.map((f) => [f, ''])),
    ...Object.fromEntries(owned.map((f) => [`docs/${f}`, docs[f]])),
    'docs/.synth-manifest': docs['.synth-manifest'],
  };
}

const base = (name: string): string => path.join(work, name);

describe('npm run synth as a process', () => {
  test('paths, concurrency, signals and SIGKILL', async () => {
    const expected = committedOutput();
    fs.mkdirSync(base('twice'));
    fs.mkdirSync(base('killed'));
    const [fromLib, one, two, term, killed] = await Promise.all([
      // From lib/, a relative CDK8S_OUTDIR is relative to the repository root. In another time
      // zone and locale too (Chatham is UTC+12:45/+13:45; Turkish upper-cases i to İ): the same bytes.
      synth(path.relative(REPO_ROOT, path.join(base('from-lib'), 'dist')), { cwd: path.join(REPO_ROOT, 'lib'), env: { TZ: 'Pacific/Chatham', LANG: 'tr_TR.UTF-8', LC_ALL: 'tr_TR.UTF-8' } }),
      // Two at once into one folder: serialized by the lock.
      synth(path.join(base('twice'), 'dist'), { hook: 'prepared=sleep:50' }),
      synth(path.join(base('twice'), 'dist'), { hook: 'prepared=sleep:50' }),
      // SIGTERM during the commit: the commit finishes, then the process ends by the signal.
      synth(path.join(base('term'), 'dist'), { hook: 'commit:100=SIGTERM' }),
      // SIGKILL half-way through the commit.
      synth(path.join(base('killed'), 'dist'), { hook: 'commit:100=SIGKILL' }),
    ]);

    expect(fromLib).toMatchObject({ code: 0, err: '' });
    expect(fromLib.out).toMatch(/^synthesized \d+ manifests into node_modules\/\.cache\/exam-test-synth\/run-\w+\/from-lib\/dist\/ and /);
    expect(tree(base('from-lib'))).toEqual(expected);
    expect(fs.existsSync(path.join(REPO_ROOT, 'lib', 'node_modules'))).toBe(false);

    expect([one.code, two.code]).toEqual([0, 0]);
    expect(tree(base('twice'))).toEqual(expected);

    expect(term.signal).toBe('SIGTERM');
    expect(tree(base('term'))).toEqual(expected);

    expect(killed.signal).toBe('SIGKILL');
    expect(Object.keys(tree(base('killed'))).some((p) => /^\.dist\.\d+\.[0-9a-f]+\.tmp\/$/.test(p))).toBe(true);
    const again = await synth(path.join(base('killed'), 'dist'));
    expect(again).toMatchObject({ code: 0, err: '' });
    expect(tree(base('killed'))).toEqual(expected);
    // Nothing changed since: the next synth stops before loading the app.
    expect((await synth(path.join(base('killed'), 'dist'))).out).toMatch(/killed\/dist\/ and .*\/docs\/environments\.md are up to date: nothing they depend on changed since the last synth\n$/);
    // V8's code cache of the bundle, made after a full render, is headed by the bundle's content key.
    const cacheDir = path.join(REPO_ROOT, 'node_modules', '.cache', 'exam-delivery-synth');
    const { key } = JSON.parse(fs.readFileSync(path.join(cacheDir, 'manifest.json'), 'utf8')) as { key: string };
    const codeCache = fs.readFileSync(path.join(cacheDir, 'bundle.v8cache'));
    expect(codeCache.subarray(0, codeCache.indexOf(0x0a)).toString()).toBe(`${key} full`);
    expect(codeCache.length).toBeGreaterThan(1_000_000);
  }, 60_000);
});
