/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' } }] },
  // Renders the repository's synth output once per run (test/support/synthesized.ts).
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  snapshotFormat: { escapeString: false, printBasicPrototype: false },
};
