import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // end-to-end tests start real servers and child processes; keep the 2-core machine responsive
    maxWorkers: 2,
    projects: [
      { extends: true, test: { name: 'default', include: ['test/**/*.test.ts'] } },
      // the same runner-level ledger tests again, on a real PostgreSQL server (test/helpers/ledger-backends.ts)
      { extends: true, test: { name: 'postgres', include: ['test/admission.test.ts', 'test/queue.test.ts'], env: { PORTAI_TEST_LEDGER: 'postgres' } } },
    ],
  },
});
