/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' } }] },
  // Renders the repository's synth output once per run (test/support/synthesized.ts).
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  // Every core (jest's default leaves one idle: half the machine on two cores).
  maxWorkers: '100%',
  // The transform cache with the other build caches: removing .build/ gives a cold run.
  cacheDirectory: '<rootDir>/.build/jest-cache',
  snapshotFormat: { escapeString: false, printBasicPrototype: false },
};
