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
import { ROLLOUT_VERIFIED_EVENT } from '../../lib/config/notifications';
import { BUILD_WORKFLOW_PATH, DISPATCH_TYPES, MANUAL_REQUESTS, REQUEST_QUEUE_BRANCH, SIGNER_SUBJECT } from '../../lib/config/release-loop';
import { ENVIRONMENT_NAMES } from '../../lib/config/schema';
import { EXAM_SYSTEM_REGISTRY } from '../../lib/config/versions';

const ROOT = path.resolve(__dirname, '..', '..');
const DIR = path.join(ROOT, '.github', 'workflows');
const FILES = fs.readdirSync(DIR).filter((f) => /\.ya?ml$/.test(f)).sort();
const TEXT: Record<string, string> = Object.fromEntries(FILES.map((f) => [f, fs.readFileSync(path.join(DIR, f), 'utf8')]));

interface Step {
  id?: string;
  name?: string;
  env?: Record<string, string>;
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
  if?: string;
}
interface Job {
  permissions?: Record<string, string> | string;
  concurrency?: { group: string; 'cancel-in-progress'?: boolean };
  environment?: string;
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
  test('the four workflows exist', () => {
    expect(FILES).toEqual(['build-image.yml', 'ci.yml', 'release.yml', 'security.yml']);
  });

  // @action-validator/core 0.6.0 (the newest release) predates the `attestations` permission,
  // which actions/attest-build-provenance needs; it is the one thing its schema refuses.
  const ATTESTATIONS = '      attestations: write\n';
  test.each(FILES)('%s validates against the GitHub workflow schema', (file) => {
    expect(validateWorkflow(TEXT[file].replace(ATTESTATIONS, '')).errors).toEqual([]);
  });

