/**
 * The one place that decides how AWS SDK v3 clients are built. Handlers ask for a client
 * (`s3()`, `acmPca()`, `sns()`, `dynamoDb()`, `stepFunctions()`) and send it SDK commands;
 * tests and the local runner call `configureClients` to answer the clients from a
 * simulated account (its `requestHandler`) or to point a service at another endpoint
 * (DynamoDB at dynalite), without touching handlers.
 *
 * On Lambda the clients keep the SDK's defaults: the region and the function role's
 * credentials from the environment, the standard retry mode (3 attempts, exponential
 * backoff with jitter, a retry quota), and the SDK's endpoints for the partition. Each
 * client is wrapped by the Powertools Tracer, so every AWS call is an X-Ray subsegment of
 * the invocation (the Tracer does nothing outside Lambda).
 *
 * Clients are created once per Lambda container (module scope cache) and reused.
 */
import { tracer } from '../../runtime/tracer';

/** The bit of an SDK v3 client that a configurator may touch. */
export interface ConfigurableClient {
  middlewareStack: { add: (...args: never[]) => void };
}

export interface ClientSettings {
  /** Called on every client when it is created. */
  onCreate?: (client: ConfigurableClient, service: ServiceName) => void;
  /** Extra constructor options (region, endpoint, credentials, requestHandler, retryStrategy...). */
  options?: Record<string, unknown>;
  /** Options for one service only, over `options` (e.g. DynamoDB's endpoint for dynalite). */
  serviceOptions?: Partial<Record<ServiceName, Record<string, unknown>>>;
}

export type ServiceName = 'S3' | 'ACM PCA' | 'SNS' | 'DynamoDB' | 'SFN';

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

/** Build (once) a client of `service` with `create`, trace it, then apply the settings. */
export function cachedClient<T extends ConfigurableClient>(service: ServiceName, create: (options: Record<string, unknown>) => T): T {
  const existing = cache.get(service) as T | undefined;
  if (existing) return existing;
  const client = create({ ...settings.options, ...settings.serviceOptions?.[service] });
  tracer.captureAWSv3Client(client as never);
  settings.onCreate?.(client, service);
  cache.set(service, client);
  return client;
}
