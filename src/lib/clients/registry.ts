/**
 * The one place that decides how AWS clients are built. Handlers ask for a client
 * (`s3()`, `acmPca()`, `sns()`, `dynamoDb()`, `stepFunctions()`) and call
 * `send('GetBucketPolicy', input)`; tests and the local runner call `configureClients` to
 * answer the calls from a simulated account (a transport) or to point a service at
 * another endpoint (DynamoDB at dynalite), without touching handlers.
 *
 * On Lambda the clients are this product's own (src/lib/aws/): small, SigV4-signed, with
 * the SDK's retry mode and credentials from the environment. The CLIs that run on a
 * workstation pass a `factory` that builds AWS SDK v3 clients instead, for its full
 * credential chain (profiles, SSO).
 *
 * Clients are created once per Lambda container (module scope cache) and reused.
 */
import type { AwsClient, ClientOptions, OperationMap } from '../aws/client';

export type ServiceName = 'S3' | 'ACM PCA' | 'SNS' | 'DynamoDB' | 'SFN';

/** Builds the client of `service` another way, or returns undefined to keep the product's own. */
export type ClientFactory = (service: ServiceName, options: ClientOptions) => AwsClient<OperationMap> | undefined;

export interface ClientSettings {
  /** Options for every client (region, credentials, endpoint, maxAttempts, retryDelay, transport...). */
  options?: ClientOptions;
  /** Options for one service only, over `options` (e.g. DynamoDB's endpoint for dynalite, without the transport). */
  serviceOptions?: Partial<Record<ServiceName, ClientOptions>>;
  factory?: ClientFactory;
}

let settings: ClientSettings = {};
const cache = new Map<ServiceName, unknown>();

/** Replace the client settings; clients built before are dropped. */
export function configureClients(next: ClientSettings): void {
  settings = next;
  cache.clear();
}

/** The settings in force (for a test that adds to them). */
export function clientSettings(): ClientSettings {
  return settings;
}

/** Back to the defaults that run on Lambda. */
export function resetClients(): void {
  configureClients({});
}

/** Build (once) the client of `service` with `create`, unless the settings' factory builds it. */
export function cachedClient<Ops extends OperationMap>(service: ServiceName, create: (options: ClientOptions) => AwsClient<Ops>): AwsClient<Ops> {
  const existing = cache.get(service) as AwsClient<Ops> | undefined;
  if (existing) return existing;
  const options = { ...settings.options, ...settings.serviceOptions?.[service] };
  const client = (settings.factory?.(service, options) as AwsClient<Ops> | undefined) ?? create(options);
  cache.set(service, client);
  return client;
}
