/**
 * The object-level difference between two sets of manifests (what `argocd app diff` or
 * `tk diff` shows): objects added, removed and changed, by kind/namespace/name, with the changed
 * field paths and their old and new values. Pure: no files, no clock.
 */
import type { KubeObject } from '../output/render';
import { apiGroupOf, formatObjectId } from '../rules/objects';

/** One manifest: the object and the dist/-relative file it lives in. */
export interface PlanInput {
  readonly path: string;
  readonly object: KubeObject;
}

/** One changed field. `undefined` means the field is absent on that side. */
export interface FieldChange {
  /** e.g. `spec.template.spec.containers[name=auth-service].image`. */
  readonly path: string;
  readonly before: unknown;
  readonly after: unknown;
}

export interface ObjectRef {
  readonly apiVersion: string;
  readonly kind: string;
  readonly namespace: string | undefined;
  readonly name: string;
}

export interface ObjectChange {
  readonly action: 'add' | 'remove' | 'change';
  readonly ref: ObjectRef;
  /** The file before (remove, change) and after (add, change). */
  readonly beforePath?: string;
  readonly afterPath?: string;
  /** For `change`: the field differences, and `(file)` when only the file moved. */
  readonly fields: readonly FieldChange[];
}

export interface Plan {
  readonly added: readonly ObjectChange[];
  readonly removed: readonly ObjectChange[];
  readonly changed: readonly ObjectChange[];
}

/** The identity Kubernetes uses: group, kind, namespace, name (not the version, not the file). */
export function objectKey(o: KubeObject): string {
  return [apiGroupOf(o.apiVersion), o.kind, o.metadata.namespace ?? '', o.metadata.name].join('|');
}

function refOf(o: KubeObject): ObjectRef {
  return { apiVersion: o.apiVersion, kind: o.kind, namespace: o.metadata.namespace, name: o.metadata.name };
}

