/**
 * `set-image <env> <service> <image>`: sets one service's image, `<tag>@sha256:<hex>` (the
 * `tag` field; a bare `<tag>` only in development), in environments/<env>.yaml. staging, hotfix
 * and production run images by digest: a bare tag for them exits 2 and writes nothing.
 * Only the tag's characters change: the file is edited at the tag's source position (found with
 * the yaml Document API), so comments, blank lines, key order and flow-style maps stay exactly as
 * they were. The edit is a read-modify-write under the file's lock (lib/io/atomic-file.ts): the
 * new text is schema-checked and the whole set of environments re-validated with it in memory,
 * then it replaces the file atomically (temporary file, fsync, rename). A failure at any point
 * leaves the file as it was, and parallel runs wait for each other, so no update is lost.
 *
 * A file that uses YAML anchors or aliases is refused (file:line): through an alias, one edit
 * would silently change every other user of the value (docs/decisions.md).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Argument, Command } from 'commander';
import { LineCounter, Scalar, isAlias, isScalar, parse, parseDocument, visit } from 'yaml';
import type { ServiceName } from '../../config/catalog';
import { ConfigError, loadEnvironments, parseEnvironmentFile, readEnvironmentText } from '../../config/load';
import { updateFileAtomic } from '../../io/atomic-file';
import { DIGEST_REQUIRED_ENVIRONMENTS } from '../../config/release-loop';
import { ENVIRONMENT_NAMES, EnvironmentName, environmentSchema } from '../../config/schema';
import { parseImageVersion } from '../../rules/image-ref';
import { CliContext, EXIT_CHECK_FAILED, EXIT_OK, UsageError, environmentArgument, environmentsDirOption, line, serviceArgument, withExitCodes } from '../context';

/** The schema's own tag rule (pattern, length, never `latest`). */
const TAG_SCHEMA = environmentSchema.shape.services.valueType.shape.tag;

/** Undefined when `tag` is a valid image tag; otherwise why not. */
export function tagProblem(tag: string): string | undefined {
  const result = TAG_SCHEMA.safeParse(tag);
  return result.success ? undefined : result.error.issues.map((i) => i.message).join('; ');
}

export function environmentFile(dir: string, env: EnvironmentName): { file: string; text: string } {
  const file = path.join(dir, `${env}.yaml`);
  if (!fs.existsSync(file)) throw new UsageError(`${file}: not found; expected the ${env} environment file`);
  try {
    return { file, text: readEnvironmentText(file) };
  } catch (err) {
    if (err instanceof ConfigError) throw new UsageError(err.message);
    throw err;
  }
}

/** Undefined when the document has no anchor or alias; otherwise `file:line: ...` naming the first one. */
export function aliasProblem(text: string, file: string): string | undefined {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter });
  let found: { line: number; what: string } | undefined;
  visit(doc, (_key, node) => {
    const anchor = isAlias(node) ? `alias *${node.source}` : (node as { anchor?: string }).anchor ? `anchor &${(node as { anchor?: string }).anchor}` : undefined;
    if (anchor === undefined) return undefined;
    const range = (node as { range?: [number, number, number] }).range;
    found = { line: range ? lineCounter.linePos(range[0]).line : 0, what: anchor };
    return visit.BREAK;
  });
  if (found === undefined) return undefined;
  return `${file}:${found.line}: ${found.what}: YAML anchors and aliases are not supported in environment files (an edit through an alias would change every other user of the value); write each value out`;
}

/** The tag scalar of a service, with its source range. */
function tagNode(text: string, file: string, service: ServiceName): Scalar {
  const doc = parseDocument(text);
  if (doc.errors.length > 0) throw new UsageError(`${file}: not valid YAML: ${doc.errors[0].message.split('\n')[0]}`);
  const alias = aliasProblem(text, file);
  if (alias !== undefined) throw new UsageError(alias);
  const node = doc.getIn(['services', service, 'tag'], true);
  if (!isScalar(node) || node.range === undefined || node.range === null) {
    throw new UsageError(`${file}: services.${service}.tag: not found; expected a scalar tag under services.${service}`);
  }
  return node;
}

/** How `tag` is written in place of `node`: same quoting style; quoted when a plain scalar would not read back as that string. */
function scalarSource(node: Scalar, tag: string): string {
  if (node.type === Scalar.QUOTE_SINGLE) return `'${tag}'`;
  if (node.type === Scalar.PLAIN && parse(tag) === tag) return tag;
  return JSON.stringify(tag);
}

