/**
 * The one place that decides how AWS SDK clients are built. Handlers ask for a client
 * (`s3()`, `acmPca()`, `sns()`, `dynamoDb()`, `stepFunctions()`); tests and the local runner call `configureClients`
 * to attach a simulated account (an SDK middleware) or point clients elsewhere,
 * without touching handlers.
 *
 * Clients are created once per Lambda container (module scope cache) and reused.
 */

/** The bit of an SDK v3 client that a configurator may touch. */
export interface ConfigurableClient {
  middlewareStack: { add: (...args: never[]) => void };
}

export interface ClientSettings {
  /** Called on every client when it is created. */
  onCreate?: (client: ConfigurableClient, service: ServiceName) => void;
  /** Extra constructor options (region, endpoint, credentials, maxAttempts...). */
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

/** Back to the defaults that run on Lambda. */
export function resetClients(): void {
  configureClients({});
}

/** Build (once) a client of `service` with `create`, then apply the settings. */
export function cachedClient<T extends ConfigurableClient>(
  service: ServiceName,
  create: (options: Record<string, unknown>) => T,
): T {
  const existing = cache.get(service) as T | undefined;
  if (existing) return existing;
  const client = create({ ...settings.options, ...settings.serviceOptions?.[service] });
  settings.onCreate?.(client, service);
  cache.set(service, client);
  return client;
}
