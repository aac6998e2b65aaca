/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' } }] },
  // Renders the repository's synth output once per run (test/support/synthesized.ts).
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  // jest's runtime with V8's code cache: every test file compiles cdk8s and the app again otherwise.
  runtime: '<rootDir>/test/support/code-cache-runtime.js',
  // Every core (jest's default leaves one idle: half the machine on two cores).
  maxWorkers: '100%',
  // The transform cache with the other build caches: removing .build/ gives a cold run.
  cacheDirectory: '<rootDir>/.build/jest-cache',
  snapshotFormat: { escapeString: false, printBasicPrototype: false },
};
