// Per-file setup of the integration project: a real engine is slow to create, start and stop
// containers, so hooks and tests get two minutes (jest ignores testTimeout inside `projects`).
jest.setTimeout(120_000);
