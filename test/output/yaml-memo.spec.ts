import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { toYaml } from '../../lib/output/render';
import { YamlMemo } from '../../lib/output/yaml-memo';
import { synthesized } from '../support/synthesized';

const objects = synthesized().objects.map((o) => o.object);
const KEY_A = 'a'.repeat(64);
const KEY_B = 'b'.repeat(64);

describe('YamlMemo', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'exam-yaml-memo-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('renders exactly what toYaml renders, from scratch and from the memo on disk', () => {
    const first = YamlMemo.forCode(KEY_A, dir);
    expect(objects.map((o) => first.render(o))).toEqual(objects.map((o) => toYaml(o)));
    expect(first.reused).toBe(0);
    first.save();
    const second = YamlMemo.forCode(KEY_A, dir);
    expect(objects.map((o) => second.render(o))).toEqual(objects.map((o) => toYaml(o)));
    expect(second.reused).toBe(objects.length);
  });

  test('a changed object is rendered anew, never taken from the memo', () => {
    const memo = YamlMemo.forCode(KEY_A, dir);
    memo.render(objects[0]);
    memo.save();
    const changed = { ...objects[0], metadata: { ...objects[0].metadata, name: 'renamed' } };
    const again = YamlMemo.forCode(KEY_A, dir);
    expect(again.render(changed)).toBe(toYaml(changed));
    expect(again.reused).toBe(0);
  });

  test("another build of the code never reads this build's memo, and its save drops it", () => {
    const a = YamlMemo.forCode(KEY_A, dir);
    a.render(objects[0]);
    a.save();
    const b = YamlMemo.forCode(KEY_B, dir);
    b.render(objects[0]);
    expect(b.reused).toBe(0);
    b.save();
    expect(fs.readdirSync(dir)).toEqual([`yaml-${KEY_B.slice(0, 32)}.json`]);
  });

  test('an unreadable memo is ignored, and a bad code key is refused', () => {
    fs.writeFileSync(path.join(dir, `yaml-${KEY_A.slice(0, 32)}.json`), '{not json');
    const memo = YamlMemo.forCode(KEY_A, dir);
    expect(memo.render(objects[0])).toBe(toYaml(objects[0]));
    expect(() => YamlMemo.forCode('../x', dir)).toThrow(/not a hex content key/);
  });
});