/** The file text with one service's tag replaced; everything else byte for byte the same. */
export function replaceTag(text: string, file: string, service: ServiceName, tag: string): string {
  const node = tagNode(text, file, service);
  const [start, end] = node.range as [number, number, number];
  const next = `${text.slice(0, start)}${scalarSource(node, tag)}${text.slice(end)}`;
  // Read back: the tag is what we asked for, and nothing else in the document changed.
  const before = parse(text) as { services: Record<string, { tag: unknown }> };
  const after = parse(next) as { services: Record<string, { tag: unknown }> };
  before.services[service].tag = tag;
  if (JSON.stringify(before) !== JSON.stringify(after)) throw new Error(`set-image: editing ${file} would change more than services.${service}.tag`);
  return next;
}

export interface ImageChange {
  readonly service: ServiceName;
  readonly previous: string;
  readonly image: string;
}

/** The image (`tag` field) a service has in a file's text. */
export function currentImage(text: string, file: string, service: ServiceName): string {
  return String(tagNode(text, file, service).value);
}

/**
 * Sets several services' images in one environment file in one locked read-modify-write: the new
 * text is schema-checked and every environment re-validated with it before it replaces the file
 * (temporary file and rename). Returns the changes (none when every image is already there).
 */
export function writeImages(dir: string, env: EnvironmentName, images: ReadonlyMap<ServiceName, string>): ImageChange[] {
  const { file } = environmentFile(dir, env);
  let changes: ImageChange[] = [];
  updateFileAtomic(file, (text) => {
    if (text === undefined) throw new UsageError(`${file}: not found; expected the ${env} environment file`);
    changes = [];
    let next = text;
    for (const [service, image] of images) {
      const previous = currentImage(next, file, service);
      if (previous === image) continue;
      next = replaceTag(next, file, service, image);
      changes.push({ service, previous, image });
    }
    if (changes.length === 0) return undefined;
    try {
      parseEnvironmentFile(file, next);
    } catch (err) {
      if (err instanceof ConfigError) throw new UsageError(`${file} would be invalid after the edit; not written:\n${err.message}`);
      throw err;
    }
    loadEnvironments(dir, new Map([[file, next]]));
    return next;
  });
  return changes;
}

export interface SetImageResult {
  readonly file: string;
  readonly previous: string;
  readonly changed: boolean;
}

/** The environments that take a bare tag. */
const BARE_TAG_ENVIRONMENTS = ENVIRONMENT_NAMES.filter((e) => !DIGEST_REQUIRED_ENVIRONMENTS.includes(e));

/** Validates the arguments, edits the file, and re-validates every environment. */
export function setImage(dir: string, env: EnvironmentName, service: ServiceName, image: string): SetImageResult {
  const problem = tagProblem(image);
  if (problem !== undefined) throw new UsageError(`invalid image "${image}": ${problem}`);
  if (DIGEST_REQUIRED_ENVIRONMENTS.includes(env) && parseImageVersion(image).digest === undefined) {
    throw new UsageError(`invalid image "${image}": ${env} runs images by digest; expected ${image}@sha256:<64 lowercase hex> (only ${BARE_TAG_ENVIRONMENTS.join(', ')} take bare tags)`);
  }
  const { file, text } = environmentFile(dir, env);
  const before = currentImage(text, file, service);
  const [change] = writeImages(dir, env, new Map([[service, image]]));
  return { file, previous: change?.previous ?? before, changed: change !== undefined };
}

export function registerSetImage(program: Command, ctx: CliContext): void {
  withExitCodes(
    program
      .command('set-image')
      .description("Set a service's image in environments/<env>.yaml (locked, atomic, keeping comments and formatting); validates before and after.")
      .addArgument(environmentArgument('env', 'environment'))
      .addArgument(serviceArgument())
      .addArgument(new Argument('<image>', `<tag>@sha256:<64 lowercase hex> (the tag, e.g. the commit sha: [A-Za-z0-9_.-], a valid label value, not "latest"); a bare <tag> only in ${BARE_TAG_ENVIRONMENTS.join(', ')}`))
      .addOption(environmentsDirOption())
      .action((env: EnvironmentName, service: ServiceName, image: string, opts: { environmentsDir: string }) => {
        let result: SetImageResult;
        try {
          result = setImage(opts.environmentsDir, env, service, image);
        } catch (err) {
          if (err instanceof ConfigError) {
            ctx.io.err(line(`error: the environments would be invalid after the edit; ${env}.yaml was not changed:\n${err.message}`));
            ctx.exitCode = EXIT_CHECK_FAILED;
            return;
          }
          throw err;
        }
        ctx.io.out(line(result.changed ? `${env}: ${service} ${result.previous} → ${image} (${path.basename(result.file)})` : `${env}: ${service} already at ${image}; nothing to change`));
        ctx.exitCode = EXIT_OK;
      }),
  );
}
