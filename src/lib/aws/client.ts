/**
 * A small AWS client: the operations this product calls, signed with SigV4 and sent over
 * node:https, with the SDK's standard retry mode (./retry.ts). It replaces the AWS SDK v3
 * clients in the Lambda bundles, which it keeps small and quick to load (npm run bench).
 *
 * Each service is a `ServiceDefinition` (./services/): its endpoint and signing names and
 * how its protocol builds a request and reads an answer. `send(operation, input)` takes
 * and returns the SDK's input and output shapes (typed from the SDK's own declarations,
 * which are only types and never bundled), and its errors have the SDK's `name`,
 * `$fault` and `$metadata`.
 *
 * A `transport` answers attempts instead of HTTP: the local runner's simulated account
 * and the tests. It sits below the retry loop, so each attempt is one call to it and the
 * retries are the same as on AWS.
 */
import { AwsServiceError, CredentialsMissing, type ResponseMetadata } from './errors';
import { DEFAULT_TIMEOUT_MS, sendHttp, type HttpResponse } from './http';
import { backoffDelay, CLOCK_SKEW_CODES, DEFAULT_MAX_ATTEMPTS, errorKind, RetryQuota, type ErrorKind } from './retry';
import { signRequest, type Credentials, type HttpRequest } from './sigv4';

/** Operation name → its input and output. */
export type OperationMap = Record<string, { input: object; output: object }>;

export interface Endpoint {
  protocol: 'https:' | 'http:';
  hostname: string;
  port?: number;
  /** A custom endpoint (local emulators): S3 uses path-style addressing with it. */
  custom: boolean;
}

export interface ServiceDefinition {
  /** The name the registry and the simulated account use: S3, ACM PCA, SNS, DynamoDB, SFN. */
  name: string;
  /** SigV4 signing name. */
  signingName: string;
  /** The host's first label: `{endpointPrefix}.{region}.amazonaws.com`. */
  endpointPrefix: string;
  /** `AWS_ENDPOINT_URL_<id>` overrides the endpoint, as the SDKs read it. */
  endpointEnvId: string;
  /** Build the (unsigned) request; throws InvalidRequest for input it cannot send. */
  serialize(operation: string, input: Record<string, unknown>, endpoint: Endpoint): HttpRequest;
  /** Read a 2xx answer into the output shape. */
  deserialize(operation: string, response: HttpResponse): Record<string, unknown>;
  /** Read an error answer into an AwsServiceError. */
  deserializeError(operation: string, response: HttpResponse): AwsServiceError;
}

/** One attempt, as a transport receives it. */
export interface TransportCall {
  service: string;
  operation: string;
  /** The input as the caller gave it. */
  input: Record<string, unknown>;
  /** The signed request that would have been sent. */
  request: HttpRequest;
  /** 1 for the first attempt, 2 and more for retries. */
  attempt: number;
}

/** Answers an attempt with the output, or rejects with the error the service would give. */
export type Transport = (call: TransportCall) => Promise<Record<string, unknown> | undefined>;

export interface ClientOptions {
  /** Default: AWS_REGION, else AWS_DEFAULT_REGION. */
  region?: string;
  /** Default: AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN, read at each call. */
  credentials?: Credentials;
  /** e.g. `http://127.0.0.1:4567` (dynalite). Default: AWS_ENDPOINT_URL_<SERVICE>, AWS_ENDPOINT_URL, else AWS's. */
  endpoint?: string;
  /** Attempts per call, the first included. Default 3, as the SDK's. */
  maxAttempts?: number;
  /** The wait before retry `retries` + 1, in ms. Default: the SDK's backoff with jitter. */
  retryDelay?: (retries: number, kind: ErrorKind) => number;
  /** Socket timeout per attempt, ms. Default 10 s. */
  timeoutMs?: number;
  /** Answer attempts instead of HTTP (the simulated account, tests). */
  transport?: Transport;
}

/** The typed face of a client: what handlers call. */
export interface AwsClient<Ops extends OperationMap> {
  readonly service: string;
  send<K extends keyof Ops & string>(operation: K, input: Ops[K]['input']): Promise<Ops[K]['output'] & { $metadata: ResponseMetadata }>;
}

function environmentCredentials(env: NodeJS.ProcessEnv = process.env): Credentials {
  const accessKeyId = env.AWS_ACCESS_KEY_ID;
  const secretAccessKey = env.AWS_SECRET_ACCESS_KEY;
  const missing = [!accessKeyId && 'AWS_ACCESS_KEY_ID', !secretAccessKey && 'AWS_SECRET_ACCESS_KEY'].filter((name): name is string => Boolean(name));
  if (missing.length > 0) throw new CredentialsMissing(missing);
  return { accessKeyId: accessKeyId!, secretAccessKey: secretAccessKey!, ...(env.AWS_SESSION_TOKEN ? { sessionToken: env.AWS_SESSION_TOKEN } : {}) };
}

