import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
    // The workflow tests run many real executions; give them room on a 2-core machine.
    testTimeout: 60_000,
    hookTimeout: 300_000,
    // Handlers read Powertools settings from the environment, as they do on Lambda.
    env: {
      POWERTOOLS_SERVICE_NAME: 'pca-remediation',
      POWERTOOLS_METRICS_NAMESPACE: 'PcaRemediation',
      POWERTOOLS_LOG_LEVEL: 'SILENT',
      POWERTOOLS_TRACE_ENABLED: 'false',
      POWERTOOLS_DEV: 'true',
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'test-no-network',
      AWS_SECRET_ACCESS_KEY: 'test-no-network',
    },
  },
});
