/**
 * Synth's write path in child processes: signals at every step, SIGKILL and recovery, concurrent
 * runs, stale locks. The child (fixtures/write-driver.ts, bundled once with esbuild) goes through
 * the same trap, transaction and test hook as `npm run synth`, with a small fixture instead of
 * the app, so dozens of runs take a second. test/synth-process.test.ts runs the real entry point.
 */
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildSync } from 'esbuild';
import { REPO_ROOT } from '../../lib/paths';
import { Version, docsFiles, outputFiles, tree } from './fixtures/write-fixture';
import { OWNERSHIP_RECORD, recordText, recoverOutput } from '../../lib/output/transaction';
import { writeSynthOutput } from '../../lib/output/write-output';

// Child processes: slow on a loaded machine, never a timing assertion.
jest.setTimeout(60_000);

// Under the repository (the code finds the root by walking up from the bundle).
const scratchRoot = path.join(REPO_ROOT, 'node_modules', '.cache', 'exam-test-write');
fs.mkdirSync(scratchRoot, { recursive: true });
const work = fs.mkdtempSync(path.join(scratchRoot, 'run-'));
const driver = path.join(work, 'write-driver.js');
buildSync({ entryPoints: [path.join(__dirname, 'fixtures', 'write-driver.ts')], bundle: true, platform: 'node', target: 'node20', format: 'cjs', outfile: driver, logLevel: 'error' });
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

/** The whole base folder of a finished version: output, docs, their records, nothing else. */
function expected(version: Version): Record<string, string> {
  const out: Record<string, string> = {};
  const add = (folder: string, files: { path: string; content: string }[]): void => {
    out[`${folder}/`] = '';
    for (const f of files) {
      const parts = f.path.split('/');
      for (let i = 1; i < parts.length; i++) out[`${folder}/${parts.slice(0, i).join('/')}/`] = '';
      out[`${folder}/${f.path}`] = f.content;
    }
    out[`${folder}/${OWNERSHIP_RECORD}`] = recordText(files.map((f) => f.path));
  };
  add('out', outputFiles(version));
  add('docs', docsFiles(version));
  return out;
}

let counter = 0;
/** A base folder holding version a (written in-process: the same code, no child needed). */
async function baseWithA(): Promise<string> {
  const base = path.join(work, `case-${counter++}`);
  fs.mkdirSync(base);
  await writeSynthOutput(path.join(base, 'out'), outputFiles('a'), docsFiles('a'));
  expect(tree(base)).toEqual(expected('a'));
  return base;
}

function run(base: string, version: Version, hook?: string): ReturnType<typeof spawnSync> {
  return spawnSync(process.execPath, [driver, path.join(base, 'out'), version], { env: { ...process.env, EXAM_SYNTH_TEST_HOOK: hook ?? '' }, encoding: 'utf8' });
}

describe('a signal at any step leaves the output all old or all new, with no temporary files', () => {
  test.each([
    ['locked', 'SIGINT', 'a'],
    ['staged:1', 'SIGTERM', 'a'],
    ['staged:12', 'SIGHUP', 'a'],
    ['prepared', 'SIGINT', 'a'],
    ['commit:0', 'SIGTERM', 'b'],
    ['commit:7', 'SIGINT', 'b'],
    ['commit:15', 'SIGTERM', 'b'],
    ['committed', 'SIGINT', 'b'],
  ] as const)('%s, %s: all %s', async (step, signal, result) => {
    const base = await baseWithA();
    const r = run(base, 'b', `${step}=${signal}`);
    expect(r.stderr).toContain(`synth: test step ${step}`);
    // The process ends by the signal (re-raised after the output is consistent).
    expect(r.signal).toBe(signal);
    expect(tree(base)).toEqual(expected(result));
  });

  test('an external SIGTERM while the commit is in progress: the commit finishes, then the process exits', async () => {
    const base = await baseWithA();
    const child = spawn(process.execPath, [driver, path.join(base, 'out'), 'b'], { env: { ...process.env, EXAM_SYNTH_TEST_HOOK: 'commit:3=sleep:300' } });
    let stderr = '';
    const ended = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, sig) => resolve(sig)));
    await new Promise<void>((resolve) =>
      child.stderr.on('data', (d: Buffer) => {
        stderr += d.toString();
        if (stderr.includes('test step commit:3')) {
          child.kill('SIGTERM');
          resolve();
        }
      }),
    );
    expect(await ended).toBe('SIGTERM');
    expect(tree(base)).toEqual(expected('b'));
  });

  test('an external SIGINT while files are being staged: nothing changes', async () => {
    const base = await baseWithA();
    const child = spawn(process.execPath, [driver, path.join(base, 'out'), 'b'], { env: { ...process.env, EXAM_SYNTH_TEST_HOOK: 'staged:2=sleep:300' } });
    const ended = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, sig) => resolve(sig)));
    child.stderr.once('data', () => child.kill('SIGINT'));
    expect(await ended).toBe('SIGINT');
    expect(tree(base)).toEqual(expected('a'));
  });
});

