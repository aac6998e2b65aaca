/**
 * YAML rendering with a memo on disk: writing YAML is the largest single cost of a synth after
 * loading the code, and a change to one environment leaves most objects as they were. The memo
 * maps a hash of an object's JSON to its YAML. It belongs to one build of the code (the file
 * name carries the bundle's content key, so a change to the renderer never reads an old memo),
 * lives in node_modules/.cache (never in the repository), keeps only the entries the last synth
 * used, and is only an optimisation: a missing or unreadable memo means rendering everything.
 * The bytes are the same either way (test/output/yaml-memo.spec.ts).
 */
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { writeFileAtomic } from '../io/atomic-file';
import { REPO_ROOT } from '../paths';
import { KubeObject, toYaml } from './render';

/** Where the memos live. */
export const YAML_MEMO_DIR = path.join(REPO_ROOT, 'node_modules', '.cache', 'exam-delivery-synth', 'yaml');

const PREFIX = 'yaml-';

export class YamlMemo {
  /** The memo of the code build `codeKey` (a hex content key). */
  public static forCode(codeKey: string, dir: string = YAML_MEMO_DIR): YamlMemo {
    if (!/^[0-9a-f]{16,}$/.test(codeKey)) throw new Error(`YamlMemo: code key "${codeKey}" is not a hex content key`);
    return new YamlMemo(dir, `${PREFIX}${codeKey.slice(0, 32)}.json`);
  }

  private readonly known: Map<string, string>;
  private readonly used = new Map<string, string>();
  private hits = 0;

  private constructor(
    private readonly dir: string,
    private readonly name: string,
  ) {
    let known = new Map<string, string>();
    try {
      const parsed = JSON.parse(fs.readFileSync(path.join(dir, name), 'utf8')) as unknown;
      if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) {
        known = new Map(Object.entries(parsed as Record<string, unknown>).filter((e): e is [string, string] => typeof e[1] === 'string'));
      }
    } catch {
      // none yet, or unreadable: render everything
    }
    this.known = known;
  }

  /** The YAML of `object`, exactly as toYaml writes it. */
  public render(object: KubeObject): string {
    const key = crypto.createHash('sha256').update(JSON.stringify(object)).digest('base64url');
    let yaml = this.known.get(key);
    if (yaml === undefined) yaml = toYaml(object);
    else this.hits++;
    this.used.set(key, yaml);
    return yaml;
  }

  /** How many objects came from the memo. */
  public get reused(): number {
    return this.hits;
  }

  /** Keeps what this synth used (atomically) and drops the memos of other code builds. */
  public save(): void {
    fs.mkdirSync(this.dir, { recursive: true });
    writeFileAtomic(path.join(this.dir, this.name), JSON.stringify(Object.fromEntries(this.used)));
    for (const f of fs.readdirSync(this.dir)) {
      if (f.startsWith(PREFIX) && f !== this.name) fs.rmSync(path.join(this.dir, f), { force: true });
    }
  }
}
