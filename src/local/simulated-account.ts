/**
 * An AWS account in memory, for the local runner and the workflow tests. No emulator of
 * S3 bucket policies or of ACM Private CA exists, so the SDK calls the handlers make are
 * answered from an account file instead.
 *
 * `attach` adds a middleware at the very start of a real SDK v3 client's stack: it
 * answers the command from the model and never lets the request reach the network.
 * Operations that are not modelled reject with NotModelled, never a silent success.
 *
 *   const account = new SimulatedAccount(parseAccountFile(json), { now: clock.now });
 *   configureClients({ onCreate: (client, service) => account.attach(client, service) });
 */
import type { ConfigurableClient, ServiceName } from '../lib/clients/registry';
import { parseAccountFile, type AccountFile } from './account-file';
import { NotModelled, responseMetadata } from './aws-errors';
import { runPrivateCaBackgroundWork } from './private-ca-writes';
import { acmPcaOperations } from './simulated-acm-pca';
import { s3Operations } from './simulated-s3';
import { snsOperations } from './simulated-sns';
import { toModel, type AccountModel, type Operation, type OperationInput, type OperationOutput } from './simulation-model';

export { NotModelled } from './aws-errors';

export interface CallRecord {
  service: ServiceName;
  /** The command name without `Command`, e.g. `GetBucketPolicy`. */
  operation: string;
  input: OperationInput;
  /** The AWS error name, when the call failed. */
  error?: string;
  /** Simulated time of the call (ISO). */
  at: string;
  /** Something the real service would allow but a reader should know (e.g. a bucket of another account). */
  warning?: string;
}

export interface SimulatedAccountOptions {
  /** "Now" for LastModified, CreatedAt and the 30-minute audit report limit. Default: the wall clock. */
  now?: () => Date;
}

const OPERATIONS: Record<ServiceName, Record<string, Operation>> = {
  S3: s3Operations,
  'ACM PCA': acmPcaOperations,
  SNS: snsOperations,
  // DynamoDB is not simulated: the local runner sends it to dynalite.
  DynamoDB: {},
};

const MIDDLEWARE_NAME = 'pcaRemediationSimulatedAccount';

/** The part of an SDK v3 middleware stack that `attach` uses. */
interface InitializeMiddlewareStack {
  add(
    middleware: (
      next: unknown,
      context: { commandName?: string },
    ) => (args: { input: object }) => Promise<{ output: OperationOutput; response: unknown }>,
    options: { step: 'initialize'; priority: 'high'; name: string; override: boolean },
  ): void;
}

export class SimulatedAccount {
  /** Every SDK call answered, in order. Private CA's own background writes are not calls. */
  readonly calls: CallRecord[] = [];
  readonly #model: AccountModel;
  readonly #now: () => Date;

  constructor(file: AccountFile, options: SimulatedAccountOptions = {}) {
    this.#model = toModel(parseAccountFile(structuredClone(file)));
    this.#now = options.now ?? (() => new Date());
  }

  /** Answer every command of `client` from this account. Suits `configureClients({ onCreate })`. */
  attach(client: ConfigurableClient, service: ServiceName): void {
    const stack = client.middlewareStack as unknown as InitializeMiddlewareStack;
    stack.add(
      (_next, context) => async (args) => {
        const operation = (context.commandName ?? 'UnknownCommand').replace(/Command$/, '');
        return { output: await this.send(service, operation, args.input), response: {} };
      },
      { step: 'initialize', priority: 'high', name: MIDDLEWARE_NAME, override: true },
    );
  }

  /** The answer `attach` gives, callable directly. Rejects with the AWS error, or NotModelled. */
  async send(service: ServiceName, operation: string, input: object = {}): Promise<OperationOutput> {
    const now = this.#now();
    this.advanceTo(now);
    const record: CallRecord = { service, operation, input: snapshot(input), at: now.toISOString() };
    this.calls.push(record);
    const answer = OPERATIONS[service][operation];
    const warnings: string[] = [];
    try {
      if (!answer) throw new NotModelled(service, operation);
      const output = answer({ model: this.#model, now, service, warn: (message) => warnings.push(message) }, input as OperationInput);
      return { ...output, $metadata: responseMetadata(200) };
    } catch (error) {
      record.error = error instanceof Error ? error.name : String(error);
      throw error;
    } finally {
      if (warnings.length > 0) record.warning = warnings.join('; ');
    }
  }

  /** Let the simulated Private CA work up to `time`: CRL retries, audit reports finishing. */
  advanceTo(time: Date): void {
    runPrivateCaBackgroundWork(this.#model, time);
  }

  /** The account as it is now, in the account file format (policies as the JSON text S3 returns). */
  toAccountFile(): AccountFile {
    return structuredClone(this.#model);
  }
}

/** The input as sent, detached from later changes; values that cannot be cloned are kept as they are. */
function snapshot(input: object): OperationInput {
  try {
    return structuredClone(input) as OperationInput;
  } catch {
    return { ...input } as OperationInput;
  }
}