describe('waiting for the lock', () => {
  test('a signal while another run holds the lock ends the wait at once; the holder\'s lock stays', async () => {
    const base = await baseWithA();
    const lock = path.join(base, '.out.lock');
    fs.writeFileSync(lock, `${process.pid} ${os.hostname()} held-by-the-test\n`); // a live holder
    const child = spawn(process.execPath, [driver, path.join(base, 'out'), 'b']);
    const ended = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, sig) => resolve(sig)));
    await new Promise((resolve) => setTimeout(resolve, 500));
    child.kill('SIGINT');
    expect(await ended).toBe('SIGINT');
    expect(fs.readFileSync(lock, 'utf8')).toContain('held-by-the-test');
    fs.rmSync(lock);
    expect(tree(base)).toEqual(expected('a'));
  });
});

describe('after SIGKILL the next run recovers', () => {
  test('killed half-way through the commit: the folder is mixed, recovery restores the old output, the next run completes', async () => {
    const base = await baseWithA();
    const r = run(base, 'b', 'commit:6=SIGKILL');
    expect(r.signal).toBe('SIGKILL');
    const mixed = tree(base);
    // Really half-written: some new files, some old, the staging folder and a stale lock left.
    expect(Object.values(mixed).some((c) => c.startsWith('version: b'))).toBe(true);
    expect(Object.values(mixed).some((c) => c.startsWith('version: a'))).toBe(true);
    expect(Object.keys(mixed).some((p) => /^\.out\.\d+\.[0-9a-f]+\.tmp\/$/.test(p))).toBe(true);
    expect(mixed['.out.lock']).toMatch(/^\d+ /);

    expect(recoverOutput(base, 'out')).toEqual(['rolled back']);
    fs.rmSync(path.join(base, '.out.lock')); // recovery alone (as the next run does under the lock)
    expect(tree(base)).toEqual(expected('a'));

    expect(run(base, 'b', 'commit:6=SIGKILL').signal).toBe('SIGKILL');
    // The next run takes over the stale lock, rolls back, and writes its own output.
    expect(run(base, 'b').status).toBe(0);
    expect(tree(base)).toEqual(expected('b'));
  });

  test('killed after the commit was marked done: the next run finishes the cleanup', async () => {
    const base = await baseWithA();
    expect(run(base, 'b', 'committed=SIGKILL').signal).toBe('SIGKILL');
    expect(Object.keys(tree(base)).some((p) => p.endsWith('.tmp/'))).toBe(true);
    expect(run(base, 'a').status).toBe(0);
    expect(tree(base)).toEqual(expected('a'));
  });

  test('killed while staging: the next run discards the staged files', async () => {
    const base = await baseWithA();
    expect(run(base, 'b', 'staged:3=SIGKILL').signal).toBe('SIGKILL');
    expect(run(base, 'a').status).toBe(0);
    expect(tree(base)).toEqual(expected('a'));
  });
});

describe('concurrent runs are serialized by the lock', () => {
  test('six runs at once: each holds the lock alone, and the output is one complete version', async () => {
    const base = await baseWithA();
    const runs = (['b', 'a', 'b', 'a', 'b', 'b'] as const).map(
      (version) =>
        new Promise<{ code: number | null; out: string; err: string }>((resolve) => {
          // A pause inside the lock widens the window in which an unserialized writer would interleave.
          const child = spawn(process.execPath, [driver, path.join(base, 'out'), version], { env: { ...process.env, EXAM_SYNTH_TEST_HOOK: 'prepared=sleep:30' } });
          let out = '';
          let err = '';
          child.stdout.on('data', (d: Buffer) => (out += d.toString()));
          child.stderr.on('data', (d: Buffer) => (err += d.toString()));
          child.on('exit', (code) => resolve({ code, out, err }));
        }),
    );
    const results = await Promise.all(runs);
    for (const r of results) expect(r.code).toBe(0);
    const spans = results.map((r) => JSON.parse(r.out) as { locked: number; unlocking: number }).sort((x, y) => x.locked - y.locked);
    for (let i = 1; i < spans.length; i++) expect(spans[i].locked).toBeGreaterThanOrEqual(spans[i - 1].unlocking);
    const final = tree(base);
    expect([expected('a'), expected('b')]).toContainEqual(final);
  });

  test('a lock left by a dead process is taken over', async () => {
    const base = await baseWithA();
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout;
    fs.writeFileSync(path.join(base, '.out.lock'), `${dead} ${os.hostname()} 0123\n`);
    expect(run(base, 'b').status).toBe(0);
    expect(tree(base)).toEqual(expected('b'));
  });
});
