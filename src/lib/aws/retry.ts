/**
 * Which errors are worth another attempt and how long to wait: the AWS SDK v3 "standard"
 * retry mode as @smithy/util-retry 2.x implements it (the generation client-acm-pca
 * 3.523 uses), decision for decision; test/lib/aws/retry.test.ts checks it against that
 * package and the SDK's error classification:
 *
 * - retried: throttling (429 or a throttling code), transient errors (timeouts, 500, 502,
 *   503, 504, dropped connections) and clock skew; never other 4xx or 501;
 * - at most 3 attempts by default;
 * - wait a random time up to min(20 s, base × 2^retries), base 500 ms for throttling and
 *   100 ms otherwise (full jitter);
 * - a retry quota per client: 500 tokens, a retry costs 5 (10 after a timeout), a success
 *   gives back what its retry cost, or 1. With the quota empty, errors are not retried.
 *
 * Newer SDK clients (@smithy/core 3.4x) tune the numbers (50 ms base, 1 s after
 * throttling, other costs, 4 attempts for DynamoDB) and read Retry-After; the decisions
 * of what to retry are the same.
 */

export const DEFAULT_MAX_ATTEMPTS = 3;
export const INITIAL_RETRY_TOKENS = 500;
export const RETRY_COST = 5;
export const TIMEOUT_RETRY_COST = 10;
export const NO_RETRY_INCREMENT = 1;
export const DEFAULT_RETRY_DELAY_BASE = 100;
export const THROTTLING_RETRY_DELAY_BASE = 500;
export const MAXIMUM_RETRY_DELAY = 20_000;

const THROTTLING_CODES = new Set([
  'BandwidthLimitExceeded',
  'EC2ThrottledException',
  'LimitExceededException',
  'PriorRequestNotComplete',
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
  'RequestThrottled',
  'RequestThrottledException',
  'SlowDown',
  'ThrottledException',
  'Throttling',
  'ThrottlingException',
  'TooManyRequestsException',
  'TransactionInProgressException',
]);
const TRANSIENT_CODES = new Set(['TimeoutError', 'RequestTimeout', 'RequestTimeoutException']);
const TRANSIENT_STATUS = new Set([500, 502, 503, 504]);
const NETWORK_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);
export const CLOCK_SKEW_CODES = new Set(['AuthFailure', 'InvalidSignatureException', 'RequestExpired', 'RequestInTheFuture', 'RequestTimeTooSkewed', 'SignatureDoesNotMatch']);

export type ErrorKind = 'throttling' | 'transient' | 'server' | 'client';

interface ErrorLike {
  name?: string;
  code?: string;
  $metadata?: { httpStatusCode?: number };
  cause?: unknown;
}

export function errorKind(error: unknown, clockSkewCorrected = false): ErrorKind {
  const e = (error ?? {}) as ErrorLike;
  const status = e.$metadata?.httpStatusCode;
  if (status === 429 || THROTTLING_CODES.has(e.name ?? '')) return 'throttling';
  if (isTransient(e, clockSkewCorrected)) return 'transient';
  if (status !== undefined && status >= 500 && status <= 599) return 'server';
  return 'client';
}

function isTransient(e: ErrorLike, clockSkewCorrected: boolean, depth = 0): boolean {
  if (clockSkewCorrected) return true;
  if (TRANSIENT_CODES.has(e.name ?? '') || NETWORK_CODES.has(e.code ?? '')) return true;
  if (TRANSIENT_STATUS.has(e.$metadata?.httpStatusCode ?? 0)) return true;
  return depth < 4 && typeof e.cause === 'object' && e.cause !== null && isTransient(e.cause as ErrorLike, false, depth + 1);
}

/** The SDK's backoff: full jitter over base × 2^retries, at most 20 s. */
export function backoffDelay(retries: number, kind: ErrorKind, random: () => number = Math.random): number {
  const base = kind === 'throttling' ? THROTTLING_RETRY_DELAY_BASE : DEFAULT_RETRY_DELAY_BASE;
  return Math.floor(Math.min(MAXIMUM_RETRY_DELAY, random() * 2 ** retries * base));
}

/** The retry quota of one client. */
export class RetryQuota {
  #tokens = INITIAL_RETRY_TOKENS;

  get available(): number {
    return this.#tokens;
  }

  /** Take the cost of retrying after an error of `kind`; null when the quota cannot pay it. */
  take(kind: ErrorKind): number | null {
    const cost = kind === 'transient' ? TIMEOUT_RETRY_COST : RETRY_COST;
    if (cost > this.#tokens) return null;
    this.#tokens -= cost;
    return cost;
  }

  /** After a success: give back what its last retry cost, or the no-retry increment. */
  release(cost: number | null): void {
    this.#tokens = Math.min(INITIAL_RETRY_TOKENS, this.#tokens + (cost ?? NO_RETRY_INCREMENT));
  }
}
