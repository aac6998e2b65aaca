import { CACHE_ENV, prepareCache } from './synthesized';

/** jest globalSetup: render the repository's synth output once for every test file. */
export default function globalSetup(): void {
  process.env[CACHE_ENV] = prepareCache();
}
