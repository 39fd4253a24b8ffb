/** Unit specs live beside the code; end-to-end suites live in test/. */
module.exports = {
  moduleFileExtensions: ['js', 'json', 'ts'],
  rootDir: '.',
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': 'ts-jest' },
  testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/test/**/*.e2e-spec.ts'],
  testTimeout: 60000,
  setupFilesAfterEnv: ['<rootDir>/test/utils/e2e-retries.ts'],
  // A suite that leaves a handle open must not hang CI; leaks still show as warnings.
  forceExit: true,
};
