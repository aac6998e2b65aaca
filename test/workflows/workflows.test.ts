/**
 * The GitHub Actions workflows: valid against the workflow schema, calling only CLI commands
 * and npm scripts that exist, never changing a cluster, pinning every third-party action, and
 * giving every job least permissions.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { validateWorkflow } from '@action-validator/core';
import { parse } from 'yaml';
import { buildProgram } from '../../lib/cli/main';
import { RELEASE_BRANCH_PATTERNS } from '../../lib/config/branches';
import { SERVICE_NAMES } from '../../lib/config/catalog';
import { EXAM_SYSTEM_REGISTRY } from '../../lib/config/versions';

const ROOT = path.resolve(__dirname, '..', '..');
const DIR = path.join(ROOT, '.github', 'workflows');
const FILES = fs.readdirSync(DIR).filter((f) => /\.ya?ml$/.test(f)).sort();
const TEXT: Record<string, string> = Object.fromEntries(FILES.map((f) => [f, fs.readFileSync(path.join(DIR, f), 'utf8')]));

interface Step {
  name?: string;
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
  if?: string;
}
interface Job {
  permissions?: Record<string, string> | string;
  steps?: Step[];
  strategy?: { matrix?: Record<string, unknown> };
  needs?: string[] | string;
  if?: string;
}
interface Workflow {
  on: Record<string, unknown>;
  permissions?: Record<string, string> | string;
  env?: Record<string, string>;
  jobs: Record<string, Job>;
}
const WORKFLOWS: Record<string, Workflow> = Object.fromEntries(FILES.map((f) => [f, parse(TEXT[f]) as Workflow]));

function steps(): { file: string; job: string; step: Step }[] {
  return FILES.flatMap((file) => Object.entries(WORKFLOWS[file].jobs).flatMap(([job, j]) => (j.steps ?? []).map((step) => ({ file, job, step }))));
}

/** `npm run [-s] cli -- <command> <args...>` invocations, up to the end of the shell command. */
function cliInvocations(): { file: string; command: string; args: string[] }[] {
  const out: { file: string; command: string; args: string[] }[] = [];
  for (const file of FILES) {
    for (const m of TEXT[file].matchAll(/npm run(?: -s| --silent)? cli -- ([a-z][a-z-]*)([^\n|>;&]*)/g)) {
      out.push({ file, command: m[1], args: m[2].trim().split(/\s+/).filter((a) => a !== '') });
    }
  }
  return out;
}

