/**
 * `set-image <env> <service> <image>`: sets one service's image (`<tag>@sha256:<hex>`, the
 * `tag` field) in environments/<env>.yaml. Only the image's characters change: the file is edited at the tag's source position (found with
 * the yaml Document API), so comments, blank lines, key order and flow-style maps stay exactly as
 * they were. The result is schema-checked before it is written and the whole set of environments
 * is re-validated after; a failure leaves the file as it was.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Argument, Command } from 'commander';
import { Scalar, isScalar, parse, parseDocument } from 'yaml';
import type { ServiceName } from '../../config/catalog';
import { ConfigError, loadEnvironments, parseEnvironmentFile, readEnvironmentText } from '../../config/load';
import { DIGEST_REQUIRED_ENVIRONMENTS } from '../../config/release-loop';
import { ENVIRONMENT_NAMES, EnvironmentName } from '../../config/schema';
import { imageVersionProblem, parseImageVersion } from '../../rules/image-ref';
import { withFileLock, writeFileAtomic } from '../file-update';
import { CliContext, EXIT_CHECK_FAILED, EXIT_OK, UsageError, environmentArgument, environmentsDirOption, line, serviceArgument, withExitCodes } from '../context';

/** Undefined when `image` is `<tag>@sha256:<hex>` or a valid bare tag; otherwise why not. */
export function imageProblem(image: string): string | undefined {
  return imageVersionProblem(image);
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

/** The image scalar of a service, with its source range. */
function imageNode(text: string, file: string, service: ServiceName): Scalar {
  const doc = parseDocument(text);
  if (doc.errors.length > 0) throw new UsageError(`${file}: not valid YAML: ${doc.errors[0].message.split('\n')[0]}`);
  const node = doc.getIn(['services', service, 'tag'], true);
  if (!isScalar(node) || node.range === undefined || node.range === null) {
    throw new UsageError(`${file}: services.${service}.tag: not found; expected a scalar image version under services.${service}`);
  }
  return node;
}

/** The image a service has in the file's text. */
export function currentImage(text: string, file: string, service: ServiceName): string {
  return String(imageNode(text, file, service).value);
}

/** How `image` is written in place of `node`: same quoting style; quoted when a plain scalar would not read back as that string. */
function scalarSource(node: Scalar, image: string): string {
  if (node.type === Scalar.QUOTE_SINGLE) return `'${image}'`;
  if (node.type === Scalar.PLAIN && parse(image) === image) return image;
  return JSON.stringify(image);
}

/** The file text with one service's image replaced; everything else byte for byte the same. */
export function replaceImage(text: string, file: string, service: ServiceName, image: string): string {
  const node = imageNode(text, file, service);
  const [start, end] = node.range as [number, number, number];
  const next = `${text.slice(0, start)}${scalarSource(node, image)}${text.slice(end)}`;
  // Read back: the image is what we asked for, and nothing else in the document changed.
  const before = parse(text) as { services: Record<string, { tag: unknown }> };
  const after = parse(next) as { services: Record<string, { tag: unknown }> };
  before.services[service].tag = image;
  if (JSON.stringify(before) !== JSON.stringify(after)) throw new Error(`set-image: editing ${file} would change more than services.${service}.tag`);
  return next;
}

export interface ImageChange {
  readonly service: ServiceName;
  readonly previous: string;
  readonly image: string;
}

/**
 * Replaces images in an environment file under its lock, through a temporary file, then
 * re-validates every environment; an invalid result is never left behind. Returns the changes
 * made (none when every service already has its image).
 */
export function writeImages(dir: string, env: EnvironmentName, images: ReadonlyMap<ServiceName, string>): ImageChange[] {
  const { file } = environmentFile(dir, env);
  let changes: ImageChange[] = [];
  withFileLock(file, () => {
    const { text } = environmentFile(dir, env);
    let next = text;
    changes = [];
    for (const [service, image] of images) {
      const previous = currentImage(next, file, service);
      if (previous === image) continue;
      next = replaceImage(next, file, service, image);
      changes.push({ service, previous, image });
    }
    if (changes.length === 0) return;
    try {
      parseEnvironmentFile(file, next);
    } catch (err) {
      if (err instanceof ConfigError) throw new UsageError(`${file} would be invalid after the edit; not written:\n${err.message}`);
      throw err;
    }
    writeFileAtomic(file, next);
    try {
      loadEnvironments(dir);
    } catch (err) {
      writeFileAtomic(file, text);
      throw err;
    }
  });
  return changes;
}

export interface SetImageResult {
  readonly file: string;
  readonly previous: string;
  readonly changed: boolean;
}

/** Validates the arguments, edits the file, and re-validates every environment. */
export function setImage(dir: string, env: EnvironmentName, service: ServiceName, image: string): SetImageResult {
  const problem = imageProblem(image);
  if (problem !== undefined) throw new UsageError(`invalid image "${image}": ${problem}`);
  if (DIGEST_REQUIRED_ENVIRONMENTS.includes(env) && parseImageVersion(image).digest === undefined) {
    throw new UsageError(`invalid image "${image}": ${env} runs images by digest; expected ${image}@sha256:<64 lowercase hex> (only ${ENVIRONMENT_NAMES.filter((e) => !DIGEST_REQUIRED_ENVIRONMENTS.includes(e)).join(', ')} take bare tags)`);
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
      .addArgument(new Argument('<image>', `<tag>@sha256:<64 lowercase hex>; a bare <tag> only in ${ENVIRONMENT_NAMES.filter((e) => !DIGEST_REQUIRED_ENVIRONMENTS.includes(e)).join(', ')}`))
      .addOption(environmentsDirOption())
      .action((env: EnvironmentName, service: ServiceName, image: string, opts: { environmentsDir: string }) => {
        let result: SetImageResult;
        try {
          result = setImage(opts.environmentsDir, env, service, image);
        } catch (err) {
          if (err instanceof ConfigError) {
            ctx.io.err(line(`error: the environments are invalid after the edit; ${env}.yaml was restored:\n${err.message}`));
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
