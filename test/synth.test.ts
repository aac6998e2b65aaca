import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { synthToDisk } from '../lib/synth';
import { OWNERSHIP_RECORD, writeOutputSync } from '../lib/output/transaction';
import { synthesized } from './support/synthesized';
import { environmentsCopy } from './helpers';

/** Writes `files` as synth's own (recorded) output in `outDir`. */
function writeDistAtomically(outDir: string, files: { path: string; content: string }[]): void {
  writeOutputSync(path.dirname(outDir), path.basename(outDir), [{ dir: outDir, files, exclusive: true }]);
}

function quietly<T>(fn: () => Promise<T>): Promise<{ value: T; out: string; err: string }> {
  let out = '';
  let err = '';
  const log = jest.spyOn(console, 'log').mockImplementation((m: string) => void (out += `${m}\n`));
  const error = jest.spyOn(console, 'error').mockImplementation((m: string) => void (err += `${m}\n`));
  return fn().then(
    (value) => {
      log.mockRestore();
      error.mockRestore();
      return { value, out, err };
    },
    (e: unknown) => {
      log.mockRestore();
      error.mockRestore();
      throw e;
    },
  );
}

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

  test('a valid configuration replaces the output folder completely', async () => {
    expect((await quietly(() => synthToDisk(outDir))).value).toBe(0);
    const files = snapshotDir(outDir);
    expect(files['staging/configmap-old.yaml']).toBeUndefined();
    expect(files[OWNERSHIP_RECORD]).toContain('production/rollout-exam-service-rollout.yaml\n');
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
  ])('%s: exits non-zero, names the problem, and leaves the output untouched', async (_label, edits, expected) => {
    const before = snapshotDir(outDir);
    const { value: code, err } = await quietly(() => synthToDisk(outDir, { environmentsDir: environmentsCopy(edits) }));
    expect(code).toBe(1);
    expect(err).toMatch(expected);
    expect(err).toMatch(/left unchanged/);
    expect(snapshotDir(outDir)).toEqual(before);
  });

  test('a construct that throws: exits non-zero and leaves the output untouched', async () => {
    const before = snapshotDir(outDir);
    let isolated: typeof import('../lib/synth') | undefined;
    jest.isolateModules(() => {
      jest.doMock('../lib/app', () => ({
        renderApp: () => {
          throw new Error('ExamService x: boom');
        },
      }));
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      isolated = require('../lib/synth') as typeof import('../lib/synth');
    });
    const { value: code, err } = await quietly(() => (isolated as typeof import('../lib/synth')).synthToDisk(outDir));
    expect(code).toBe(1);
    expect(err).toMatch(/ExamService x: boom/);
    expect(snapshotDir(outDir)).toEqual(before);
  });

  test('an unchanged folder is not written at all', () => {
    const files = synthesized().files;
    writeDistAtomically(outDir, [...files]);
    const base = path.dirname(outDir);
    expect(writeOutputSync(base, 'dist', [{ dir: outDir, files, exclusive: true }])).toEqual({ written: 0, deleted: 0, unchanged: files.length });
  });
});
