/**
 * An AWS SDK v3 client behind the product's `AwsClient` face: `send('GetBucketPolicy',
 * input)` becomes `client.send('GetBucketPolicy', input)`. Used where the SDK's
 * full credential chain is wanted (the CLIs on a workstation) and by the benchmark's
 * naive build (the same handlers with the SDK clients imported whole). Never in the
 * Lambda bundles.
 */
import type { AwsClient, ClientOptions, OperationMap } from '../../aws/client';

type Command = new (input: never) => unknown;
interface SdkClient {
  send(command: never): Promise<unknown>;
}

/** The SDK client options our ClientOptions carry over (transport, retryDelay and timeoutMs have no SDK equivalent here). */
export function sdkOptions(options: ClientOptions): Record<string, unknown> {
  const { region, credentials, endpoint, maxAttempts } = options;
  return Object.fromEntries(Object.entries({ region, credentials, endpoint, maxAttempts }).filter(([, value]) => value !== undefined));
}

export function sdkClient<Ops extends OperationMap>(service: string, client: SdkClient, commands: { [K in keyof Ops]: Command }): AwsClient<Ops> {
  return {
    service,
    send: (operation, input) => {
      const command = commands[operation];
      if (!command) return Promise.reject(new Error(`${service} ${operation} has no SDK command here`));
      return client.send(new command(input as never) as never) as never;
    },
  };
}
