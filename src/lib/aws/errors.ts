/**
 * The errors the AWS client raises, shaped as AWS SDK v3 shapes them so that code written
 * against either reads them the same way: `name` is the service's error code
 * (`NoSuchBucketPolicy`, `ConditionalCheckFailedException`...), `$fault` says whose fault
 * it was, `$metadata.httpStatusCode` is the HTTP status.
 */

export interface ResponseMetadata {
  httpStatusCode?: number;
  requestId?: string;
  /** Attempts made, the first one included. */
  attempts: number;
  /** Milliseconds spent waiting between attempts. */
  totalRetryDelay: number;
}

export interface AwsServiceErrorInit {
  name: string;
  message: string;
  httpStatusCode?: number;
  requestId?: string;
  /** Default: `server` for 5xx, else `client`. */
  fault?: 'client' | 'server';
  /** Response headers, kept for the retry logic (Date, for clock skew). */
  headers?: Record<string, string>;
}

/** An error answer from an AWS service. */
export class AwsServiceError extends Error {
  readonly $fault: 'client' | 'server';
  readonly $metadata: ResponseMetadata;
  readonly $response?: { headers: Record<string, string> };

  constructor(init: AwsServiceErrorInit) {
    super(init.message);
    this.name = init.name;
    this.$fault = init.fault ?? ((init.httpStatusCode ?? 0) >= 500 ? 'server' : 'client');
    this.$metadata = { httpStatusCode: init.httpStatusCode, requestId: init.requestId, attempts: 1, totalRetryDelay: 0 };
    if (init.headers) this.$response = { headers: init.headers };
  }
}

/**
 * The request never got an answer in time: name `TimeoutError`, as the SDK's Node HTTP
 * handler names it. No `$metadata.httpStatusCode`.
 */
export class RequestTimeout extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TimeoutError';
  }
}

/** No credentials in the environment (on Lambda they always are; elsewhere say what to do). */
export class CredentialsMissing extends Error {
  constructor(missing: string[]) {
    super(
      `AWS credentials are not set: ${missing.join(' and ')} ${missing.length > 1 ? 'are' : 'is'} missing from the environment. ` +
        'Lambda sets them for the function role; on a workstation use the CLIs (npm run invoke, rollback), which read your AWS profile.',
    );
    this.name = 'CredentialsMissing';
  }
}

/** A request this client cannot build (a missing URI label, an input shape it does not serialise). */
export class InvalidRequest extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidRequest';
  }
}
