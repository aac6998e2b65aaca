/**
 * Image references, in one place: what an environment file may say (`<tag>@sha256:<hex>`, or a
 * bare `<tag>` where the environment allows it), what a dispatch payload may carry (also
 * `<repository>:<tag>@sha256:<hex>`), and what dist/ renders (`<repository>:<tag>@sha256:<hex>`).
 */

/** A Docker tag: letters, digits, `_`, `.`, `-`; at most 128 characters; no leading `.` or `-`. */
export const IMAGE_TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
/** An OCI digest as the registries and Kubernetes write it: sha256 and 64 lowercase hex digits. */
export const IMAGE_DIGEST = /^sha256:[0-9a-f]{64}$/;

export interface ImageRef {
  /** A label for people (the commit sha, a version). */
  readonly tag: string;
  /** What runs: `sha256:<hex>`; undefined for a bare tag. */
  readonly digest?: string;
}

/** Why `text` is not `<tag>@sha256:<hex>` or `<tag>`; undefined when it is. */
export function imageRefProblem(text: string): string | undefined {
  const at = text.indexOf('@');
  const tag = at < 0 ? text : text.slice(0, at);
  if (tag === '') return 'expected <tag>@sha256:<64 lowercase hex> (the tag is missing)';
  if (!IMAGE_TAG.test(tag)) return `expected a Docker image tag before "@" ([A-Za-z0-9_.-], at most 128 characters), found "${tag}"`;
  if (tag.toLowerCase() === 'latest') return 'expected a pinned image tag, not "latest"';
  if (at >= 0 && !IMAGE_DIGEST.test(text.slice(at + 1))) return `expected the digest after "@" to be sha256:<64 lowercase hex>, found "${text.slice(at + 1)}"`;
  return undefined;
}

/** Parses `<tag>@sha256:<hex>` or `<tag>`; throws with the reason otherwise. */
export function parseImageRef(text: string): ImageRef {
  const problem = imageRefProblem(text);
  if (problem !== undefined) throw new Error(problem);
  const at = text.indexOf('@');
  return at < 0 ? { tag: text } : { tag: text.slice(0, at), digest: text.slice(at + 1) };
}

/** `<tag>@sha256:<hex>` or `<tag>`. */
export function formatImageRef(ref: ImageRef): string {
  return ref.digest === undefined ? ref.tag : `${ref.tag}@${ref.digest}`;
}

/** The reference Kubernetes pulls: `<repository>:<tag>@sha256:<hex>` (the digest wins over the tag). */
export function fullImage(repository: string, ref: ImageRef): string {
  return `${repository}:${formatImageRef(ref)}`;
}

/**
 * Splits `<repository>:<tag>@sha256:<hex>` (as a Rollout's spec or a build reports it). The
 * repository is everything before the last `:` that precedes the `@`.
 */
export function parseFullImage(text: string): { readonly repository: string; readonly ref: ImageRef } {
  const at = text.indexOf('@');
  const head = at < 0 ? text : text.slice(0, at);
  const colon = head.lastIndexOf(':');
  if (colon <= 0 || head.slice(colon).includes('/')) throw new Error(`expected <repository>:<tag>@sha256:<64 lowercase hex>, found "${text}"`);
  return { repository: head.slice(0, colon), ref: parseImageRef(text.slice(colon + 1)) };
}
