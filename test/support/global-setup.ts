import { CACHE_ENV, prepareCache } from './synthesized';

/**
 * jest globalSetup: render the repository's synth output once for every test file. If it cannot
 * be rendered (an invalid environment file, a throwing construct), every other test still runs:
 * the files that read the output fail, each with the synth error.
 */
export default function globalSetup(): void {
  try {
    process.env[CACHE_ENV] = prepareCache();
  } catch {
    delete process.env[CACHE_ENV];
  }
}
