/**
 * Synth touches only its own files: it deletes only what its record lists, refuses an output
 * folder holding anything else (or the repository root), and never overwrites a hand-written page
 * in docs/. Output paths are relative to the repository root, not the working directory.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { OWNERSHIP_RECORD, OwnershipError, recordText } from '../../lib/output/transaction';
import { checkOutDir, resolveOutDir, writeSynthOutput } from '../../lib/output/write-output';
import { REPO_ROOT } from '../../lib/paths';
import { synthToDisk } from '../../lib/synth';
import { docsFiles, outputFiles, tree } from './fixtures/write-fixture';

function scratch(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'exam-own-'));
}

describe('synth deletes only files it owns', () => {
  test('the record is not a manifest to Argo CD', () => {
    // argoproj/argo-cd reposerver/repository/repository.go: a directory source reads the files
    // matching manifestFile; the record must never be parsed as an object.
    const argoCdManifestFile = /^.*\.(yaml|yml|json|jsonnet)$/;
    expect(argoCdManifestFile.test(OWNERSHIP_RECORD)).toBe(false);
    expect(argoCdManifestFile.test('configmap-x.yaml')).toBe(true);
  });

  test('files from the record that synth no longer makes are deleted; the record follows', async () => {
    const base = scratch();
    const out = path.join(base, 'out');
    await writeSynthOutput(out, outputFiles('a'), docsFiles('a'));
    expect(tree(out)['gone/configmap-old.yaml']).toBe('version: a\n');
    expect(await writeSynthOutput(out, outputFiles('b'), docsFiles('b'))).toEqual({ written: 14, deleted: 1, unchanged: 0 });
    expect(fs.existsSync(path.join(out, 'gone'))).toBe(false);
    expect(fs.readFileSync(path.join(out, OWNERSHIP_RECORD), 'utf8')).toBe(recordText(outputFiles('b').map((f) => f.path)));
  });

  test('files read back compare by their text, ASCII or not: unchanged ones are left alone', async () => {
    const out = path.join(scratch(), 'out');
    const files = [
      { path: 'staging/configmap-ascii.yaml', content: 'data:\n  LEVEL: info\n' },
      { path: 'staging/configmap-utf8.yaml', content: 'data:\n  NOTE: "l’examen 考试 😀"\n' },
    ];
    await writeSynthOutput(out, files, docsFiles('a'));
    expect(await writeSynthOutput(out, files, docsFiles('a'))).toEqual({ written: 0, deleted: 0, unchanged: 3 }); // the two files and the docs page
    const changed = [files[0], { ...files[1], content: files[1].content.replace('😀', '😁') }];
    expect(await writeSynthOutput(out, changed, docsFiles('a'))).toEqual({ written: 1, deleted: 0, unchanged: 2 });
    expect(tree(out)['staging/configmap-utf8.yaml']).toBe(changed[1].content);
  });

  test('an output folder holding files synth did not write is refused, and nothing changes', async () => {
    const base = scratch();
    const out = path.join(base, 'out');
    await writeSynthOutput(out, outputFiles('a'), docsFiles('a'));
    fs.writeFileSync(path.join(out, 'notes.txt'), 'mine\n');
    fs.mkdirSync(path.join(out, 'production', 'extra'));
    fs.writeFileSync(path.join(out, 'production', 'extra', 'keep.yaml'), 'kind: Mine\n');
    const before = tree(base);
    await expect(writeSynthOutput(out, outputFiles('b'), docsFiles('b'))).rejects.toThrow(
      new OwnershipError(
        `${out}: holds 2 file(s) synth did not write (notes.txt, production/extra/keep.yaml). Synth writes only into a folder of its own and deletes only the files listed in its ${OWNERSHIP_RECORD}; move those files away, or set CDK8S_OUTDIR to an empty or new folder. Nothing was changed.`,
      ),
    );
    expect(tree(base)).toEqual(before);
  });

  test('a folder of other files without a record (CDK8S_OUTDIR pointed elsewhere) is refused, and nothing is deleted', async () => {
    const base = scratch();
    const out = path.join(base, 'photos');
    fs.mkdirSync(out);
    fs.writeFileSync(path.join(out, 'a.jpg'), 'jpeg');
    const before = tree(base);
    await expect(writeSynthOutput(out, outputFiles('a'), docsFiles('a'))).rejects.toThrow(/photos: holds 1 file\(s\) synth did not write \(a\.jpg\)/);
    expect(tree(base)).toEqual(before);
  });

  test('a record that names a path outside its folder is refused, and nothing is deleted', async () => {
    const base = scratch();
    const out = path.join(base, 'out');
    await writeSynthOutput(out, outputFiles('a'), docsFiles('a'));
    fs.writeFileSync(path.join(base, 'precious.txt'), 'keep\n');
    fs.appendFileSync(path.join(out, OWNERSHIP_RECORD), '../precious.txt\n');
    const before = tree(base);
    await expect(writeSynthOutput(out, outputFiles('b'), docsFiles('b'))).rejects.toThrow(/\.synth-manifest:\d+: "\.\.\/precious\.txt" is not a path inside the folder/);
    expect(tree(base)).toEqual(before);
  });

  test('a symlink in the output folder is foreign and never followed', async () => {
    const base = scratch();
    const out = path.join(base, 'out');
    await writeSynthOutput(out, outputFiles('a'), docsFiles('a'));
    const elsewhere = path.join(base, 'elsewhere');
    fs.mkdirSync(elsewhere);
    fs.writeFileSync(path.join(elsewhere, 'configmap-0.yaml'), 'not synth\'s\n');
    fs.rmSync(path.join(out, 'production'), { recursive: true });
    fs.symlinkSync(elsewhere, path.join(out, 'production'));
    await expect(writeSynthOutput(out, outputFiles('b'), docsFiles('b'))).rejects.toThrow(/holds 1 file\(s\) synth did not write \(production\)/);
    expect(fs.readFileSync(path.join(elsewhere, 'configmap-0.yaml'), 'utf8')).toBe('not synth\'s\n');
  });

  test('files already holding exactly what synth writes are adopted (a dist/ from before the record)', async () => {
    const base = scratch();
    const out = path.join(base, 'out');
    for (const f of outputFiles('a')) {
      fs.mkdirSync(path.dirname(path.join(out, f.path)), { recursive: true });
      fs.writeFileSync(path.join(out, f.path), f.content);
    }
    expect(await writeSynthOutput(out, outputFiles('a'), docsFiles('a'))).toEqual({ written: 1, deleted: 0, unchanged: 13 });
    expect(fs.readFileSync(path.join(out, OWNERSHIP_RECORD), 'utf8')).toBe(recordText(outputFiles('a').map((f) => f.path)));
  });

  test('hand-written pages in docs/ are never touched; a page synth did not write is not overwritten', async () => {
    const base = scratch();
    const out = path.join(base, 'out');
    fs.mkdirSync(path.join(base, 'docs', 'runbooks'), { recursive: true });
    fs.writeFileSync(path.join(base, 'docs', 'decisions.md'), '# Decisions\n');
    fs.writeFileSync(path.join(base, 'docs', 'runbooks', 'rollback.md'), '# Rollback\n');
    await writeSynthOutput(out, outputFiles('a'), docsFiles('a'));
    await writeSynthOutput(out, outputFiles('b'), docsFiles('b'));
    expect(tree(path.join(base, 'docs'))).toEqual({
      [OWNERSHIP_RECORD]: recordText(['environments.md']),
      'decisions.md': '# Decisions\n',
      'environments.md': '# Environments (b)\n',
      'runbooks/': '',
      'runbooks/rollback.md': '# Rollback\n',
    });

    const other = scratch();
    fs.mkdirSync(path.join(other, 'docs'));
    fs.writeFileSync(path.join(other, 'docs', 'environments.md'), '# My own page\n');
    const before = tree(other);
    await expect(writeSynthOutput(path.join(other, 'out'), outputFiles('a'), docsFiles('a'))).rejects.toThrow(/docs: synth would overwrite environments\.md, which it did not write/);
    expect(tree(other)).toEqual(before);
  });
});

describe('the output folder', () => {
  test('CDK8S_OUTDIR at the repository root, or above it, is refused before any work, and nothing is deleted', async () => {
    const before = fs.readdirSync(REPO_ROOT).sort();
    for (const dir of [REPO_ROOT, '.', path.dirname(REPO_ROOT), path.parse(REPO_ROOT).root]) {
      expect(() => checkOutDir(dir)).toThrow(/is the repository root or a folder above it/);
    }
    let err = '';
    const spy = jest.spyOn(console, 'error').mockImplementation((m: string) => void (err += m));
    expect(await synthToDisk(REPO_ROOT)).toBe(1);
    spy.mockRestore();
    expect(err).toMatch(/^synth refused: .* is the repository root or a folder above it/);
    expect(fs.readdirSync(REPO_ROOT).sort()).toEqual(before);
  });

  test('a relative output folder is relative to the repository root, not the working directory', () => {
    const cwd = process.cwd();
    try {
      process.chdir(path.join(REPO_ROOT, 'lib'));
      expect(resolveOutDir('dist')).toBe(path.join(REPO_ROOT, 'dist'));
      expect(resolveOutDir('build/out')).toBe(path.join(REPO_ROOT, 'build', 'out'));
    } finally {
      process.chdir(cwd);
    }
  });
});
