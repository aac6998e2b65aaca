/**
 * Synth through its memo (lib/io/disk-memo.ts): the same bytes as without it, whether every pure
 * step is computed (an empty memo) or taken from the memo (the next run), and each of those steps
 * is really kept.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DiskMemo } from '../../lib/io/disk-memo';
import { Memo } from '../../lib/rules/memo';
import { SynthResult, synthInMemory } from '../../lib/synth';
import { environmentsCopy } from '../helpers';
import { synthesized } from '../support/synthesized';

const KEY = 'c'.repeat(64);

/** A memo that records the kinds it is asked for and which of them it computed. */
function recording(memo: DiskMemo): Memo & { kinds: Map<string, { asked: number; computed: number }> } {
  const kinds = new Map<string, { asked: number; computed: number }>();
  return {
    kinds,
    get<T>(kind: string, input: string, compute: () => T): T {
      const k = kinds.get(kind) ?? { asked: 0, computed: 0 };
      kinds.set(kind, k);
      k.asked++;
      return memo.get(kind, input, () => (k.computed++, compute()));
    },
  };
}

const written = (r: Pick<SynthResult, 'files' | 'docs' | 'extraDocs'>) => ({ files: r.files, docs: r.docs, extraDocs: r.extraDocs });

describe('synth through its memo', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'exam-synth-memo-'));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('computed, then kept: the same files as synth without a memo, and every kind comes from the memo the second time', () => {
    const reference = written(synthesized());
    const empty = DiskMemo.forCode(KEY, dir);
    const first = recording(empty);
    expect(written(synthInMemory({ memo: first }))).toEqual(reference);
    empty.save();

    const kept = DiskMemo.forCode(KEY, dir);
    const second = recording(kept);
    expect(written(synthInMemory({ memo: second }))).toEqual(reference);
    expect([...second.kinds.keys()].sort()).toEqual([
      'bootstrap-values',
      'calendar-file',
      'chart:addons',
      'chart:admission',
      'chart:argocd',
      'chart:argocd-bootstrap',
      'chart:environment-development',
      'chart:environment-hotfix',
      'chart:environment-production',
      'chart:environment-staging',
      'chart:gateway',
      'chart:monitoring',
      'chart:notification-secret-store',
      'chart:notifications-argo-rollouts',
      'chart:notifications-argocd',
      'chart:platform',
      'environment-file',
      'longest-release-seconds',
      'reference-week-gantt',
      'yaml',
    ]);
    for (const [kind, k] of first.kinds) expect([kind, k.computed]).toEqual([kind, k.asked]);
    for (const [kind, k] of second.kinds) expect([kind, k.computed]).toEqual([kind, 0]);
    expect(second.kinds.get('yaml')!.asked).toBe(reference.files.length);
  });
});

describe('a warm memo after an edit', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'exam-synth-memo-'));
    const memo = DiskMemo.forCode(KEY, dir);
    synthInMemory({ memo }); // the repository's own environments fill the memo
    memo.save();
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  // Each chart sees only its props (through JSON), so a changed input reaches every chart that
  // reads it. These edits change what several charts read: production's objects (its chart, the
  // Gateway's hosts, Argo CD's view), and the calendar's sessions of staging, which change no
  // synced object, only the deny windows of Argo CD's project.
  test.each([
    ['production: a host, a replica count and a config value', { 'production.yaml': (t: string) => t.replace('webHost: exam.yourdomain.com', 'webHost: exams.yourdomain.com').replace(/API_RATE_LIMIT: "\d+"/, 'API_RATE_LIMIT: "12345"').replace('    replicas: 10\n    strategy: canary', '    replicas: 12\n    strategy: canary') }, ['exams.yourdomain.com', '"12345"', 'replicas: 12']],
    // Rehearsed in staging too: staging's objects stay as they were (only production pre-scales), its Application is frozen.
    ['the calendar: a session in staging too', { 'calendar.yaml': (t: string) => t.replace('peakCandidates: 2500\n    environments: [production]', 'peakCandidates: 2500\n    environments: [staging, production]') }, ['[staging, production]']],
  ])('%s: the same files as synth without a memo', (_label, edits, applied) => {
    const edited = environmentsCopy(edits);
    const text = fs.readFileSync(path.join(edited, Object.keys(edits)[0]), 'utf8');
    for (const change of applied) expect(text).toContain(change);
    const warm = DiskMemo.forCode(KEY, dir);
    const through = written(synthInMemory({ environmentsDir: edited, memo: warm }));
    expect(warm.hits).toBeGreaterThan(0);
    expect(through).toEqual(written(synthInMemory({ environmentsDir: edited })));
  });
});
