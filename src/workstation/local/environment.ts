/**
 * The environment the handlers need on this machine: Powertools as on Lambda but quiet
 * (logs only when asked, no X-Ray, metrics not flushed), and credentials that can never
 * reach AWS. Powertools reads it when a handler module is imported, so the CLIs set it
 * before they import the runner.
 */
export function localEnvironment(options: { logs?: boolean } = {}): Record<string, string> {
  return {
    POWERTOOLS_SERVICE_NAME: 'pca-remediation',
    POWERTOOLS_METRICS_NAMESPACE: 'PcaRemediation',
    POWERTOOLS_LOG_LEVEL: options.logs ? 'INFO' : 'SILENT',
    POWERTOOLS_TRACE_ENABLED: 'false',
    POWERTOOLS_DEV: 'true',
    POWERTOOLS_METRICS_DISABLED: 'true',
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'local-simulated-account',
    AWS_SECRET_ACCESS_KEY: 'local-simulated-account',
    AWS_EC2_METADATA_DISABLED: 'true',
  };
}
