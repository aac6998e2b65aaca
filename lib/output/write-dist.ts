/**
 * Writes dist/ atomically: everything goes to a fresh sibling folder first, and only a
 * complete, validated result replaces dist/. A failure leaves the existing dist/ untouched.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface OutputFile {
  /** Relative to the output folder, `/`-separated. */
  readonly path: string;
  readonly content: string;
}

export function writeDistAtomically(outDir: string, files: readonly OutputFile[]): void {
  const abs = path.resolve(outDir);
  const parent = path.dirname(abs);
  const staging = fs.mkdtempSync(path.join(parent, `.synth-${path.basename(abs)}-`));
  let previous: string | undefined;
  try {
    for (const f of files) {
      const target = path.join(staging, ...f.path.split('/'));
      fs.mkdirSync(path.dirname(target), { recursive: true });
      fs.writeFileSync(target, f.content);
    }
    if (fs.existsSync(abs)) {
      previous = `${staging}.previous`;
      fs.renameSync(abs, previous);
    }
    fs.renameSync(staging, abs);
  } catch (err) {
    if (previous !== undefined && !fs.existsSync(abs)) fs.renameSync(previous, abs);
    fs.rmSync(staging, { recursive: true, force: true });
    throw err;
  }
  if (previous !== undefined) fs.rmSync(previous, { recursive: true, force: true });
}