describe('workflow files', () => {
  test('the three workflows exist', () => {
    expect(FILES).toEqual(['ci.yml', 'release.yml', 'security.yml']);
  });

  test.each(FILES)('%s validates against the GitHub workflow schema', (file) => {
    expect(validateWorkflow(TEXT[file]).errors).toEqual([]);
  });

  test('the validator does reject a broken workflow', () => {
    const broken = TEXT['ci.yml'].replace('    runs-on: ubuntu-latest\n', '    runs-on: ubuntu-latest\n    run-on: oops\n');
    expect(broken).not.toBe(TEXT['ci.yml']);
    expect(validateWorkflow(broken).errors.length).toBeGreaterThan(0);
  });

  test('workflows call only CLI commands that exist, with options those commands have', () => {
    const program = buildProgram({ io: { out: () => undefined, err: () => undefined }, exitCode: 0 });
    const invocations = cliInvocations();
    expect(invocations.length).toBeGreaterThan(0);
    for (const inv of invocations) {
      const command = program.commands.find((c) => c.name() === inv.command);
      expect({ file: inv.file, command: inv.command, exists: command !== undefined }).toEqual({ file: inv.file, command: inv.command, exists: true });
      const flags = inv.args.filter((a) => a.startsWith('--')).map((a) => a.split('=')[0]);
      const known = command!.options.map((o) => o.long);
      for (const flag of flags) expect({ command: inv.command, flag, known: known.includes(flag) }).toEqual({ command: inv.command, flag, known: true });
    }
    const used = new Set(invocations.map((i) => i.command));
    for (const c of ['plan', 'env-for-branch', 'set-image', 'get-image', 'polaris-config']) expect(used).toContain(c);
  });

  test('workflows call only npm scripts that package.json defines', () => {
    const scripts = Object.keys((JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts);
    const used = new Set(FILES.flatMap((f) => [...TEXT[f].matchAll(/npm run(?: -s| --silent)? ([a-z][\w:-]*)/g)].map((m) => m[1])));
    expect([...used].filter((s) => !scripts.includes(s))).toEqual([]);
  });

  test('no job changes a cluster directly: Argo CD is the only thing that does', () => {
    for (const file of FILES) {
      expect({ file, kubectl: /\bkubectl\b/.test(TEXT[file]) }).toEqual({ file, kubectl: false });
      expect({ file, forbidden: /\b(helm (upgrade|install)|argocd app (sync|set|rollback)|rollout undo|set image)\b/.test(TEXT[file]) }).toEqual({ file, forbidden: false });
    }
  });

  test('the branch mapping is never re-typed: no shell case statements, no ref comparisons', () => {
    for (const { file, step } of steps()) {
      if (step.run === undefined) continue;
      expect({ file, step: step.name, case: /\bcase\b[\s\S]*\bin\b/.test(step.run) }).toEqual({ file, step: step.name, case: false });
    }
    for (const file of FILES) expect({ file, refCompare: /github\.ref\s*==|startsWith\(github\.ref/.test(TEXT[file]) }).toEqual({ file, refCompare: false });
  });

  test('every third-party action is pinned to a release version or a commit with its version noted', () => {
    const uses = steps().filter(({ step }) => step.uses !== undefined && !step.uses.startsWith('./') && !step.uses.startsWith('docker://'));
    expect(uses.length).toBeGreaterThan(10);
    for (const { file, step } of uses) {
      const [, ref] = (step.uses as string).split('@');
      const version = /^v?\d+\.\d+\.\d+$/.test(ref ?? '');
      const commit = /^[0-9a-f]{40}$/.test(ref ?? '');
      expect({ file, uses: step.uses, pinned: version || commit }).toEqual({ file, uses: step.uses, pinned: true });
      if (commit) expect(TEXT[file]).toMatch(new RegExp(`${(step.uses as string).replace(/[/.]/g, '\\$&')} # v?\\d+\\.\\d+\\.\\d+`));
    }
  });

  test('least privilege: no default token permissions; every job declares its own; write scopes only where needed', () => {
    for (const file of FILES) {
      const top = WORKFLOWS[file].permissions;
      expect({ file, top }).toEqual({ file, top: expect.anything() });
      expect(top === undefined || (typeof top === 'object' && Object.values(top).every((v) => v === 'read' || v === 'none'))).toBe(true);
      for (const [name, job] of Object.entries(WORKFLOWS[file].jobs)) {
        expect({ file, job: name, permissions: typeof job.permissions }).toEqual({ file, job: name, permissions: 'object' });
        const perms = job.permissions as Record<string, string>;
        const usesAll = (job.steps ?? []).map((s) => s.uses ?? '').join(' ');
        if (perms.contents === 'write') expect(`${file}:${name}`).toBe('release.yml:deploy');
        if (perms.packages === 'write') expect(`${file}:${name}`).toBe('release.yml:build');
        if (perms['security-events'] === 'write') expect(usesAll).toMatch(/github\/codeql-action\/(upload-sarif|analyze)@/);
        expect(Object.values(perms).filter((v) => v === 'write-all' || v === 'read-all')).toEqual([]);
      }
    }
  });
});

describe('ci.yml', () => {
  const ci = WORKFLOWS['ci.yml'];
  const runs = Object.values(ci.jobs).flatMap((j) => (j.steps ?? []).map((s) => s.run ?? '')).join('\n');

  test('runs on every pull request and push', () => {
    expect(Object.keys(ci.on).sort()).toEqual(['pull_request', 'push']);
    expect(ci.on.push).toBeNull();
    expect(ci.on.pull_request).toBeNull();
  });

  test('installs promtool before npm test (whose PromQL suites need it), and fails on drift', () => {
    for (const cmd of ['npm ci', 'npm run typecheck', 'npm test', 'sudo apt-get install -y prometheus', 'npx cdk8s synth', 'git status --porcelain -- dist docs']) {
      expect(runs).toContain(cmd);
    }
    expect(runs).not.toContain('test:promql');
    expect(runs.indexOf('npm test')).toBeGreaterThan(runs.indexOf('apt-get install -y prometheus'));
    expect(runs.indexOf('git status --porcelain -- dist docs')).toBeGreaterThan(runs.indexOf('npx cdk8s synth'));
  });

  test('posts the markdown plan as the job summary, on pull requests only', () => {
    const plan = Object.values(ci.jobs).find((j) => (j.steps ?? []).some((s) => (s.run ?? '').includes('cli -- plan --format markdown')));
    expect(plan?.if).toBe("github.event_name == 'pull_request'");
    expect(TEXT['ci.yml']).toMatch(/cli -- plan --format markdown [^\n]*>> "\$GITHUB_STEP_SUMMARY"/);
  });

  test('uses Node 20', () => {
    for (const { step } of steps().filter((s) => s.step.uses?.startsWith('actions/setup-node@'))) expect(step.with?.['node-version']).toBe(20);
  });
});

describe('release.yml', () => {
  const release = WORKFLOWS['release.yml'];

  test('triggers on pushes to exactly the branches the mapping deploys', () => {
    expect((release.on.push as { branches: string[] }).branches).toEqual([...RELEASE_BRANCH_PATTERNS]);
    expect(Object.keys(release.on)).toEqual(['push']);
  });

  test('resolves the environment through the CLI into the job outputs', () => {
    expect(TEXT['release.yml']).toContain('npm run -s cli -- env-for-branch "$GITHUB_REF" --github-output >> "$GITHUB_OUTPUT"');
  });

  test('one change filter per service of the catalog', () => {
    const filterStep = steps().find((s) => s.step.uses?.startsWith('dorny/paths-filter@'));
    const filters = parse(filterStep?.step.with?.filters as string) as Record<string, string[]>;
    expect(Object.keys(filters).sort()).toEqual([...SERVICE_NAMES].sort());
    for (const [name, globs] of Object.entries(filters)) expect(globs).toEqual([name === 'frontend' ? 'frontend/**' : `services/${name}/**`]);
  });

  test('builds only the changed services, multi-arch, tagged with the commit sha, into the catalog registry', () => {
    expect(release.env?.IMAGE_REPOSITORY).toBe(EXAM_SYSTEM_REGISTRY);
    const build = release.jobs.build;
    expect(build.strategy?.matrix?.service).toBe('${{ fromJSON(needs.changes.outputs.services) }}');
    const push = (build.steps ?? []).find((s) => s.uses?.startsWith('docker/build-push-action@'));
    expect(push?.with).toMatchObject({ platforms: 'linux/amd64,linux/arm64', push: true, tags: '${{ env.IMAGE_REPOSITORY }}/${{ matrix.service }}:${{ github.sha }}' });
    for (const action of ['docker/setup-qemu-action@', 'docker/setup-buildx-action@', 'docker/login-action@']) {
      expect((build.steps ?? []).some((s) => s.uses?.startsWith(action))).toBe(true);
    }
  });

  test('bumps tags with set-image, synthesizes, and commits to the branch from the CLI; force-publishes only when told', () => {
    const deploy = release.jobs.deploy;
    expect(deploy.needs).toEqual(['target', 'changes', 'build']);
    const script = (deploy.steps ?? []).map((s) => s.run ?? '').join('\n');
    expect(script).toContain('npm run -s cli -- set-image "$ENVIRONMENT" "$service" "$GITHUB_SHA"');
    expect(script).toContain('npx cdk8s synth');
    expect(script).toContain('git add -A -- environments dist docs');
    expect(script).toContain('git push origin "HEAD:refs/heads/${COMMIT_BRANCH}"');
    const publish = (deploy.steps ?? []).find((s) => (s.run ?? '').includes('--force'));
    expect(publish?.if).toBe("env.FORCE_PUBLISH == 'true'");
    expect(publish?.run).toBe('git push --force origin "HEAD:refs/heads/${TARGET_BRANCH}"');
  });
});

describe('security.yml', () => {
  const sec = WORKFLOWS['security.yml'];
  const allUses = steps().filter((s) => s.file === 'security.yml').map((s) => s.step.uses ?? '');
  const runs = steps().filter((s) => s.file === 'security.yml').map((s) => s.step.run ?? '').join('\n');

  test('runs on push, pull request and a weekly schedule', () => {
    expect(Object.keys(sec.on).sort()).toEqual(['pull_request', 'push', 'schedule']);
  });

  test('the five gates: trivy, Polaris with the exceptions config, CodeQL for TypeScript, npm audit, secret scan', () => {
    expect(allUses.some((u) => u.startsWith('aquasecurity/trivy-action@'))).toBe(true);
    expect(runs).toContain('npm run -s cli -- polaris-config > "$RUNNER_TEMP/polaris.yaml"');
    expect(runs).toMatch(/polaris audit --audit-path dist --config "\$RUNNER_TEMP\/polaris\.yaml"[\s\S]*--set-exit-code-on-danger/);
    const init = steps().find((s) => s.step.uses?.startsWith('github/codeql-action/init@'));
    expect(init?.step.with?.languages).toBe('javascript-typescript');
    expect(allUses.some((u) => u.startsWith('github/codeql-action/analyze@v3.'))).toBe(true);
    expect(runs).toContain('npm audit --audit-level=high');
    expect(allUses.some((u) => u.startsWith('trufflesecurity/trufflehog@') || u.startsWith('gitleaks/gitleaks-action@'))).toBe(true);
  });

  test('Polaris is installed at a pinned version and its download is checked against the release checksums', () => {
    expect(sec.env?.POLARIS_VERSION).toMatch(/^\d+\.\d+\.\d+$/);
    expect(runs).toContain('sha256sum --check');
  });
});

describe('.ci/run', () => {
  const script = fs.readFileSync(path.join(ROOT, '.ci', 'run'), 'utf8');

  test('installs promtool before npm test (whose PromQL suites under test/promql/ need it), then checks drift', () => {
    const at = (text: string) => script.indexOf(text);
    expect(at('apt-get install')).toBeGreaterThan(-1);
    expect(script).toMatch(/apt-get install[^\n]* prometheus/);
    expect(at('\nnpm test\n')).toBeGreaterThan(at('apt-get install'));
    expect(at('npx cdk8s synth')).toBeGreaterThan(at('\nnpm test\n'));
    expect(script).not.toContain('test:promql');
  });

  test('the PromQL suites are jest suites npm test runs, not a second runner', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    expect(pkg.scripts['test:promql']).toBeUndefined();
    expect(pkg.scripts.test).toMatch(/\bjest\b/);
    expect(fs.readdirSync(path.join(ROOT, 'test', 'promql')).filter((f) => f.endsWith('.test.ts')).length).toBeGreaterThan(0);
  });
});
