/**
 * Writes the output folder as one transaction. Synth renders and checks everything in memory
 * first, so a bad configuration or a throwing construct never reaches this point. Here the
 * folder is then brought to the new content with as few writes as possible (unchanged files
 * are not touched, which keeps a no-op synth fast and file times stable), and if any write
 * fails, every change already made is undone: the folder ends up either entirely new or
 * exactly as it was.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface OutputFile {
  /** Relative to the output folder, `/`-separated. */
  readonly path: string;
  readonly content: string;
}

export interface WriteSummary {
  readonly written: number;
  readonly deleted: number;
  readonly unchanged: number;
}

function readTree(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (abs: string, rel: string): void => {
    for (const e of fs.readdirSync(abs, { withFileTypes: true })) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) walk(path.join(abs, e.name), r);
      else out.set(r, fs.readFileSync(path.join(abs, e.name), 'utf8'));
    }
  };
  if (fs.existsSync(dir)) walk(dir, '');
  return out;
}

function writeFileAtomically(target: string, content: string): void {
  fs.mkdirSync(path.dirname(target), { recursive: true });
  const tmp = `${target}.synth-${process.pid}`;
  fs.writeFileSync(tmp, content);
  fs.renameSync(tmp, target);
}

function removeEmptyDirs(dir: string, root: string): void {
  for (let d = dir; d.startsWith(root) && d !== root; d = path.dirname(d)) {
    if (!fs.statSync(d, { throwIfNoEntry: false })?.isDirectory() || fs.readdirSync(d).length > 0) return;
    fs.rmdirSync(d);
  }
}

/** Makes `outDir` hold exactly `files`; on failure it is restored to what it held before. */
export function writeDistAtomically(outDir: string, files: readonly OutputFile[]): WriteSummary {
  const root = path.resolve(outDir);
  const before = readTree(root);
  const wanted = new Map(files.map((f) => [f.path, f.content]));
  if (wanted.size !== files.length) throw new Error('two output files share a path');

  const writes = files.filter((f) => before.get(f.path) !== f.content);
  const deletes = [...before.keys()].filter((p) => !wanted.has(p));
  const done: { path: string; previous: string | undefined }[] = [];
  try {
    fs.mkdirSync(root, { recursive: true });
    for (const f of writes) {
      done.push({ path: f.path, previous: before.get(f.path) });
      writeFileAtomically(path.join(root, ...f.path.split('/')), f.content);
    }
    for (const p of deletes) {
      done.push({ path: p, previous: before.get(p) });
      const abs = path.join(root, ...p.split('/'));
      fs.rmSync(abs);
      removeEmptyDirs(path.dirname(abs), root);
    }
  } catch (err) {
    // Undo in reverse order; each step on its own, so one that cannot be undone (such as the
    // write that failed) does not stop the others.
    const stuck: string[] = [];
    for (const change of done.reverse()) {
      const abs = path.join(root, ...change.path.split('/'));
      try {
        if (change.previous === undefined) {
          if (fs.existsSync(abs)) fs.rmSync(abs);
          removeEmptyDirs(path.dirname(abs), root);
        } else if (!fs.existsSync(abs) || fs.readFileSync(abs, 'utf8') !== change.previous) {
          writeFileAtomically(abs, change.previous);
        }
      } catch {
        stuck.push(change.path);
      }
    }
    if (stuck.length > 0 && err instanceof Error) err.message += ` (could not restore: ${stuck.join(', ')})`;
    throw err;
  }
  return { written: writes.length, deleted: deletes.length, unchanged: files.length - writes.length };
}
