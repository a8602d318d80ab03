/**
 * The errors the simulated account answers with, shaped as the AWS SDK v3 shapes the
 * real ones: the client package's exception class where one exists, else the service's
 * base exception with the error code as `name`; `$fault` and `$metadata.httpStatusCode`
 * as the service sends them. Messages are the services' own where they are known.
 */
import { randomUUID } from 'node:crypto';
import {
  ACMPCAServiceException,
  InvalidArgsException,
  InvalidArnException,
  InvalidStateException,
  RequestFailedException,
  RequestInProgressException,
  ResourceNotFoundException,
} from '@aws-sdk/client-acm-pca';
import { AccessDenied, NoSuchBucket, NotFound, S3ServiceException } from '@aws-sdk/client-s3';
import { InternalErrorException, InvalidParameterException, SNSServiceException, ThrottledException } from '@aws-sdk/client-sns';
import type { ServiceName } from '../lib/clients/registry';
import type { FaultKind } from './faults';

/** An operation the simulation does not model: fail loudly, never succeed silently. */
export class NotModelled extends Error {
  readonly service: string;
  readonly operation: string;
  constructor(service: string, operation: string, detail?: string) {
    super(
      `${service} ${operation} is not modelled by the simulated account${detail ? ` (${detail})` : ''}; ` +
        'add it to src/local/ or use a real account',
    );
    this.name = 'NotModelled';
    this.service = service;
    this.operation = operation;
  }
}

export function responseMetadata(httpStatusCode: number) {
  return { httpStatusCode, requestId: randomUUID().replace(/-/g, '').slice(0, 16).toUpperCase(), attempts: 1, totalRetryDelay: 0 };
}

function s3Error(name: string, httpStatusCode: number, message: string): S3ServiceException {
  return new S3ServiceException({ name, $fault: 'client', $metadata: responseMetadata(httpStatusCode), message });
}

export const s3Errors = {
  noSuchBucket: () => new NoSuchBucket({ message: 'The specified bucket does not exist', $metadata: responseMetadata(404) }),
  noSuchBucketPolicy: () => s3Error('NoSuchBucketPolicy', 404, 'The bucket policy does not exist'),
  noSuchPublicAccessBlockConfiguration: () =>
    s3Error('NoSuchPublicAccessBlockConfiguration', 404, 'The public access block configuration was not found'),
  ownershipControlsNotFound: () => s3Error('OwnershipControlsNotFoundError', 404, 'The bucket ownership controls were not found'),
  encryptionNotFound: () =>
    s3Error('ServerSideEncryptionConfigurationNotFoundError', 404, 'The server side encryption configuration was not found'),
  malformedPolicy: (message: string) => s3Error('MalformedPolicy', 400, message),
  accessDenied: () => new AccessDenied({ message: 'Access Denied', $metadata: responseMetadata(403) }),
  /**
   * HEAD responses have no body, so the SDK can only name a 404: it is `NotFound` whether
   * the bucket or the key is missing, with the message "UnknownError".
   */
  headNotFound: () => new NotFound({ message: 'UnknownError', $metadata: responseMetadata(404) }),
  /** A 403 to a HEAD request reaches SDK v3 callers as name `Unknown`, status 403. */
  headForbidden: () => s3Error('Unknown', 403, 'UnknownError'),
};

const pcaMetadata = () => ({ $metadata: responseMetadata(400) });

export const pcaErrors = {
  resourceNotFound: (message: string) => new ResourceNotFoundException({ message, ...pcaMetadata() }),
  invalidArn: (arn: unknown) => new InvalidArnException({ message: `The ARN "${String(arn)}" is not valid.`, ...pcaMetadata() }),
  invalidState: (message: string) => new InvalidStateException({ message, ...pcaMetadata() }),
  invalidArgs: (message: string) => new InvalidArgsException({ message, ...pcaMetadata() }),
  requestInProgress: (message: string) => new RequestInProgressException({ message, ...pcaMetadata() }),
  requestFailed: (message: string) => new RequestFailedException({ message, ...pcaMetadata() }),
};

export const snsErrors = {
  invalidParameter: (message: string) => new InvalidParameterException({ message, $metadata: responseMetadata(400) }),
};

// ---- Injected faults (src/local/faults.ts) ----

/**
 * The error the caller sees for `kind`, as the service (or, for timeouts, Node's HTTP
 * handler) raises it. `status` picks InternalError (500) or ServiceUnavailable (503) for `server`.
 */
export function faultError(kind: FaultKind, service: ServiceName, status: 500 | 503 = 500): Error {
  if (kind === 'timeout' || kind === 'timeout-after-apply') return timeoutError();
  return kind === 'throttling' ? throttlingError(service) : serverError(service, status);
}

/** What @smithy/node-http-handler rejects with when the socket times out: name TimeoutError, no $metadata. */
function timeoutError(): Error {
  return Object.assign(new Error('the request socket timed out (injected by the simulated account)'), { name: 'TimeoutError' });
}

function throttlingError(service: ServiceName): Error {
  switch (service) {
    case 'S3':
      return new S3ServiceException({ name: 'SlowDown', $fault: 'server', $metadata: responseMetadata(503), message: 'Please reduce your request rate.' });
    case 'SNS':
      return new ThrottledException({ message: 'Rate exceeded', $metadata: responseMetadata(429) });
    default: // ACM PCA (DynamoDB is not simulated, so never faulted)
      return new ACMPCAServiceException({ name: 'ThrottlingException', $fault: 'client', $metadata: responseMetadata(400), message: 'Rate exceeded' });
  }
}

function serverError(service: ServiceName, status: 500 | 503): Error {
  const unavailable = status === 503;
  switch (service) {
    case 'S3':
      return new S3ServiceException({
        name: unavailable ? 'ServiceUnavailable' : 'InternalError',
        $fault: 'server',
        $metadata: responseMetadata(status),
        message: unavailable ? 'Service is unable to handle request.' : 'We encountered an internal error. Please try again.',
      });
    case 'SNS':
      return unavailable
        ? new SNSServiceException({ name: 'ServiceUnavailable', $fault: 'server', $metadata: responseMetadata(503), message: 'Service is unavailable' })
        : new InternalErrorException({ message: 'Internal error', $metadata: responseMetadata(500) });
    default: // ACM PCA
      return new ACMPCAServiceException({
        name: unavailable ? 'ServiceUnavailable' : 'InternalFailure',
        $fault: 'server',
        $metadata: responseMetadata(status),
        message: unavailable ? 'Service is unavailable' : 'The request processing has failed because of an unknown error, exception or failure.',
      });
  }
}
