/**
 * Synth benchmark (a script that prints figures; never a timed test).
 *
 * 1. Median wall time of `npm run synth` as a whole process, exactly as a developer runs it,
 *    against the floor any cdk8s app pays: a Node process that only loads `cdk8s` and
 *    `cdk8s-plus-28`. Goal: a ratio of 3 or less. Four cases, all printed:
 *    - up to date: nothing the output depends on changed since the last synth (synth checks its
 *      stamp and stops before loading the app);
 *    - after an edit: a value of API_RATE_LIMIT is changed before each run (a new value every
 *      time), in environments/development.yaml (one environment chart renders again) and in
 *      production.yaml (its chart, and what reads production: the Gateway, Argo CD's view). Synth
 *      parses that file again, renders the charts whose input changed, and writes the changed
 *      ConfigMap; everything else comes from its memo (lib/io/disk-memo.ts). The files are
 *      restored, and synth run again, at the end;
 *    - inputs unchanged, stamp removed: the same full synth when nothing changed (e.g. a hand
 *      edit in dist/ undone), every chart and every YAML from the memo.
 *    The production edit without npm (`node scripts/synth.js`) is printed too: npm's own
 *    start-up is a fixed cost outside the project.
 * 2. The synth pipeline (build, render, serialize, write) on a generated configuration with
 *    100 services in each of the 4 environments. Goal: under 2 s.
 * 3. `npm test` as a whole process, cold and warm (scripts/bench-test-suite.ts). Goal: 30 s or
 *    less warm.
 *
 * Usage: npm run bench [-- --runs N] [--synth-only]  (--synth-only: sections 1 and 2)
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { renderApp } from '../lib/app';
import { SERVICES } from '../lib/config/catalog';
import { Environment, ResolvedService, loadEnvironments } from '../lib/config/load';
import { toYaml } from '../lib/output/render';
import { writeOutputSync } from '../lib/output/transaction';
import { writeFileAtomic } from '../lib/io/atomic-file';
import { formatTestSuiteFigures, measureTestSuite } from './bench-test-suite';

const root = path.resolve(__dirname, '..');
const runsArg = process.argv.indexOf('--runs');
const runs = runsArg >= 0 ? Number(process.argv[runsArg + 1]) : 7;
const synthOnly = process.argv.includes('--synth-only');

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

function timeProcess(cmd: string, args: string[]): number {
  const t0 = performance.now();
  const r = spawnSync(cmd, args, { cwd: root, stdio: ['ignore', 'ignore', 'pipe'] });
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stderr?.toString()}`);
  return ms;
}

// Scratch space on the repository's file system (the system temp folder can be much slower).
const cacheDir = path.join(root, 'node_modules', '.cache');
fs.mkdirSync(cacheDir, { recursive: true });
const scratch = fs.mkdtempSync(path.join(cacheDir, 'exam-bench-'));
const stamps = path.join(cacheDir, 'exam-delivery-synth', 'stamps');
const stampRemoved = (): void => fs.rmSync(stamps, { recursive: true, force: true });
// The edits: an environment's API_RATE_LIMIT takes a new value before each run.
const EDITED_LINE = /^( {2}API_RATE_LIMIT: )"\d+"$/m;
const originals = new Map(
  ['development', 'production'].map((env) => {
    const file = path.join(root, 'environments', `${env}.yaml`);
    const text = fs.readFileSync(file, 'utf8');
    if (!EDITED_LINE.test(text)) throw new Error(`${path.relative(root, file)}: no API_RATE_LIMIT line to edit; update scripts/bench.ts`);
    return [env, { file, text }];
  }),
);
let edits = 0;
const edit = (env: string): void => {
  const { file, text } = originals.get(env)!;
  writeFileAtomic(file, text.replace(EDITED_LINE, `$1"${1000 + ++edits}"`));
};
const restore = (): void => {
  for (const { file, text } of originals.values()) writeFileAtomic(file, text);
  spawnSync('npm', ['run', '-s', 'synth'], { cwd: root, stdio: 'ignore' });
};
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.once(sig, () => {
    restore();
    process.kill(process.pid, sig);
  });
}
const floor: number[] = [];
const upToDate: number[] = [];
const developmentEdit: number[] = [];
const productionEdit: number[] = [];
const withoutNpm: number[] = [];
const unchanged: number[] = [];
try {
  timeProcess('npm', ['run', '-s', 'synth']); // warm the bundle cache and the OS file cache
  for (let i = 0; i < runs; i++) {
    floor.push(timeProcess(process.execPath, ['-e', "require('cdk8s'); require('cdk8s-plus-28')"]));
    upToDate.push(timeProcess('npm', ['run', '-s', 'synth']));
    edit('development');
    developmentEdit.push(timeProcess('npm', ['run', '-s', 'synth']));
    edit('production');
    productionEdit.push(timeProcess('npm', ['run', '-s', 'synth']));
    edit('production');
    withoutNpm.push(timeProcess(process.execPath, [path.join(root, 'scripts', 'synth.js')]));
    stampRemoved();
    unchanged.push(timeProcess('npm', ['run', '-s', 'synth']));
  }
} finally {
  restore();
}
const floorMs = median(floor);

// A generated configuration: 100 services in each environment, cycling through the catalog's
// shapes (backends, the exposed API and web front end) and all three strategies.
const catalog = Object.values(SERVICES);
const strategies = ['rolling', 'canary', 'blueGreen'] as const;
void strategies[1];
const generated: Environment[] = loadEnvironments().map((env) => ({
  ...env,
  services: Array.from({ length: 100 }, (_, i): ResolvedService => {
    const base = env.services[i % env.services.length];
    const definition = catalog[i % catalog.length];
    const name = `svc-${String(i).padStart(3, '0')}` as ResolvedService['name'];
    return {
      ...base,
      name,
      definition: { ...definition, calls: [], activeServiceName: undefined, ingress: definition.ingress === undefined ? undefined : definition.ingress },
      // A canary routes through its HTTPRoute, so only exposed services get one.
      strategy: env.name !== 'production' ? 'rolling' : definition.ingress ? 'canary' : strategies[i % 2 === 0 ? 0 : 2],
      replicas: env.name === 'development' ? 1 : 2,
    };
  }),
}));
const big: number[] = [];
let objectCount = 0;
for (let i = 0; i < Math.max(3, Math.ceil(runs / 2)); i++) {
  const t0 = performance.now();
  const objects = renderApp(generated);
  writeOutputSync(scratch, 'big', [{ dir: path.join(scratch, 'big'), files: objects.map((o) => ({ path: o.path, content: toYaml(o.object) })), exclusive: true }]);
  big.push(performance.now() - t0);
  objectCount = objects.length;
}
fs.rmSync(scratch, { recursive: true, force: true });

const f = (ms: number) => `${(ms / 1000).toFixed(3)} s`;
const ratio = (ms: number) => (ms / floorMs).toFixed(2);
console.log(`runs: ${runs}, node ${process.version}, ${os.cpus().length} CPUs, load average ${os.loadavg()[0].toFixed(1)}`);
console.log(`floor: node loading cdk8s + cdk8s-plus-28 (median):        ${f(floorMs)}`);
console.log(`npm run synth, up to date (median):                       ${f(median(upToDate))}  ratio ${ratio(median(upToDate))} (goal <= 3)`);
console.log(`npm run synth, after an edit of development (median):    ${f(median(developmentEdit))}  ratio ${ratio(median(developmentEdit))} (goal <= 3)`);
console.log(`npm run synth, after an edit of production (median):     ${f(median(productionEdit))}  ratio ${ratio(median(productionEdit))} (goal <= 3)`);
console.log(`npm run synth, inputs unchanged, stamp removed (median):  ${f(median(unchanged))}  ratio ${ratio(median(unchanged))}`);
console.log(`node scripts/synth.js, production edit, without npm (median): ${f(median(withoutNpm))}  ratio ${ratio(median(withoutNpm))}`);
console.log(`100 services x 4 environments (${objectCount} objects, median): ${f(median(big))} (goal < 2 s)`);

// 3. The test suite, cold and warm (scripts/bench-test-suite.ts).
if (!synthOnly) console.log(formatTestSuiteFigures(measureTestSuite(root, Math.max(3, Math.ceil(runs / 2)))));
