/**
 * The output transaction under injected I/O faults (node:fs mocked): a failure while staging or at
 * any point of the commit leaves every folder exactly as it was, with no staging folder or lock
 * left; a failure of the rollback itself is recovered by the next run.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { writeSynthOutput } from '../../lib/output/write-output';
import { healFs, inject } from '../io/faults';
import { docsFiles, outputFiles, tree } from './fixtures/write-fixture';

jest.mock('node:fs', () => (jest.requireActual('../io/faults') as typeof import('../io/faults')).mockFs());
afterEach(healFs);

async function baseWithA(): Promise<{ base: string; out: string; before: Record<string, string> }> {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'exam-txn-'));
  const out = path.join(base, 'out');
  await writeSynthOutput(out, outputFiles('a'), docsFiles('a'));
  return { base, out, before: tree(base) };
}

/** Renames the commit makes (staged file into place, or a deleted file aside). */
function isCommitRename(args: unknown[]): boolean {
  return /\.out\.\d+\.[0-9a-f]+\.tmp[/\\](new|old)[/\\]\d+$/.test(String(args[0])) || /\.tmp[/\\]old[/\\]\d+$/.test(String(args[1]));
}

describe('an I/O failure puts every file back', () => {
  test.each([0, 1, 7, 14])('the commit fails at rename #%i: all old, nothing left behind', async (n) => {
    const { base, out, before } = await baseWithA();
    let commits = 0;
    inject('renameSync', (args) => isCommitRename(args) && commits++ === n);
    await expect(writeSynthOutput(out, outputFiles('b'), docsFiles('b'))).rejects.toThrow(/EIO/);
    healFs();
    expect(commits).toBeGreaterThan(n); // the fault really hit the commit
    expect(tree(base)).toEqual(before);
  });

  test('staging fails (disk full): all old, nothing left behind', async () => {
    const { base, out, before } = await baseWithA();
    inject('writeSync', (_args, call) => call === 3);
    await expect(writeSynthOutput(out, outputFiles('b'), docsFiles('b'))).rejects.toThrow(/EIO/);
    healFs();
    expect(tree(base)).toEqual(before);
  });

  test('the rollback fails too: the error says so, and the next run restores and completes', async () => {
    const { base, out } = await baseWithA();
    let commits = 0;
    // Rename #5 of the commit fails, and so does every rename back out of the backup folder.
    inject('renameSync', (args) => (isCommitRename(args) && commits++ === 5) || /\.tmp[/\\]old[/\\]\d+$/.test(String(args[0])));
    await expect(writeSynthOutput(out, outputFiles('b'), docsFiles('b'))).rejects.toThrow(/the rollback failed too: .*; the next synth restores the folders from .*\.out\.\d+\.[0-9a-f]+\.tmp/);
    healFs();
    expect(Object.keys(tree(base)).some((p) => /^\.out\..*\.tmp\/$/.test(p))).toBe(true);
    expect(await writeSynthOutput(out, outputFiles('b'), docsFiles('b'))).toEqual({ written: 14, deleted: 1, unchanged: 0 });
    const after = tree(base);
    expect(Object.keys(after).filter((p) => p.startsWith('.'))).toEqual([]);
    expect(after['out/staging/configmap-1.yaml']).toBe('version: b\nindex: 1\n');
    expect(after['out/gone/configmap-old.yaml']).toBeUndefined();
  });
});
