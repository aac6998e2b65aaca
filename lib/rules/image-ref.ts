/**
 * Image references, parsed, formatted and validated in one place. The grammar is the OCI
 * distribution reference's (github.com/distribution/reference, regexp.go), narrowed to what
 * this project pins:
 *
 *     <repository>[:<tag>][@sha256:<64 lowercase hex>]      a full reference (pod specs, versions.ts)
 *     <tag>[@sha256:<64 lowercase hex>]                     an image version (environment files)
 *
 * A tag is a label for people; a digest is what runs. A reference is pinned when it has a
 * digest, or a tag other than `latest`. Imports nothing else from lib/.
 */

/** `[\w][\w.-]{0,127}`: a Docker tag. */
const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
/** The only digest algorithm pinned here: `sha256:` and 64 lowercase hex digits. */
const DIGEST = /^sha256:[a-f0-9]{64}$/;
/** Path components of a repository: lowercase alphanumerics joined by `.`, `_`, `__` or `-`+. */
const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
/** A registry host, optionally with a port. */
const DOMAIN = /^(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])(?:\.(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]))*(?::[0-9]+)?$/;

export interface ImageRef {
  /** `ghcr.io/org/name`; undefined for an image version (tag and digest only). */
  readonly repository?: string;
  readonly tag?: string;
  /** `sha256:<hex>`. */
  readonly digest?: string;
}

/** Splits `[<repository>:]...`: the digest after `@`, the tag after the last `:` that follows the last `/`. */
function split(ref: string): { name: string; tag?: string; digest?: string } {
  const at = ref.indexOf('@');
  const digest = at === -1 ? undefined : ref.slice(at + 1);
  const rest = at === -1 ? ref : ref.slice(0, at);
  const colon = rest.lastIndexOf(':');
  if (colon === -1 || colon < rest.lastIndexOf('/')) return { name: rest, digest };
  return { name: rest.slice(0, colon), tag: rest.slice(colon + 1), digest };
}

/** A full reference → repository, tag, digest (a registry port is not a tag). No validation: see `imageRefProblem`. */
export function parseImageRef(ref: string): ImageRef {
  const { name, tag, digest } = split(ref);
  return { repository: name, ...(tag === undefined || tag === '' ? {} : { tag }), ...(digest === undefined || digest === '' ? {} : { digest }) };
}

/** An image version (`<tag>` or `<tag>@sha256:<hex>`) → tag and digest. No validation: see `imageVersionProblem`. */
export function parseImageVersion(version: string): ImageRef & { readonly tag: string } {
  const at = version.indexOf('@');
  if (at === -1) return { tag: version };
  return { tag: version.slice(0, at), digest: version.slice(at + 1) };
}

/** The tag of a full reference (`''` when it has none; `imageRefProblem(ref, { requireTag: true })` refuses that). */
export function tagOfImageRef(ref: string): string {
  return parseImageRef(ref).tag ?? '';
}

/** `<repository>[:<tag>][@<digest>]`, or `<tag>[@<digest>]` without a repository. */
export function formatImageRef(ref: ImageRef): string {
  const version = `${ref.tag ?? ''}${ref.digest === undefined ? '' : `@${ref.digest}`}`;
  if (ref.repository === undefined) return version;
  return `${ref.repository}${ref.tag === undefined ? '' : ':'}${version}`;
}

/** Undefined for a valid tag that pins (not `latest`); otherwise what was expected. */
export function tagProblem(tag: string): string | undefined {
  if (tag === '') return 'expected a non-empty image tag';
  if (!TAG.test(tag)) return 'expected a Docker image tag ([A-Za-z0-9_.-], at most 128 characters, not starting with "." or "-")';
  if (tag.toLowerCase() === 'latest') return 'expected a pinned image tag, not "latest"';
  return undefined;
}

/** Undefined for `sha256:<64 lowercase hex>`. */
export function digestProblem(digest: string): string | undefined {
  return DIGEST.test(digest) ? undefined : `expected a digest sha256:<64 lowercase hex digits>, found "${digest}"`;
}

/** Undefined for `<tag>` or `<tag>@sha256:<hex>` (what an environment file holds). */
export function imageVersionProblem(version: string): string | undefined {
  const { tag, digest } = parseImageVersion(version);
  return tagProblem(tag ?? '') ?? (digest === undefined ? undefined : digestProblem(digest));
}

export interface ImageRefRules {
  /** Require a tag even when a digest pins the image (a construct labels pods with it). @default false */
  readonly requireTag?: boolean;
}

/** Undefined for a valid, pinned full reference; otherwise what was expected. */
export function imageRefProblem(ref: string, rules: ImageRefRules = {}): string | undefined {
  const { repository, tag, digest } = parseImageRef(ref);
  const parts = (repository ?? '').split('/');
  const domain = parts.length > 1 && /[.:]|^localhost$/.test(parts[0]) ? parts.shift()! : undefined;
  if (repository === '' || (domain !== undefined && !DOMAIN.test(domain)) || !parts.every((p) => PATH_COMPONENT.test(p))) {
    return `expected <repository>[:<tag>][@sha256:<hex>] with a lower-case repository such as ghcr.io/org/name, found "${ref}"`;
  }
  if (digest !== undefined && digestProblem(digest) !== undefined) return digestProblem(digest);
  if (tag !== undefined) return tagProblem(tag);
  if (rules.requireTag === true || digest === undefined) return `expected a pinned image (a tag other than latest, or a digest), found "${ref}"`;
  return undefined;
}