  test('the only schema complaint about build-image.yml is the attestations permission', () => {
    expect(TEXT['build-image.yml']).toContain(ATTESTATIONS);
    expect(JSON.stringify(validateWorkflow(TEXT['build-image.yml']).errors)).toContain("Additional property 'attestations' is not allowed");
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
    for (const c of ['plan', 'dispatch-payload', 'apply-requests', 'polaris-config']) expect(used).toContain(c);
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

  test('every action is pinned by full commit SHA with its version in a comment, the same pin everywhere', () => {
    const uses = steps().filter(({ step }) => step.uses !== undefined && !step.uses.startsWith('./'));
    expect(uses.length).toBeGreaterThan(20);
    const pins = new Map<string, string>();
    for (const { file, step } of uses) {
      const [action, ref] = (step.uses as string).split('@');
      expect({ file, uses: step.uses, sha: /^[0-9a-f]{40}$/.test(ref ?? '') }).toEqual({ file, uses: step.uses, sha: true });
      const comment = new RegExp(`uses: ${(step.uses as string).replace(/[/.]/g, '\\$&')} # (v?\\d+\\.\\d+\\.\\d+)\\n`).exec(TEXT[file]);
      expect({ file, uses: step.uses, versionComment: comment !== null }).toEqual({ file, uses: step.uses, versionComment: true });
      const pin = `${ref} # ${comment![1]}`;
      expect({ action, pin }).toEqual({ action, pin: pins.get(action) ?? pin });
      pins.set(action, pin);
    }
    // The deprecated codeql-action v3 is gone.
    for (const [action, pin] of pins) if (action.startsWith('github/codeql-action/')) expect(pin).toMatch(/# v4\./);
  });

  test('images and binaries that actions fetch by a moving tag are pinned through their inputs', () => {
    const withOf = (prefix: string) => steps().filter(({ step }) => step.uses?.startsWith(prefix)).map(({ file, step }) => ({ file, with: step.with ?? {} }));
    const build = WORKFLOWS['build-image.yml'].env ?? {};
    for (const s of withOf('docker/setup-qemu-action@')) expect(s.with.image).toBe('${{ env.BINFMT_IMAGE }}');
    for (const s of withOf('docker/setup-buildx-action@')) expect(s.with['driver-opts']).toBe('image=${{ env.BUILDKIT_IMAGE }}');
    expect(build.BINFMT_IMAGE).toMatch(/^docker\.io\/tonistiigi\/binfmt:qemu-v[\d.]+@sha256:[0-9a-f]{64}$/);
    expect(build.BUILDKIT_IMAGE).toMatch(/^docker\.io\/moby\/buildkit:v[\d.]+@sha256:[0-9a-f]{64}$/);
    for (const s of withOf('trufflesecurity/trufflehog@')) expect(s.with.version).toMatch(/^\d+\.\d+\.\d+$/);
    for (const s of withOf('aquasecurity/trivy-action@')) expect(s.with.version).toMatch(/^v\d+\.\d+\.\d+$/);
    for (const s of withOf('sigstore/cosign-installer@')) expect(s.with['cosign-release']).toMatch(/^v\d+\.\d+\.\d+$/);
    for (const s of withOf('anchore/sbom-action@')) expect(s.with['syft-version']).toMatch(/^v\d+\.\d+\.\d+$/);
  });

  test('a dispatch payload or input reaches a script only through env:, never interpolated into run:', () => {
    for (const { file, job, step } of steps()) {
      if (step.run === undefined) continue;
      expect({ file, job, step: step.name, interpolated: step.run.includes('${{') }).toEqual({ file, job, step: step.name, interpolated: false });
    }
    // The release workflow hands the CLI the event file; no expression reads the payload at all.
    for (const file of FILES) expect({ file, payloadExpression: /\$\{\{[^}]*client_payload/.test(TEXT[file]) }).toEqual({ file, payloadExpression: false });
  });

  test('no step pushes to main or any branch but the request queue, and nothing force-pushes', () => {
    for (const { file, job, step } of steps()) {
      const run = step.run ?? '';
      for (const push of run.match(/git push[^\n]*/g) ?? []) {
        expect({ file, job, push }).toEqual({ file, job, push: expect.stringContaining('"HEAD:refs/heads/${QUEUE_BRANCH}"') });
        expect(push).not.toMatch(/--force|\s-f\b|\+HEAD|\bmain\b|\bdevelop\b/);
      }
    }
    for (const file of FILES) expect({ file, retired: /deploy\/hotfix|--force\b/.test(TEXT[file]) }).toEqual({ file, retired: false });
    expect(WORKFLOWS['release.yml'].env?.QUEUE_BRANCH).toBe(REQUEST_QUEUE_BRANCH);
    for (const { step } of steps().filter((s) => s.step.uses?.startsWith('peter-evans/create-pull-request@'))) {
      expect(step.with?.base).toBe('main');
      expect(String(step.with?.branch)).toMatch(/^bot\//);
    }
  });

  test('jobs that can write (a write scope, or the release App token) never run npm, npx or install scripts', () => {
    let writing = 0;
    for (const file of FILES) {
      for (const [name, job] of Object.entries(WORKFLOWS[file].jobs)) {
        const perms = typeof job.permissions === 'object' ? job.permissions : {};
        const appToken = (job.steps ?? []).some((s) => s.uses?.startsWith('actions/create-github-app-token@'));
        const writes = appToken || Object.entries(perms).some(([scope, v]) => v === 'write' && scope !== 'security-events');
        if (!writes) continue;
        writing++;
        for (const step of job.steps ?? []) {
          expect({ file, job: name, step: step.name, npm: /\bnpm\b|\bnpx\b|\byarn\b|\bpnpm\b/.test(step.run ?? '') }).toEqual({ file, job: name, step: step.name, npm: false });
          expect({ file, job: name, step: step.name, setupNode: step.uses?.startsWith('actions/setup-node@') ?? false }).toEqual({ file, job: name, step: step.name, setupNode: false });
        }
      }
    }
    expect(writing).toBe(3);
    // Read-only jobs of the release workflow install without install scripts too.
    const releaseRuns = Object.values(WORKFLOWS['release.yml'].jobs).flatMap((j) => (j.steps ?? []).map((s) => s.run ?? ''));
    for (const run of releaseRuns) for (const ci of run.match(/npm ci[^\n]*/g) ?? []) expect(ci).toContain('--ignore-scripts');
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
        // The release workflow writes only with the release App's token; GITHUB_TOKEN never writes contents.
        expect({ file, job: name, contents: perms.contents }).not.toEqual({ file, job: name, contents: 'write' });
        for (const scope of ['packages', 'id-token', 'attestations']) if (perms[scope] === 'write') expect(`${file}:${name}:${scope}`).toBe(`build-image.yml:build:${scope}`);
        if (usesAll.includes('actions/create-github-app-token@')) expect({ file, job: name, environment: job.environment, perms }).toEqual({ file, job: name, environment: file === 'release.yml' ? 'release' : undefined, perms: file === 'release.yml' ? {} : perms });
        if (perms['security-events'] === 'write') expect(usesAll).toMatch(/github\/codeql-action\/(upload-sarif|analyze)@/);
        expect(Object.values(perms).filter((v) => v === 'write-all' || v === 'read-all')).toEqual([]);
      }
    }
  });
});

describe('ci.yml', () => {
  const ci = WORKFLOWS['ci.yml'];
  const runs = Object.values(ci.jobs).flatMap((j) => (j.steps ?? []).map((s) => s.run ?? '')).join('\n');

  test('runs on every pull request and push (but not on the request queue, which holds no code)', () => {
    expect(Object.keys(ci.on).sort()).toEqual(['pull_request', 'push']);
    expect(ci.on.push).toEqual({ 'branches-ignore': [REQUEST_QUEUE_BRANCH] });
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
  const jobs = release.jobs;
  const run = (job: string) => (jobs[job].steps ?? []).map((st) => st.run ?? '').join('\n');

  test('handles exactly the repository_dispatch types and the manual requests of the release loop', () => {
    expect(Object.keys(release.on).sort()).toEqual(['repository_dispatch', 'workflow_dispatch']);
    expect((release.on.repository_dispatch as { types: string[] }).types).toEqual([...DISPATCH_TYPES]);
    expect(DISPATCH_TYPES).toContain(ROLLOUT_VERIFIED_EVENT);
    const inputs = (release.on.workflow_dispatch as { inputs: Record<string, { options?: string[] }> }).inputs;
    expect(inputs.request.options).toEqual([...MANUAL_REQUESTS]);
    expect([...(inputs.environment.options ?? [])].sort()).toEqual([...ENVIRONMENT_NAMES].sort());
    expect(Object.keys(inputs).sort()).toEqual(['environment', 'from', 'image', 'request', 'service']);
  });

  test('validates the event with the CLI, reading the event file, before anything is recorded', () => {
    expect(run('validate')).toContain('npm run -s cli -- dispatch-payload "$REQUEST_TYPE" --event "$GITHUB_EVENT_PATH" --github-output >> "$GITHUB_OUTPUT"');
    expect(jobs.validate.permissions).toEqual({ contents: 'read' });
    expect(jobs.record.needs).toBe('validate');
    expect(jobs.record.if).toBe("needs.validate.outputs.requests != '[]'");
  });

  test('records every request durably before any concurrency group can cancel the run; the newest run renders them all', () => {
    expect(jobs.record.concurrency).toBeUndefined();
    expect(run('record')).toContain('git push -q "$remote" "HEAD:refs/heads/${QUEUE_BRANCH}"');
    expect(run('record')).toMatch(/for attempt in/);
    expect(jobs.render.needs).toEqual(['validate', 'record']);
    expect(jobs.render.concurrency).toEqual({ group: 'release-render-${{ matrix.queue }}', 'cancel-in-progress': false });
    expect(jobs['pull-request'].concurrency).toEqual({ group: 'release-pr-${{ matrix.queue }}', 'cancel-in-progress': false });
    expect(run('render')).toContain('npm run -s cli -- apply-requests "$QUEUE" --requests-dir .release-queue --queue-commit "$queue_commit" --meta "$out/meta.json" > "$out/body.md"');
    // A stale render (the queue moved on) never overwrites the pull request of a newer one.
    expect(run('pull-request')).toContain('if [ "$head" != "$(jq -r .queueCommit "$meta")" ]; then');
  });

  test('renders read-only (synth and the object-level plan), and hands a patch to the writing job', () => {
    expect(jobs.render.permissions).toEqual({ contents: 'read' });
    const script = run('render');
    expect(script).toContain('npm ci --ignore-scripts');
    expect(script).toContain('npm run synth');
    expect(script).toContain('npm run -s cli -- plan --format markdown >> "$out/body.md"');
    expect((jobs.render.steps ?? []).some((st) => st.uses?.startsWith('actions/upload-artifact@'))).toBe(true);
    expect((jobs['pull-request'].steps ?? []).some((st) => st.uses?.startsWith('actions/download-artifact@'))).toBe(true);
    expect(run('pull-request')).toContain('git apply --index');
  });

  test('opens pull requests with the release App token, so checks run; staging, hotfix and ledgers merge on their own', () => {
    const pr = (jobs['pull-request'].steps ?? []).find((st) => st.uses?.startsWith('peter-evans/create-pull-request@'))!;
    expect(pr.with?.token).toBe('${{ steps.app.outputs.token }}');
    expect(pr.with?.['body-path']).toBe('${{ runner.temp }}/render/body.md');
    const merge = (jobs['pull-request'].steps ?? []).find((st) => (st.run ?? '').includes('gh pr merge'))!;
    expect(merge.run).toBe('gh pr merge --repo "$GITHUB_REPOSITORY" --auto --squash "$PR_NUMBER"');
    expect(merge.if).toContain("steps.apply.outputs.auto-merge == 'true'");
    expect(merge.env?.GH_TOKEN).toBe('${{ steps.app.outputs.token }}');
  });
});

describe('build-image.yml (the reusable workflow of the service repositories)', () => {
  const wf = WORKFLOWS['build-image.yml'];
  const build = wf.jobs.build;
  const uses = (prefix: string) => (build.steps ?? []).find((st) => st.uses?.startsWith(prefix));
  const script = (build.steps ?? []).map((st) => st.run ?? '').join('\n');

  test('is a workflow_call with the service input and the release App secrets', () => {
    expect(Object.keys(wf.on)).toEqual(['workflow_call']);
    const call = wf.on.workflow_call as { inputs: Record<string, unknown>; secrets: Record<string, unknown> };
    expect(Object.keys(call.inputs)).toEqual(['service', 'context', 'dockerfile']);
    expect(Object.keys(call.secrets)).toEqual(['release-app-id', 'release-app-private-key']);
    expect(SIGNER_SUBJECT).toBe(`https://github.com/exam-platform/exam-delivery/${BUILD_WORKFLOW_PATH}@refs/heads/main`);
    expect(`.github/workflows/build-image.yml`).toBe(BUILD_WORKFLOW_PATH);
  });

  test('builds multi-arch into the catalog registry, then refers to the image only by digest: SBOM, provenance, keyless signature', () => {
    expect(wf.env?.IMAGE_REPOSITORY).toBe(EXAM_SYSTEM_REGISTRY);
    expect(uses('docker/build-push-action@')?.with).toMatchObject({ platforms: 'linux/amd64,linux/arm64', push: true, tags: '${{ env.IMAGE_REPOSITORY }}/${{ inputs.service }}:${{ github.sha }}' });
    expect(uses('anchore/sbom-action@')?.with?.image).toBe('${{ steps.image.outputs.reference }}');
    expect(uses('actions/attest-build-provenance@')?.with).toMatchObject({ 'subject-digest': '${{ steps.build.outputs.digest }}', 'push-to-registry': true });
    expect(script).toContain('cosign sign --yes "$REFERENCE"');
    expect(script).toContain('echo "reference=${IMAGE_REPOSITORY}/${SERVICE}@${DIGEST}"');
    expect(build.permissions).toEqual({ contents: 'read', packages: 'write', 'id-token': 'write', attestations: 'write' });
  });

  test('then sends image-published to the delivery repository with the fields the validator requires', () => {
    expect(script).toContain('{event_type: "image-published", client_payload: {service: $service, image: $image, ref: $ref, sha: $sha, repository: $repository, run_url: $run_url}}');
    expect(script).toContain('gh api --method POST "repos/${GITHUB_REPOSITORY_OWNER}/${DELIVERY_REPOSITORY}/dispatches" --input "$RUNNER_TEMP/dispatch.json"');
    expect(uses('actions/create-github-app-token@')?.with).toMatchObject({ repositories: '${{ env.DELIVERY_REPOSITORY }}', 'permission-contents': 'write' });
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
    expect(allUses.some((u) => u.startsWith('github/codeql-action/analyze@'))).toBe(true);
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

describe('.github/CODEOWNERS', () => {
  const owners = fs
    .readFileSync(path.join(ROOT, '.github', 'CODEOWNERS'), 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '' && !l.startsWith('#'))
    .map((l) => l.trim().split(/\s+/));

  test('what reaches production, or decides what may, needs the delivery team: production, the ledger, dist/production, dist/platform, dist/argocd, the workflows and CODEOWNERS itself', () => {
    expect(owners.map(([p]) => p)).toEqual(['/environments/production.yaml', '/environments/verified/', '/dist/production/', '/dist/platform/', '/dist/argocd/', '/.github/workflows/', '/.github/CODEOWNERS']);
    for (const [, ...who] of owners) expect(who).toEqual(['@exam-platform/delivery']);
    for (const [p] of owners) if (!p.endsWith('/verified/')) expect(fs.existsSync(path.join(ROOT, p))).toBe(true);
  });

  test('staging and hotfix, which merge on their own, have no owners', () => {
    for (const p of ['/environments/staging.yaml', '/environments/hotfix.yaml', '/dist/staging/', '/dist/hotfix/']) expect(owners.some(([o]) => p.startsWith(o))).toBe(false);
  });
});
