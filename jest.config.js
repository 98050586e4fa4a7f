/** Jest runs the TypeScript sources as ES modules through ts-jest. */
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: {
    '^(\\.{1,2}/.*)\\.js$': '$1',
    // The package's own JSON, imported by the package's name (package.json exports) from the root in every build.
    '^amazon-dsp-events/(.*\\.json)$': '<rootDir>/$1',
    // The CommonJS build: its ES build imports JSON without an import attribute, which Jest warns about.
    '^libphonenumber-js$': '<rootDir>/node_modules/libphonenumber-js/index.cjs',
  },
  transform: { '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.json' }] },
  testMatch: ['<rootDir>/test/**/*.test.ts'],
  testTimeout: 20000,
};
