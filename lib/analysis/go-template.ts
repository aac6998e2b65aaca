/**
 * A renderer for the small subset of Go's text/template that the notification templates use
 * (lib/config/notifications.ts), with Go's semantics for it, so tests can render a template
 * from a sample object and check the result (a webhook body must be JSON). Supported actions:
 *
 * - `{{.a.b.c}}`: a field path from the root (map keys);
 * - `{{index .a.b "key"}}` and `{{index .a.b 0}}`: a map key or list element;
 * - `{{(index .a.b 0).c.d}}`: fields of an index result.
 *
 * Semantics, as text/template with its default `missingkey=default` on map values: a missing
 * final map key prints `<no value>`; a field of a missing (nil) value is an error; an index out
 * of range is an error. Strings print as they are, numbers and booleans as Go prints them. Any
 * other action (pipes, functions, range, if, variables) is refused: a template using one must
 * not pass a check that cannot evaluate it.
 */

/** What Go prints for a missing map key under `missingkey=default`. */
export const NO_VALUE = '<no value>';

const MISSING = Symbol('missing');
type Value = unknown;

function field(value: Value, name: string, where: string): Value {
  if (value === MISSING || value === null || value === undefined) throw new Error(`${where}: nil pointer evaluating .${name}`);
  if (typeof value !== 'object' || Array.isArray(value)) throw new Error(`${where}: can't evaluate field ${name} in a ${Array.isArray(value) ? 'list' : typeof value}`);
  return Object.prototype.hasOwnProperty.call(value, name) ? (value as Record<string, Value>)[name] : MISSING;
}

function path(root: Value, dotted: string, where: string): Value {
  if (dotted === '.') return root;
  if (!/^(\.[A-Za-z_][A-Za-z0-9_]*)+$/.test(dotted)) throw new Error(`${where}: "${dotted}" is not a field path such as .a.b`);
  return dotted
    .slice(1)
    .split('.')
    .reduce((v, name) => field(v, name, where), root);
}

function index(value: Value, key: string, where: string): Value {
  if (value === MISSING || value === null || value === undefined) throw new Error(`${where}: index of untyped nil`);
  const str = /^"((?:[^"\\]|\\.)*)"$/.exec(key);
  if (str !== null) {
    if (typeof value !== 'object' || Array.isArray(value)) throw new Error(`${where}: can't index a ${Array.isArray(value) ? 'list' : typeof value} with a string`);
    const k = JSON.parse(`"${str[1]}"`) as string;
    return Object.prototype.hasOwnProperty.call(value, k) ? (value as Record<string, Value>)[k] : MISSING;
  }
  if (/^\d+$/.test(key)) {
    if (!Array.isArray(value)) throw new Error(`${where}: can't index a ${typeof value} with an integer`);
    const i = Number(key);
    if (i >= value.length) throw new Error(`${where}: error calling index: index out of range: ${i}`);
    return value[i] as Value;
  }
  throw new Error(`${where}: index argument ${key} is not a string or integer literal`);
}

function print(value: Value, where: string): string {
  if (value === MISSING) return NO_VALUE;
  if (value === null || value === undefined) return NO_VALUE;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw new Error(`${where}: prints a ${Array.isArray(value) ? 'list' : 'map'}; expected a scalar`);
}

const INDEX = /^index\s+(\.[\w.]*)\s+("(?:[^"\\]|\\.)*"|\d+)$/;
const INDEX_FIELDS = /^\(index\s+(\.[\w.]*)\s+("(?:[^"\\]|\\.)*"|\d+)\)((?:\.[A-Za-z_][A-Za-z0-9_]*)+)$/;

/** Evaluates one action's text (between `{{` and `}}`). */
function evaluate(action: string, root: Value, where: string): string {
  const a = action.trim();
  if (a.startsWith('.')) return print(path(root, a, where), where);
  let m = INDEX.exec(a);
  if (m !== null) return print(index(path(root, m[1], where), m[2], where), where);
  m = INDEX_FIELDS.exec(a);
  if (m !== null) {
    const base = index(path(root, m[1], where), m[2], where);
    return print(
      m[3]
        .slice(1)
        .split('.')
        .reduce((v, name) => field(v, name, where), base),
      where,
    );
  }
  throw new Error(`${where}: action {{${action}}} is outside the supported subset; expected {{.a.b}}, {{index .a.b "k"}} or {{(index .a.b 0).c}}`);
}

/** Renders `template` with `data` as the root (`.`); `name` goes into error messages. */
export function renderGoTemplate(template: string, data: Record<string, unknown>, name = 'template'): string {
  let out = '';
  let rest = template;
  for (;;) {
    const open = rest.indexOf('{{');
    // Outside actions `}}` is plain text for Go (a JSON body may end with it).
    if (open < 0) return out + rest;
    const close = rest.indexOf('}}', open + 2);
    if (close < 0) throw new Error(`${name}: unclosed action`);
    const prefix = rest.slice(0, open);
    let action = rest.slice(open + 2, close);
    // Go's trim markers `{{- ` and ` -}}` are not used here; refuse them rather than guess.
    if (/^-\s|\s-$/.test(action)) throw new Error(`${name}: trim markers are outside the supported subset`);
    action = action.trim();
    out += prefix + evaluate(action, data, `${name}: {{${action}}}`);
    rest = rest.slice(close + 2);
  }
}