/** `Kind namespace/name` (`(cluster)` for cluster-scoped objects), as every message names an object. */
export function describeRef(ref: ObjectRef): string {
  return formatObjectId(ref.kind, ref.namespace, ref.name);
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

function keyPath(parent: string, key: string): string {
  if (IDENTIFIER.test(key)) return parent === '' ? key : `${parent}.${key}`;
  return `${parent}[${JSON.stringify(key)}]`;
}

/** Arrays whose elements all carry a distinct string `name` are matched by name, not position. */
function namedElements(a: readonly unknown[]): Map<string, unknown> | undefined {
  const out = new Map<string, unknown>();
  for (const e of a) {
    if (!isPlainObject(e) || typeof e.name !== 'string' || out.has(e.name)) return undefined;
    out.set(e.name, e);
  }
  return out;
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  if (isPlainObject(a) && isPlainObject(b)) {
    const ka = Object.keys(a).filter((k) => a[k] !== undefined);
    const kb = Object.keys(b).filter((k) => b[k] !== undefined);
    return ka.length === kb.length && ka.every((k) => deepEqual(a[k], b[k]));
  }
  return false;
}

/** Every leaf-most differing path between two values, in a stable order. */
export function diffValues(before: unknown, after: unknown, path = ''): FieldChange[] {
  if (deepEqual(before, after)) return [];
  if (isPlainObject(before) && isPlainObject(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    return keys.flatMap((k) => diffValues(before[k], after[k], keyPath(path, k)));
  }
  if (Array.isArray(before) && Array.isArray(after)) {
    const nb = namedElements(before);
    const na = namedElements(after);
    if (nb !== undefined && na !== undefined) {
      const names = [...nb.keys(), ...[...na.keys()].filter((n) => !nb.has(n))];
      const out = names.flatMap((n) => diffValues(nb.get(n), na.get(n), `${path}[name=${n}]`));
      // Order can matter (Kubernetes keeps it); report a reorder of the items both sides share.
      const orderBefore = [...nb.keys()].filter((n) => na.has(n));
      const orderAfter = [...na.keys()].filter((n) => nb.has(n));
      if (orderBefore.join('\u0000') !== orderAfter.join('\u0000')) out.unshift({ path: `${path} (order)`, before: orderBefore, after: orderAfter });
      return out;
    }
    const length = Math.max(before.length, after.length);
    const out: FieldChange[] = [];
    for (let i = 0; i < length; i++) out.push(...diffValues(before[i], after[i], `${path}[${i}]`));
    return out;
  }
  return [{ path: path === '' ? '(object)' : path, before, after }];
}

function byRef(a: ObjectChange, b: ObjectChange): number {
  const ka = [a.ref.kind, a.ref.namespace ?? '', a.ref.name, a.afterPath ?? a.beforePath ?? ''].join('\u0000');
  const kb = [b.ref.kind, b.ref.namespace ?? '', b.ref.name, b.afterPath ?? b.beforePath ?? ''].join('\u0000');
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}

function index(inputs: readonly PlanInput[], side: string): Map<string, PlanInput> {
  const out = new Map<string, PlanInput>();
  for (const input of inputs) {
    const key = objectKey(input.object);
    const other = out.get(key);
    if (other !== undefined) {
      throw new Error(`${side}: ${describeRef(refOf(input.object))} is defined twice (${other.path} and ${input.path}); expected one file per object`);
    }
    out.set(key, input);
  }
  return out;
}

/** The plan that turns `before` (e.g. the committed dist/) into `after` (a fresh synth). */
export function planObjects(before: readonly PlanInput[], after: readonly PlanInput[]): Plan {
  const b = index(before, 'before');
  const a = index(after, 'after');
  const added: ObjectChange[] = [];
  const removed: ObjectChange[] = [];
  const changed: ObjectChange[] = [];
  for (const [key, next] of a) {
    const prev = b.get(key);
    if (prev === undefined) {
      added.push({ action: 'add', ref: refOf(next.object), afterPath: next.path, fields: [] });
      continue;
    }
    const fields = diffValues(prev.object, next.object);
    if (prev.path !== next.path) fields.unshift({ path: '(file)', before: prev.path, after: next.path });
    if (fields.length > 0) changed.push({ action: 'change', ref: refOf(next.object), beforePath: prev.path, afterPath: next.path, fields });
  }
  for (const [key, prev] of b) {
    if (!a.has(key)) removed.push({ action: 'remove', ref: refOf(prev.object), beforePath: prev.path, fields: [] });
  }
  return { added: added.sort(byRef), removed: removed.sort(byRef), changed: changed.sort(byRef) };
}

export function isEmptyPlan(plan: Plan): boolean {
  return plan.added.length + plan.removed.length + plan.changed.length === 0;
}

/** A value as one line: strings quoted, absent fields as `(absent)`, objects as compact JSON. */
export function formatValue(v: unknown, maxLength = Infinity): string {
  const text = v === undefined ? '(absent)' : JSON.stringify(v);
  return text.length > maxLength ? `${text.slice(0, Math.max(0, maxLength - 1))}…` : text;
}

function summary(plan: Plan): string {
  return `${plan.added.length} to add, ${plan.changed.length} to change, ${plan.removed.length} to remove`;
}

/** The plan as terminal text: `+` added, `~` changed (with field lines), `-` removed. */
export function formatPlanText(plan: Plan, against: string): string {
  if (isEmptyPlan(plan)) return `No differences: a fresh synth matches ${against}.\n`;
  const lines = [`Plan against ${against}: ${summary(plan)}.`, ''];
  for (const c of plan.added) lines.push(`+ ${describeRef(c.ref)}  (${c.afterPath})`);
  for (const c of plan.changed) {
    lines.push(`~ ${describeRef(c.ref)}  (${c.afterPath})`);
    for (const f of c.fields) lines.push(`    ${f.path}: ${formatValue(f.before)} → ${formatValue(f.after)}`);
  }
  for (const c of plan.removed) lines.push(`- ${describeRef(c.ref)}  (${c.beforePath})`);
  return `${lines.join('\n')}\n`;
}

/** Plain table-cell text: one line, pipes escaped (GFM splits cells on `|`). */
function mdCell(text: string): string {
  return text.replace(/\r?\n/g, ' ').replace(/\|/g, '\\|');
}

/** A code span inside a table cell; a value containing backticks gets a double-backtick fence. */
function mdCode(text: string): string {
  const cell = mdCell(text);
  return cell.includes('`') ? `\`\` ${cell} \`\`` : `\`${cell}\``;
}

export interface MarkdownOptions {
  /** Field rows shown per changed object before the rest is summarized. @default 40 */
  readonly maxFieldsPerObject?: number;
  /** Characters shown per value. @default 200 */
  readonly maxValueLength?: number;
}

/** The plan as GitHub-flavored Markdown: the pull request's job summary. */
export function formatPlanMarkdown(plan: Plan, against: string, options: MarkdownOptions = {}): string {
  const maxFields = options.maxFieldsPerObject ?? 40;
  const maxValue = options.maxValueLength ?? 200;
  const out = ['## Manifest plan', ''];
  if (isEmptyPlan(plan)) {
    out.push(`No differences: a fresh synth matches ${mdCell(against)}.`, '');
    return out.join('\n');
  }
  out.push(`Against ${mdCell(against)}: **${summary(plan)}**.`, '');
  const list = (title: string, changes: readonly ObjectChange[], file: (c: ObjectChange) => string | undefined) => {
    if (changes.length === 0) return;
    out.push(`### ${title}`, '', '| Kind | Namespace | Name | File |', '| --- | --- | --- | --- |');
    for (const c of changes) {
      out.push(`| ${mdCell(c.ref.kind)} | ${mdCell(c.ref.namespace ?? '(cluster)')} | ${mdCell(c.ref.name)} | ${mdCode(file(c) ?? '')} |`);
    }
    out.push('');
  };
  list('Added', plan.added, (c) => c.afterPath);
  list('Removed', plan.removed, (c) => c.beforePath);
  if (plan.changed.length > 0) {
    out.push('### Changed', '');
    for (const c of plan.changed) {
      out.push(`<details><summary><code>${mdCell(describeRef(c.ref))}</code> (${c.fields.length} field${c.fields.length === 1 ? '' : 's'})</summary>`, '');
      out.push('| Field | Before | After |', '| --- | --- | --- |');
      for (const f of c.fields.slice(0, maxFields)) {
        out.push(`| ${mdCode(f.path)} | ${mdCode(formatValue(f.before, maxValue))} | ${mdCode(formatValue(f.after, maxValue))} |`);
      }
      if (c.fields.length > maxFields) out.push(`| … ${c.fields.length - maxFields} more | | |`);
      out.push('', '</details>', '');
    }
  }
  return out.join('\n');
}
