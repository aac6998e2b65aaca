/**
 * The real Prometheus engine for tests: `promtool` (Debian package `prometheus`). Jest suites
 * under test/promql/ call it on rule files and unit-test files they build from the synthesized
 * objects. There is no fallback: without promtool these suites fail, saying how to install it.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

let cached: string | undefined;

/** The promtool binary on PATH; throws with install instructions when it is missing. */
export function promtoolBin(): string {
  if (cached !== undefined) return cached;
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (dir === '') continue;
    const candidate = path.join(dir, 'promtool');
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      if (fs.statSync(candidate).isFile()) return (cached = candidate);
    } catch {
      // not in this directory
    }
  }
  throw new Error(
    'promtool was not found on PATH. It ships with the Prometheus server package; on Debian/Ubuntu:\n' +
      '  apt-get update && apt-get install -y prometheus\n' +
      'The PromQL suites never pass without it (.ci/run installs it).',
  );
}

/** GOGC=400: promtool's heap stays small, and collecting it less often saves some 10% of its CPU. */
function promtoolEnv(): NodeJS.ProcessEnv {
  return { ...process.env, GOGC: '400' };
}

export interface PromtoolResult {
  readonly ok: boolean;
  readonly output: string;
}

/**
 * Writes `files` (name → YAML-serialisable object, or a string taken as is) into a fresh
 * temporary folder and runs `promtool <args>` there. The folder is removed afterwards.
 */
export function runPromtool(args: readonly string[], files: Readonly<Record<string, unknown>>): PromtoolResult {
  const bin = promtoolBin();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'exam-promtool-'));
  try {
    for (const [name, content] of Object.entries(files)) {
      // JSON is YAML, and much faster to write than block YAML for large input series.
      fs.writeFileSync(path.join(dir, name), typeof content === 'string' ? content : JSON.stringify(content));
    }
    const r = spawnSync(bin, [...args], { cwd: dir, encoding: 'utf8', env: promtoolEnv() });
    if (r.error) return { ok: false, output: String(r.error) };
    return { ok: r.status === 0, output: `${r.stdout ?? ''}${r.stderr ?? ''}`.trim() };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** `promtool check rules` on one rule-file object (`{ groups: [...] }`). */
export function checkRules(ruleFile: unknown): PromtoolResult {
  return checkRuleFiles({ 'rules.yaml': ruleFile });
}

/** `promtool check rules` on several rule files (name → `{ groups: [...] }`) in one run. */
export function checkRuleFiles(ruleFiles: Readonly<Record<string, unknown>>): PromtoolResult {
  return runPromtool(['check', 'rules', ...Object.keys(ruleFiles)], ruleFiles);
}

/**
 * `promtool test rules` on a unit-test file. `ruleFiles` are written beside it under their
 * names; the test file's `rule_files` must name them.
 */
export function testRules(testFile: unknown, ruleFiles: Readonly<Record<string, unknown>> = {}): PromtoolResult {
  return runPromtool(['test', 'rules', 'test.yaml'], { ...ruleFiles, 'test.yaml': testFile });
}

/**
 * `promtool test rules` on several unit-test files in one process (one start-up and one rule load
 * instead of one per file): a result per file, in order. `ruleFiles` are written beside them under
 * their names (unique across the batch); each test file's `rule_files` names its own. stdout and
 * stderr go to one file, so each failure stays under its own "Unit Testing:" heading.
 */
export function testRulesBatch(testFiles: readonly unknown[], ruleFiles: Readonly<Record<string, unknown>> = {}): PromtoolResult[] {
  const bin = promtoolBin();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'exam-promtool-'));
  try {
    const names = testFiles.map((_t, i) => `test-${i}.yaml`);
    testFiles.forEach((t, i) => fs.writeFileSync(path.join(dir, names[i]), JSON.stringify(t)));
    for (const [name, content] of Object.entries(ruleFiles)) fs.writeFileSync(path.join(dir, name), JSON.stringify(content));
    const log = path.join(dir, 'output.log');
    const fd = fs.openSync(log, 'w');
    let r: ReturnType<typeof spawnSync>;
    try {
      r = spawnSync(bin, ['test', 'rules', ...names], { cwd: dir, stdio: ['ignore', fd, fd], env: promtoolEnv() });
    } finally {
      fs.closeSync(fd);
    }
    const output = fs.readFileSync(log, 'utf8');
    if (r.error) return names.map(() => ({ ok: false, output: String(r.error) }));
    const sections = new Map(
      output
        .split(/^Unit Testing:\s+/m)
        .slice(1)
        .map((section) => [section.slice(0, section.indexOf('\n')).trim(), section.trim()] as const),
    );
    return names.map((name) => {
      const section = sections.get(name);
      if (section === undefined) return { ok: false, output: `promtool reported nothing for ${name}:\n${output}` };
      return { ok: section.includes('SUCCESS') && !section.includes('FAILED'), output: section };
    });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
