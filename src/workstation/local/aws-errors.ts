/**
 * The errors the simulated account answers with: `name` is the service's error code and
 * `$metadata.httpStatusCode` the status, as the service sends them on the wire
 * (src/workstation/local/wire.ts writes them in each protocol's error format, and the AWS SDK reads
 * them back into its own exception classes). Messages are the services' own where known.
 */
import { randomUUID } from 'node:crypto';
import type { ServiceName } from '../../lambda/aws/clients/registry';
import type { FaultKind } from './faults';

/** An operation the simulation does not model: fail loudly, never succeed silently. */
export class NotModelled extends Error {
  readonly service: string;
  readonly operation: string;
  constructor(service: string, operation: string, detail?: string) {
    super(
      `${service} ${operation} is not modelled by the simulated account${detail ? ` (${detail})` : ''}; add it to src/workstation/local/ or use a real account`,
    );
    this.name = 'NotModelled';
    this.service = service;
    this.operation = operation;
  }
}

export function responseMetadata(httpStatusCode: number) {
  return { httpStatusCode, requestId: requestId(), attempts: 1, totalRetryDelay: 0 };
}

function requestId(): string {
  return randomUUID().replace(/-/g, '').slice(0, 16).toUpperCase();
}

/** An error the simulated service answers: its code, HTTP status and message. */
export class SimulatedServiceError extends Error {
  readonly $fault: 'client' | 'server';
  readonly $metadata: ReturnType<typeof responseMetadata>;
  constructor(
    name: string,
    httpStatusCode: number,
    message: string,
    /** Headers the service sends with the error. */
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = name;
    this.$fault = httpStatusCode >= 500 ? 'server' : 'client';
    this.$metadata = responseMetadata(httpStatusCode);
  }
}

/** What @smithy/node-http-handler rejects with when the socket times out: name TimeoutError, no $metadata. */
export class RequestTimeout extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TimeoutError';
  }
}

export function awsError(name: string, httpStatusCode: number, message: string): SimulatedServiceError {
  return new SimulatedServiceError(name, httpStatusCode, message);
}

const s3Error = awsError;

export const s3Errors = {
  noSuchBucket: () => s3Error('NoSuchBucket', 404, 'The specified bucket does not exist'),
  noSuchBucketPolicy: () => s3Error('NoSuchBucketPolicy', 404, 'The bucket policy does not exist'),
  noSuchPublicAccessBlockConfiguration: () => s3Error('NoSuchPublicAccessBlockConfiguration', 404, 'The public access block configuration was not found'),
  ownershipControlsNotFound: () => s3Error('OwnershipControlsNotFoundError', 404, 'The bucket ownership controls were not found'),
  encryptionNotFound: () => s3Error('ServerSideEncryptionConfigurationNotFoundError', 404, 'The server side encryption configuration was not found'),
  malformedPolicy: (message: string) => s3Error('MalformedPolicy', 400, message),
  accessDenied: () => s3Error('AccessDenied', 403, 'Access Denied'),
  invalidArgument: (name: string, value: string) => s3Error('InvalidArgument', 400, `Invalid argument ${name}: ${value}`),
  /** A request sent to another region's endpoint than the bucket's: S3 names the bucket's region in a header. */
  permanentRedirect: (region: string) =>
    new SimulatedServiceError(
      'PermanentRedirect',
      301,
      'The bucket you are attempting to access must be addressed using the specified endpoint. Please send all future requests to this endpoint.',
      { 'x-amz-bucket-region': region },
    ),
  /**
   * S3 answers a HEAD with the status alone (no body), so only the status reaches the
   * SDK, which names the error from it: 404 whether the bucket or the key is missing.
   */
  headNotFound: () => s3Error('NotFound', 404, 'NotFound'),
  /** A 403 to a HEAD request: status 403, nothing more. */
  headForbidden: () => s3Error('Forbidden', 403, 'Forbidden'),
};

export const pcaErrors = {
  resourceNotFound: (message: string) => awsError('ResourceNotFoundException', 400, message),
  invalidArn: (arn: unknown) => awsError('InvalidArnException', 400, `The ARN "${String(arn)}" is not valid.`),
  invalidState: (message: string) => awsError('InvalidStateException', 400, message),
  invalidArgs: (message: string) => awsError('InvalidArgsException', 400, message),
  requestInProgress: (message: string) => awsError('RequestInProgressException', 400, message),
  requestFailed: (message: string) => awsError('RequestFailedException', 400, message),
};

export const snsErrors = {
  invalidParameter: (message: string) => awsError('InvalidParameter', 400, message),
};

// ---- Injected faults (src/workstation/local/faults.ts) ----

/**
 * The error the caller sees for `kind`, as the service (or, for timeouts, Node's HTTP
 * handler) raises it. `status` picks InternalError (500) or ServiceUnavailable (503) for `server`.
 */
export function faultError(kind: FaultKind, service: ServiceName, status: 500 | 503 = 500): Error {
  if (kind === 'timeout' || kind === 'timeout-after-apply') return timeoutError();
  return kind === 'throttling' ? throttlingError(service) : serverError(service, status);
}

/** What the client's HTTP layer rejects with when the socket times out: name TimeoutError, no $metadata. */
function timeoutError(): Error {
  return new RequestTimeout('the request socket timed out (injected by the simulated account)');
}

function throttlingError(service: ServiceName): Error {
  switch (service) {
    case 'S3':
      return awsError('SlowDown', 503, 'Please reduce your request rate.');
    case 'SNS':
      return awsError('Throttled', 429, 'Rate exceeded');
    default: // ACM PCA (DynamoDB is not simulated, so never faulted)
      return awsError('ThrottlingException', 400, 'Rate exceeded');
  }
}

function serverError(service: ServiceName, status: 500 | 503): Error {
  const unavailable = status === 503;
  switch (service) {
    case 'S3':
      return unavailable
        ? awsError('ServiceUnavailable', 503, 'Service is unable to handle request.')
        : awsError('InternalError', 500, 'We encountered an internal error. Please try again.');
    case 'SNS':
      return unavailable ? awsError('ServiceUnavailable', 503, 'Service is unavailable') : awsError('InternalError', 500, 'Internal error');
    default: // ACM PCA
      return unavailable
        ? awsError('ServiceUnavailable', 503, 'Service is unavailable')
        : awsError('InternalFailure', 500, 'The request processing has failed because of an unknown error, exception or failure.');
  }
}
