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
    expect(fs.readdirSync(path.dirname(outDir))).toEqual(['dist']); // no staging folders left behind
  });

  test.each([
    ['bad configuration', { 'staging.yaml': (t: string) => t.replace('replicas: 2 }', 'replicas: -5 }') }, /invalid configuration[\s\S]*services\.auth-service\.replicas/],
    ['invalid YAML', { 'production.yaml': (t: string) => `${t}\n  : : [` }, /not valid YAML/],
    ['a construct that throws', { 'production.yaml': (t: string) => t.replace('autoscaling: { maxReplicas: 20 }', 'autoscaling: { maxReplicas: 20 }').replace('replicas: 10', 'replicas: 30') }, /maxReplicas/],
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

  test('synthInMemory is pure: two runs give the same bytes', () => {
    const a = synthInMemory().files;
    const b = synthInMemory().files;
    expect(a).toEqual(b);
  });
});
