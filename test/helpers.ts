import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DEFAULT_ENVIRONMENTS_DIR } from '../lib/config/load';

/** A scratch copy of environments/, edited by `edit(fileName, text) => text`. */
export function environmentsCopy(edits: Record<string, (text: string) => string> = {}): string {
  const dir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'exam-envs-')), 'environments');
  fs.mkdirSync(dir);
  for (const f of fs.readdirSync(DEFAULT_ENVIRONMENTS_DIR)) {
    const text = fs.readFileSync(path.join(DEFAULT_ENVIRONMENTS_DIR, f), 'utf8');
    fs.writeFileSync(path.join(dir, f), edits[f] ? edits[f](text) : text);
  }
  return dir;
}
