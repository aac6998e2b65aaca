import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { synthInMemory, synthToDisk } from '../lib/synth';
import { writeDistAtomically } from '../lib/output/write-dist';
import { environmentsCopy } from './helpers';

function snapshotDir(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out[path.relative(dir, p)] = fs.readFileSync(p, 'utf8');
    }
  };
  walk(dir);
  return out;
}

describe('synth is atomic', () => {
  let outDir: string;
  beforeEach(() => {
    outDir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'exam-synth-')), 'dist');
    writeDistAtomically(outDir, [{ path: 'staging/configmap-old.yaml', content: 'old: true\n' }]);
  });

  test('a valid configuration replaces the output folder completely', () => {
    const errors = jest.spyOn(console, 'log').mockImplementation(() => undefined);
    expect(synthToDisk(outDir)).toBe(0);
    errors.mockRestore();
    const files = snapshotDir(outDir);
    expect(files['staging/configmap-old.yaml']).toBeUndefined();
    expect(Object.keys(files)).toEqual(expect.arrayContaining(['production/rollout-exam-service-rollout.yaml']));
    // No staging folders left behind; the docs page sits next to the output folder.
    expect(fs.readdirSync(path.dirname(outDir)).sort()).toEqual(['dist', 'docs']);
    expect(fs.readFileSync(path.join(path.dirname(outDir), 'docs', 'environments.md'), 'utf8')).toMatch(/production/);
  });

  test.each([
    ['bad configuration', { 'staging.yaml': (t: string) => t.replace('replicas: 2, strategy: blueGreen }', 'replicas: -5, strategy: blueGreen }') }, /invalid configuration[\s\S]*services\.auth-service\.replicas/],
    ['invalid YAML', { 'production.yaml': (t: string) => `${t}\n  : : [` }, /not valid YAML/],
    ['a rule across fields', { 'production.yaml': (t: string) => t.replace('replicas: 10', 'replicas: 30') }, /services\.exam-service\.autoscaling\.maxReplicas: expected >= replicas \(30\)/],
    ['a canary the catalog cannot route', { 'staging.yaml': (t: string) => t.replace('question-service: { tag: v1.13.0-rc.1@sha256:0603b136ea61b15f8683a0aefd8e72c8d1fb8998b2f4abad1249b04c0716cf08, replicas: 2 }', 'question-service: { tag: v1.13.0-rc.1@sha256:0603b136ea61b15f8683a0aefd8e72c8d1fb8998b2f4abad1249b04c0716cf08, replicas: 2, strategy: canary }') }, /services\.question-service\.strategy: a canary needs an HTTPRoute on the Gateway whose weights Argo Rollouts sets, and question-service is not exposed/],
    ['a canary in an environment off the Gateway', { 'development.yaml': (t: string) => t.replace('exam-service: { tag: v1.13.0-dev.1, replicas: 1 }', 'exam-service: { tag: v1.13.0-dev.1, replicas: 1, strategy: canary }') }, /development\.yaml:\d+: services\.exam-service\.strategy: a canary needs an HTTPRoute on the shared Gateway, and only deployed environments \(with gitops\) are on it/],
  ])('%s: exits non-zero, names the problem, and leaves the output untouched', (_label, edits, expected) => {
    const before = snapshotDir(outDir);
    const errors: string[] = [];
    const spy = jest.spyOn(console, 'error').mockImplementation((m: string) => void errors.push(m));
    const code = synthToDisk(outDir, { environmentsDir: environmentsCopy(edits) });
    spy.mockRestore();
    expect(code).toBe(1);
    expect(errors.join('\n')).toMatch(expected);
    expect(errors.join('\n')).toMatch(/left unchanged/);
    expect(snapshotDir(outDir)).toEqual(before);
  });

  test('a construct that throws: exits non-zero and leaves the output untouched', () => {
    const before = snapshotDir(outDir);
    const errors: string[] = [];
    const err = jest.spyOn(console, 'error').mockImplementation((m: string) => void errors.push(m));
    jest.isolateModules(() => {
      jest.doMock('../lib/app', () => ({
        buildApp: () => {
          throw new Error('ExamService x: boom');
        },
      }));
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const isolated = require('../lib/synth') as typeof import('../lib/synth');
      expect(isolated.synthToDisk(outDir)).toBe(1);
    });
    err.mockRestore();
    expect(errors.join('\n')).toMatch(/ExamService x: boom/);
    expect(snapshotDir(outDir)).toEqual(before);
  });

  test('an I/O failure halfway through the write puts every file back', () => {
    const first = synthInMemory().files;
    // A plain file where the new output needs a folder: the last write fails (ENOTDIR/EEXIST).
    writeDistAtomically(outDir, [...first, { path: 'zz-blocker', content: 'a file, not a folder\n' }]);
    const before = snapshotDir(outDir);
    const changed = [
      ...first.map((f, i) => (i % 2 === 0 ? { ...f, content: `${f.content}# changed\n` } : f)).slice(1),
      { path: 'new-folder/configmap-new.yaml', content: 'new: true\n' },
      { path: 'zz-blocker/configmap-x.yaml', content: 'x: true\n' },
    ];
    expect(() => writeDistAtomically(outDir, changed)).toThrow(/ENOTDIR|EEXIST/);
    expect(snapshotDir(outDir)).toEqual(before);
    expect(fs.existsSync(path.join(outDir, 'new-folder'))).toBe(false);
  });

  test('an unchanged folder is not written at all', () => {
    const files = synthInMemory().files;
    writeDistAtomically(outDir, files);
    expect(writeDistAtomically(outDir, files)).toEqual({ written: 0, deleted: 0, unchanged: files.length });
  });

  test('synthInMemory is pure: two runs give the same bytes', () => {
    const a = synthInMemory().files;
    const b = synthInMemory().files;
    expect(a).toEqual(b);
  });
});
