/**
 * The layering of lib/ (README "Layout"): rules/ imports nothing else from lib/; config/ imports
 * only rules/ and paths (it is data and its schema); constructs/ never import charts, analysis,
 * output or the CLI; and no module imports itself back through others (no cycles). Type-only
 * imports count: a type is a dependency of the layer too.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

const LIB = path.resolve(__dirname, '..', 'lib');

/** lib-relative module paths without extension, e.g. `config/load`. */
function modules(dir = LIB): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return modules(full);
    return e.isFile() && e.name.endsWith('.ts') ? [path.relative(LIB, full).replace(/\.ts$/, '').split(path.sep).join('/')] : [];
  });
}

const IMPORT = /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|\brequire\(\s*['"]([^'"]+)['"]\s*\)|\bimport\(\s*['"]([^'"]+)['"]\s*\)/g;

/** The lib/ modules one module imports (relative specifiers resolved; packages and imports/ left out). */
export function importsOf(mod: string, text: string, known: ReadonlySet<string>): string[] {
  const out = new Set<string>();
  for (const m of text.matchAll(IMPORT)) {
    const spec = m[1] ?? m[2] ?? m[3];
    if (!spec.startsWith('.')) continue;
    const target = path.posix.normalize(path.posix.join(path.posix.dirname(mod), spec));
    for (const candidate of [target, `${target}/index`]) if (known.has(candidate)) out.add(candidate);
  }
  return [...out].sort();
}

const MODULES = modules().sort();
const KNOWN = new Set(MODULES);
const GRAPH = new Map(MODULES.map((m) => [m, importsOf(m, fs.readFileSync(path.join(LIB, `${m}.ts`), 'utf8'), KNOWN)]));

const layer = (mod: string) => (mod.includes('/') ? mod.slice(0, mod.indexOf('/')) : mod);

/** What each layer must not import. */
const FORBIDDEN: Readonly<Record<string, readonly string[]>> = {
  rules: ['config', 'constructs', 'charts', 'analysis', 'cli', 'output', 'app', 'synth', 'paths'],
  config: ['constructs', 'charts', 'analysis', 'cli', 'output', 'app', 'synth'],
  constructs: ['charts', 'analysis', 'cli', 'output', 'app', 'synth'],
};

/** Every elementary cycle's first edge found by a depth-first search, as `a → b → ... → a`. */
export function findCycles(graph: ReadonlyMap<string, readonly string[]>): string[] {
  const cycles: string[] = [];
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (node: string) => {
    state.set(node, 'open');
    stack.push(node);
    for (const next of graph.get(node) ?? []) {
      if (state.get(next) === 'open') cycles.push([...stack.slice(stack.indexOf(next)), next].join(' → '));
      else if (state.get(next) === undefined) visit(next);
    }
    stack.pop();
    state.set(node, 'done');
  };
  for (const node of [...graph.keys()].sort()) if (state.get(node) === undefined) visit(node);
  return cycles;
}

describe('the layering of lib/', () => {
  test('the walker sees the imports (it found the config schema imported by the loader)', () => {
    expect(MODULES.length).toBeGreaterThan(40);
    expect(GRAPH.get('config/load')).toContain('config/schema');
    expect(GRAPH.get('cli/main')).toContain('cli/context');
  });

  test.each(Object.keys(FORBIDDEN))('%s/ imports nothing above it', (from) => {
    const bad = [...GRAPH].flatMap(([mod, deps]) => (layer(mod) === from ? deps.filter((d) => FORBIDDEN[from].includes(layer(d))).map((d) => `${mod} → ${d}`) : []));
    expect(bad).toEqual([]);
  });

  test('no import cycle', () => {
    expect(findCycles(GRAPH)).toEqual([]);
  });

  test('the checks catch what they look for', () => {
    const known = new Set(['config/a', 'analysis/b', 'rules/c']);
    const text = "import type { X } from '../analysis/b';\nexport { Y } from '../rules/c';\nconst z = require('./missing');";
    expect(importsOf('config/a', text, known)).toEqual(['analysis/b', 'rules/c']);
    expect(findCycles(new Map([['a', ['b']], ['b', ['c']], ['c', ['a']], ['d', ['a']]]))).toEqual(['a → b → c → a']);
    expect(findCycles(new Map([['a', ['b']], ['b', []]]))).toEqual([]);
  });
});