/** The endpoint of `definition` in `region`: the option, the environment, else AWS's (China's own domain). */
export function resolveEndpoint(definition: ServiceDefinition, region: string, endpoint?: string, env: NodeJS.ProcessEnv = process.env): Endpoint {
  // An empty variable is an unset one, as the SDK reads them: AWS_ENDPOINT_URL_S3= falls through to AWS_ENDPOINT_URL.
  const custom = endpoint ?? (env[`AWS_ENDPOINT_URL_${definition.endpointEnvId}`] || env.AWS_ENDPOINT_URL || undefined);
  if (custom) {
    const url = new URL(custom);
    if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error(`endpoint ${custom}: only http and https URLs are supported`);
    return { protocol: url.protocol, hostname: url.hostname, ...(url.port ? { port: Number(url.port) } : {}), custom: true };
  }
  const domain = region.startsWith('cn-') ? 'amazonaws.com.cn' : 'amazonaws.com';
  return { protocol: 'https:', hostname: `${definition.endpointPrefix}.${region}.${domain}`, custom: false };
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export class ServiceClient<Ops extends OperationMap> implements AwsClient<Ops> {
  readonly service: string;
  readonly #definition: ServiceDefinition;
  readonly #options: ClientOptions;
  readonly #quota = new RetryQuota();
  /** Server time minus ours, learnt from a clock skew error (as the SDK corrects it). */
  #clockOffsetMs = 0;

  constructor(definition: ServiceDefinition, options: ClientOptions = {}) {
    this.service = definition.name;
    this.#definition = definition;
    this.#options = options;
  }

  /** The retry tokens left (for the tests). */
  get retryTokens(): number {
    return this.#quota.available;
  }

  async send<K extends keyof Ops & string>(operation: K, input: Ops[K]['input']): Promise<Ops[K]['output'] & { $metadata: ResponseMetadata }> {
    const options = this.#options;
    const region = options.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION;
    if (!region) throw new Error(`${this.service} ${operation}: no region (set AWS_REGION)`);
    const maxAttempts = options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
    const endpoint = resolveEndpoint(this.#definition, region, options.endpoint);
    const given = input as Record<string, unknown>;
    let totalRetryDelay = 0;
    let lastCost: number | null = null;
    for (let attempt = 1; ; attempt += 1) {
      // Built afresh per attempt: a new date in the signature.
      const request = this.#definition.serialize(operation, given, endpoint);
      request.headers['amz-sdk-request'] = `attempt=${attempt}; max=${maxAttempts}`;
      signRequest(request, options.credentials ?? environmentCredentials(), { service: this.#definition.signingName, region }, new Date(Date.now() + this.#clockOffsetMs));
      let error: unknown;
      try {
        const output = await this.#attempt(operation, given, request, attempt);
        this.#quota.release(lastCost);
        return { ...output, $metadata: { ...(output.$metadata as object | undefined), attempts: attempt, totalRetryDelay } } as never;
      } catch (caught) {
        error = caught;
      }
      const skewCorrected = this.#correctClockSkew(error);
      const kind = errorKind(error, skewCorrected);
      const retryable = kind === 'throttling' || kind === 'transient';
      const cost = retryable && attempt < maxAttempts ? this.#quota.take(kind) : null;
      if (cost === null) throw withAttempts(error, attempt, totalRetryDelay);
      lastCost = cost;
      const delay = (options.retryDelay ?? backoffDelay)(attempt - 1, kind);
      totalRetryDelay += delay;
      if (delay > 0) await sleep(delay);
    }
  }

  async #attempt(operation: string, input: Record<string, unknown>, request: HttpRequest, attempt: number): Promise<Record<string, unknown>> {
    const { transport } = this.#options;
    if (transport) return (await transport({ service: this.service, operation, input, request, attempt })) ?? {};
    const response = await sendHttp(request, this.#options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
    if (response.statusCode >= 200 && response.statusCode < 300) {
      const output = this.#definition.deserialize(operation, response);
      return { ...output, $metadata: { httpStatusCode: response.statusCode, requestId: requestIdOf(response) } };
    }
    throw this.#definition.deserializeError(operation, response);
  }

  /** On a clock skew error whose answer carries a Date far from ours, sign with the server's time from now on. */
  #correctClockSkew(error: unknown): boolean {
    if (!(error instanceof AwsServiceError) || !CLOCK_SKEW_CODES.has(error.name)) return false;
    const date = error.$response?.headers.date;
    const serverTime = date ? Date.parse(date) : NaN;
    if (Number.isNaN(serverTime)) return false;
    const offset = serverTime - Date.now();
    if (Math.abs(offset - this.#clockOffsetMs) < 300_000) return false;
    this.#clockOffsetMs = offset;
    return true;
  }
}

/** A POST to `/` of `endpoint`: the shape of every awsJson and awsQuery request. */
export function postToRoot(endpoint: Endpoint, contentType: string, body: string, headers: Record<string, string> = {}): HttpRequest {
  return {
    method: 'POST',
    protocol: endpoint.protocol,
    hostname: endpoint.hostname,
    ...(endpoint.port ? { port: endpoint.port } : {}),
    path: '/',
    query: {},
    headers: { 'content-type': contentType, ...headers },
    body,
  };
}

export function requestIdOf(response: HttpResponse): string | undefined {
  return response.headers['x-amzn-requestid'] ?? response.headers['x-amz-request-id'];
}

/** The error, with how many attempts were made and how long was waited (as the SDK records them). */
function withAttempts(error: unknown, attempts: number, totalRetryDelay: number): unknown {
  if (error instanceof Error) {
    const holder = error as Error & { $metadata?: Partial<ResponseMetadata> };
    try {
      holder.$metadata = { ...holder.$metadata, attempts, totalRetryDelay };
    } catch {
      // A frozen error keeps what it had.
    }
  }
  return error;
}
