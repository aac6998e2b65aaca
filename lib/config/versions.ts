/**
 * Every image and version the manifests pin, in one place. Exam-system tags come from the
 * environment files; the repository they are pulled from is fixed here.
 */

/** The exam system's images: ghcr.io/<org>/exam-system/<service> (seed: registry ghcr.io, image name exam-system). */
export const EXAM_SYSTEM_REGISTRY = 'ghcr.io/exam-platform/exam-system';

export function imageRepository(service: string): string {
  return `${EXAM_SYSTEM_REGISTRY}/${service}`;
}
