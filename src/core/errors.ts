/**
 * Error names are a contract between the Lambda handlers and the state machine:
 * every name in a `Retry` or `Catch` `ErrorEquals` of statemachines/ is either a
 * class here or one of the service names listed in EXTERNAL_ERROR_NAMES, and a
 * test checks that.
 *
 * Retryable errors mean "try this step again later"; the ASL retries them with
 * backoff. Terminal errors mean "this step cannot succeed"; the ASL catches them.
 */

/**
 * Each class sets `name` as a literal: bundles are minified, so the class's own
 * name cannot be relied on at run time, and the name is what Step Functions matches.
 */
export abstract class RemediationError extends Error {
  abstract readonly retryable: boolean;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

export abstract class RetryableError extends RemediationError {
  readonly retryable = true;
}

export abstract class TerminalError extends RemediationError {
  readonly retryable = false;
}

/** AWS answered with throttling, a 5xx or a timeout after the AWS client's own retries. */
export class AwsTransientError extends RetryableError {
  override readonly name = 'AwsTransientError';
}

/** Private CA has not yet written a CRL newer than the failure event. */
export class CrlNotYetPublished extends RetryableError {
  override readonly name = 'CrlNotYetPublished';
}

/** Private CA allows one audit report per CA every 30 minutes. */
export class AuditReportRequestInProgress extends RetryableError {
  override readonly name = 'AuditReportRequestInProgress';
}

/** The bucket policy changed between our read and our write; read, merge and write again. */
export class BucketPolicyChanged extends RetryableError {
  override readonly name = 'BucketPolicyChanged';
}

/** Another execution holds the lease on the bucket whose policy this step would change. */
export class BucketBusy extends RetryableError {
  override readonly name = 'BucketBusy';
}

/** A handler was given a document it cannot work on: a wiring bug, never a user event. */
export class InvalidStepInput extends TerminalError {
  override readonly name = 'InvalidStepInput';
}

/** The deployment is misconfigured (bad parameter value). */
export class ConfigurationError extends TerminalError {
  override readonly name = 'ConfigurationError';
}

/** AWS refused a read the workflow needs: its role lacks the permission, or the resource belongs to another account. */
export class AwsAccessDenied extends TerminalError {
  override readonly name = 'AwsAccessDenied';
}

/** Every error class the handlers may throw, by name. */
export const REMEDIATION_ERRORS = {
  AwsTransientError,
  CrlNotYetPublished,
  AuditReportRequestInProgress,
  BucketPolicyChanged,
  BucketBusy,
  InvalidStepInput,
  ConfigurationError,
  AwsAccessDenied,
} as const;

export type RemediationErrorName = keyof typeof REMEDIATION_ERRORS;

/** Lambda's service errors and throttling (Step Functions' recommended Lambda retrier), and a function that timed out or crashed. */
export const LAMBDA_ERRORS = [
  'Lambda.ServiceException',
  'Lambda.AWSLambdaException',
  'Lambda.SdkClientException',
  'Lambda.TooManyRequestsException',
  'Lambda.ClientExecutionTimeoutException',
  // The function's own timeout, running out of memory, a crash of the runtime.
  'Lambda.Unknown',
] as const;

/**
 * What ClaimEvent (the optimized DynamoDB integration) retries: both spellings in use of
 * throttling and 5xx, and the name of errors the SDK behind it has no class for
 * (docs/aws-facts.md).
 */
export const DYNAMODB_TRANSIENT_ERRORS = [
  'DynamoDB.ProvisionedThroughputExceededException',
  'DynamoDB.ThrottlingException',
  'DynamoDB.RequestLimitExceeded',
  'DynamoDB.RequestLimitExceededException',
  'DynamoDB.InternalServerError',
  'DynamoDB.InternalServerErrorException',
  'DynamoDB.AmazonDynamoDBException',
] as const;

/**
 * Names that Step Functions and Lambda raise themselves. They may appear in the ASL
 * without a class here.
 */
export const EXTERNAL_ERROR_NAMES = [
  'States.ALL',
  'States.TaskFailed',
  'States.Timeout',
  ...LAMBDA_ERRORS,
  'DynamoDB.ConditionalCheckFailedException',
  ...DYNAMODB_TRANSIENT_ERRORS,
  // Not a handler's: the error `npm run decline` sends with SendTaskFailure (DECLINED_ERROR in approval.ts).
  'ApprovalDeclined',
] as const;

const TRANSIENT_AWS_ERROR_NAMES = new Set([
  'ThrottlingException',
  'Throttling',
  'ThrottledException',
  'Throttled',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'ProvisionedThroughputExceededException',
  'SlowDown',
  'ServiceUnavailable',
  'ServiceUnavailableException',
  'InternalError',
  'InternalFailure',
  'InternalServerError',
  'RequestTimeout',
  'RequestTimeoutException',
  'TimeoutError',
  'ConcurrentModificationException',
]);

/** True when an AWS error is worth trying again later (throttling, 5xx, timeouts). */
export function isTransientAwsError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if (TRANSIENT_AWS_ERROR_NAMES.has(error.name)) return true;
  const meta = (error as { $metadata?: { httpStatusCode?: number } }).$metadata;
  const fault = (error as { $fault?: string }).$fault;
  const status = meta?.httpStatusCode;
  if (fault === 'server' && (status === undefined || status >= 500)) return true;
  if (status !== undefined && status >= 500) return true;
  if (status === 429) return true;
  const retryable = (error as { $retryable?: { throttling?: boolean } }).$retryable;
  return retryable !== undefined;
}

/** Name of an AWS error (its error code), or undefined for anything else. */
export function awsErrorName(error: unknown): string | undefined {
  return error instanceof Error ? error.name : undefined;
}

/**
 * Rethrow transient AWS errors as AwsTransientError (so the ASL retries them) and
 * anything else unchanged. Use in a catch block after handling the expected names.
 */
export function rethrowAws(error: unknown, doing: string): never {
  if (isTransientAwsError(error)) {
    const name = awsErrorName(error) ?? 'UnknownError';
    throw new AwsTransientError(`${doing}: AWS answered ${name}; will retry`, { cause: error });
  }
  throw error;
}
