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
      'environment-file',
      'falco-files',
      'longest-release-seconds',
      'notification-config',
      'reference-week-gantt',
      'yaml',
    ]);
    for (const [kind, k] of first.kinds) expect([kind, k.computed]).toEqual([kind, k.asked]);
    for (const [kind, k] of second.kinds) expect([kind, k.computed]).toEqual([kind, 0]);
    expect(second.kinds.get('yaml')!.asked).toBe(reference.files.length);
  });
});
