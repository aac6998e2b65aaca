/**
 * Every image and version the manifests pin, in one place. Exam-system tags come from the
 * environment files; the repository they are pulled from is fixed here.
 */

/** The exam system's images: ghcr.io/<org>/exam-system/<service> (seed: registry ghcr.io, image name exam-system). */
export const EXAM_SYSTEM_REGISTRY = 'ghcr.io/exam-platform/exam-system';

export function imageRepository(service: string): string {
  return `${EXAM_SYSTEM_REGISTRY}/${service}`;
}

/**
 * Flagsmith, the feature-flag controller (seed §4.2: `flagsmith/flagsmith`, the unified API +
 * dashboard image). 2.238.0 is the appVersion of Flagsmith's own Helm chart 0.82.0; Docker Hub
 * tags are the release version without a leading "v". Its ENTRYPOINT is `run-docker.sh`, whose
 * `serve` (the Deployment) and `migrate` (the migration Job) this project runs; later releases
 * replace the entrypoint with the `flagsmith` CLI, so check both commands when bumping.
 */
// renovate: datasource=docker depName=docker.io/flagsmith/flagsmith
export const FLAGSMITH_VERSION = '2.238.0';
export const FLAGSMITH_IMAGE = `docker.io/flagsmith/flagsmith:${FLAGSMITH_VERSION}`;

/**
 * Falco (seed §6.2). 0.44.1 is the latest 0.44.x patch release (2026-06, after 0.44.0 of
 * 2026-05-26; Falco's website and Helm chart 9.1.0 moved to it). The `-debian` variant of the
 * same release is used because its image installs jq and curl, which program_output needs to
 * post alerts to Alertmanager; the default variant is a minimal image built for Falco alone.
 */
// renovate: datasource=docker depName=docker.io/falcosecurity/falco
export const FALCO_VERSION = '0.44.1';
export const FALCO_IMAGE = `docker.io/falcosecurity/falco:${FALCO_VERSION}-debian`;

/**
 * flagd, the OpenFeature flag daemon that evaluates ConfigMap `feature-flags` for the exam
 * services (the same evaluator as @openfeature/flagd-core, which the tests run). v0.16.1 is
 * the flagd release of 2026-07-27; its image runs a static binary on distroless.
 */
export const FLAGD_VERSION = '0.16.1';
export const FLAGD_IMAGE = `ghcr.io/open-feature/flagd:v${FLAGD_VERSION}`;
