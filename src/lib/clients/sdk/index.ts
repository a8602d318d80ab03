/**
 * `configureClients({ factory: sdkClients })`: every service through the AWS SDK v3,
 * which reads the workstation's AWS profile, SSO session or environment. For the CLIs.
 */
import type { AwsClient, ClientOptions, OperationMap } from '../../aws/client';
import type { ServiceName } from '../registry';
import { sdkAcmPca } from './acm-pca';
import { sdkDynamoDb } from './dynamodb';
import { sdkS3 } from './s3';
import { sdkSfn } from './sfn';
import { sdkSns } from './sns';

const BUILDERS: Record<ServiceName, (options: ClientOptions) => unknown> = {
  S3: sdkS3,
  'ACM PCA': sdkAcmPca,
  SNS: sdkSns,
  DynamoDB: sdkDynamoDb,
  SFN: sdkSfn,
};

export function sdkClients(service: ServiceName, options: ClientOptions): AwsClient<OperationMap> {
  return BUILDERS[service](options) as unknown as AwsClient<OperationMap>;
}
