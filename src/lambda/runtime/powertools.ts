/**
 * Powertools for AWS Lambda, set up once and shared by every handler. Settings come
 * from the environment (POWERTOOLS_SERVICE_NAME, POWERTOOLS_METRICS_NAMESPACE,
 * POWERTOOLS_LOG_LEVEL), which serverless.yml sets. The Tracer is in ./tracer.ts.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';

export const logger = new Logger({ persistentKeys: { product: 'pca-remediation' } });
export const metrics = new Metrics();
