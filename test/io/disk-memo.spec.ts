/** lib/io/disk-memo.ts: results kept between runs, by kind and exact input, for one build of the code. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DiskMemo } from '../../lib/io/disk-memo';
import { NO_MEMO } from '../../lib/rules/memo';

const KEY_A = 'a'.repeat(64);
const KEY_B = 'b'.repeat(64);

describe('DiskMemo', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'exam-disk-memo-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  /** A computation that counts its calls. */
  function counted<T>(value: T): { calls: number; compute: () => T } {
    const c = { calls: 0, compute: () => (c.calls++, value) };
    return c;
  }

  test('a result computed in one run comes from the memo in the next, for the same kind and input only', () => {
    const first = DiskMemo.forCode(KEY_A, dir);
    const c = counted({ replicas: 3, hosts: ['a', 'b'] });
    expect(first.get('kind', 'input', c.compute)).toEqual({ replicas: 3, hosts: ['a', 'b'] });
    expect([first.misses, first.hits, c.calls]).toEqual([1, 0, 1]);
    first.save();

    const second = DiskMemo.forCode(KEY_A, dir);
    expect(second.get('kind', 'input', c.compute)).toEqual({ replicas: 3, hosts: ['a', 'b'] });
    expect(c.calls).toBe(1);
    expect(second.get('kind', 'other input', () => 'x')).toBe('x');
    expect(second.get('other kind', 'input', () => 'y')).toBe('y');
    expect([second.hits, second.misses]).toEqual([1, 2]);
  });

  test('every caller gets its own copy made through JSON, whether computed or kept', () => {
    const memo = DiskMemo.forCode(KEY_A, dir);
    const computed = { list: [1, 2], at: new Date(0), gone: undefined as unknown };
    const a = memo.get('kind', 'input', () => computed);
    // What a later run would read back: a Date becomes its string, undefined is dropped.
    expect(a).toEqual({ list: [1, 2], at: '1970-01-01T00:00:00.000Z' });
    expect(a).not.toBe(computed);
    (a as { list: number[] }).list.push(3);
    expect(memo.get('kind', 'input', () => computed)).toEqual({ list: [1, 2], at: '1970-01-01T00:00:00.000Z' });
  });

  test('a result that is not JSON is handed back as it is and never kept', () => {
    const memo = DiskMemo.forCode(KEY_A, dir);
    expect(memo.get('kind', 'input', () => undefined)).toBeUndefined();
    expect(memo.misses).toBe(0);
    memo.save();
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  test('an error is never kept: the next call computes again', () => {
    const memo = DiskMemo.forCode(KEY_A, dir);
    expect(() => memo.get('kind', 'input', () => { throw new Error('bad input'); })).toThrow('bad input');
    expect(memo.get('kind', 'input', () => 'fixed')).toBe('fixed');
  });

  test('save writes only when the run computed something or left entries unused, and keeps only what was used', () => {
    const memo = DiskMemo.forCode(KEY_A, dir);
    memo.get('kind', 'one', () => 1);
    memo.get('kind', 'two', () => 2);
    memo.save();
    const [file] = fs.readdirSync(dir);
    const written = fs.statSync(path.join(dir, file));

    const same = DiskMemo.forCode(KEY_A, dir);
    same.get('kind', 'one', () => -1);
    same.get('kind', 'two', () => -1);
    same.save();
    expect(fs.statSync(path.join(dir, file)).ino).toBe(written.ino); // not rewritten

    const fewer = DiskMemo.forCode(KEY_A, dir);
    expect(fewer.get('kind', 'one', () => -1)).toBe(1);
    fewer.save();
    const again = DiskMemo.forCode(KEY_A, dir);
    expect(again.get('kind', 'two', () => 22)).toBe(22); // dropped: the last run did not use it
  });

  test("another build of the code never reads this build's memo, and its save removes it", () => {
    const a = DiskMemo.forCode(KEY_A, dir);
    a.get('kind', 'input', () => 'from a');
    a.save();
    const b = DiskMemo.forCode(KEY_B, dir);
    expect(b.get('kind', 'input', () => 'from b')).toBe('from b');
    b.save();
    expect(fs.readdirSync(dir)).toHaveLength(1);
    expect(DiskMemo.forCode(KEY_A, dir).get('kind', 'input', () => 'recomputed')).toBe('recomputed');
  });

  test('a damaged or foreign memo file is ignored, and a bad code key is refused', () => {
    const memo = DiskMemo.forCode(KEY_A, dir);
    memo.get('kind', 'input', () => 'kept');
    memo.save();
    const [file] = fs.readdirSync(dir);
    const bytes = fs.readFileSync(path.join(dir, file));
    const flipped = Buffer.from(bytes);
    flipped[flipped.length - 3] ^= 0x01; // one bit of the payload
    for (const damaged of [flipped, bytes.subarray(0, bytes.length - 1), Buffer.from('{"kind:x":"y"}')]) {
      fs.writeFileSync(path.join(dir, file), damaged);
      expect(DiskMemo.forCode(KEY_A, dir).get('kind', 'input', () => 'recomputed')).toBe('recomputed');
    }
    expect(() => DiskMemo.forCode('../x', dir)).toThrow(/not a hex content key/);
  });

  test('NO_MEMO computes every time', () => {
    const c = counted('v');
    NO_MEMO.get('kind', 'input', c.compute);
    NO_MEMO.get('kind', 'input', c.compute);
    expect(c.calls).toBe(2);
  });
});
