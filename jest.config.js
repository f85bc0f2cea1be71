// Two projects: `unit` (pure, mocks, fast) and `integration` (a real dockerd in its own
// network namespace, started once by the global setup). `npm test` runs both.
const tsJest = { "^.+\\.ts$": ["ts-jest", { tsconfig: "tsconfig.json", isolatedModules: true }] };

/** @type {import('jest').Config} */
module.exports = {
  projects: [
    {
      displayName: "unit",
      testEnvironment: "node",
      transform: tsJest,
      testMatch: ["<rootDir>/test/unit/**/*.test.ts", "<rootDir>/test/property/**/*.test.ts"],
    },
    {
      displayName: "integration",
      testEnvironment: "node",
      transform: tsJest,
      testMatch: ["<rootDir>/test/integration/**/*.test.ts"],
      globalSetup: "<rootDir>/test/harness/engine-global-setup.ts",
      globalTeardown: "<rootDir>/test/harness/engine-global-teardown.ts",
      setupFilesAfterEnv: ["<rootDir>/test/harness/integration-setup.ts"],
    },
  ],
};
