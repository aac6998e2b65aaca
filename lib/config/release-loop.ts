/**
 * The release loop as data: how an image travels by digest from a service repository's build to
 * production, and who may say that it ran healthy. Workflows, the CLI, the notification and the
 * admission policy read these values; none re-types them. See docs/decisions.md, "The release
 * loop".
 *
 *   service repo ──build, sign, attest──▶ image-published ──▶ PR (staging / hotfix, auto-merge)
 *   cluster: Rollout healthy in staging ──▶ rollout-verified ──▶ ledger PR (auto-merge)
 *                                                            └─▶ promotion PR (production, review)
 */
import type { EnvironmentName } from './schema';

/** GitHub organisation of this repository and of the service repositories. */
export const GITHUB_OWNER = 'exam-platform';

/** This repository (the delivery repository): `repository_dispatch` events are sent here. */
export const DELIVERY_REPOSITORY = `${GITHUB_OWNER}/exam-delivery`;

/** The reusable build workflow the service repositories call (`uses: <repo>/<path>@<ref>`). */
export const BUILD_WORKFLOW_PATH = '.github/workflows/build-image.yml';

/**
 * The ref of the reusable workflow a signature may come from. Service repositories call it at
 * `@main`; the signing certificate's subject is then
 * `https://github.com/<delivery repo>/<path>@refs/heads/main`.
 */
export const BUILD_WORKFLOW_REF = 'refs/heads/main';

/** GitHub Actions' OIDC issuer: the only issuer a keyless signature is accepted from. */
export const OIDC_ISSUER = 'https://token.actions.githubusercontent.com';

/** The certificate subject (SAN) of a signature made by the reusable workflow. */
export const SIGNER_SUBJECT = `https://github.com/${DELIVERY_REPOSITORY}/${BUILD_WORKFLOW_PATH}@${BUILD_WORKFLOW_REF}`;

/**
 * The repositories allowed to call the reusable workflow for the exam system's images
 * (`githubWorkflowRepository` in the signing certificate: the caller, not the reusable workflow).
 * One repository per service, named after it.
 */
export function serviceRepository(service: string): string {
  return `${GITHUB_OWNER}/${service}`;
}

/** The `repository_dispatch` event types this repository handles. */
export const DISPATCH_TYPES = ['image-published', 'rollout-verified'] as const;
export type DispatchType = (typeof DISPATCH_TYPES)[number];

/** The `workflow_dispatch` requests a person can start (Actions → Release → Run workflow). */
export const MANUAL_REQUESTS = ['set-image', 'promote'] as const;
export type ManualRequest = (typeof MANUAL_REQUESTS)[number];

/**
 * Environments whose healthy releases count as evidence (`rollout-verified` is accepted from
 * them) and where they are promoted to. Both release like production (Rollouts with analysis).
 */
export const VERIFYING_ENVIRONMENTS: readonly EnvironmentName[] = ['staging', 'hotfix'];
export const PROMOTION_TARGET: EnvironmentName = 'production';

/** Environments whose files must pin every image by digest (a bare tag is a config error). */
export const DIGEST_REQUIRED_ENVIRONMENTS: readonly EnvironmentName[] = ['staging', 'hotfix', 'production'];

/** Pull requests for these environments merge by themselves once the checks pass. */
export const AUTO_MERGE_ENVIRONMENTS: readonly EnvironmentName[] = ['staging', 'hotfix'];

/**
 * The ledger of verified digests: environments/verified/<env>.yaml, next to the environment
 * files, committed. `record-verified` writes it; `promote` reads it.
 */
export const LEDGER_FOLDER = 'verified';

/** Where pending requests are recorded before anything renders them (see release.yml). */
export const REQUEST_QUEUE_BRANCH = 'release-queue';

/** The pull-request branch of a queue: one per environment (and one per ledger). */
export function pullRequestBranch(queue: string): string {
  return `bot/${queue}`;
}

/** The Sigstore transparency log a signature must be recorded in (cosign's default). */
export const REKOR_URL = 'https://rekor.sigstore.dev';

/** The admission policy's name, its webhook timeout, and what happens when Kyverno cannot answer. */
export const IMAGE_SIGNATURE_POLICY = {
  name: 'verify-exam-system-images',
  webhookTimeoutSeconds: 15,
  failurePolicy: 'Fail',
} as const;
