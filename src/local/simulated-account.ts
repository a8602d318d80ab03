/**
 * An AWS account in memory, for the local runner and the workflow tests. No emulator of
 * S3 bucket policies or of ACM Private CA exists, so the SDK calls the handlers make are
 * answered from an account file instead.
 *
 * `attach` adds a middleware at the very end of a real SDK v3 client's stack, where the
 * HTTP request would be sent: the command has been validated, serialised and signed by
 * the SDK, and the SDK's retry middleware sits above, so each attempt is one call here
 * and the SDK's own retries handle the faults a fault plan injects (src/local/faults.ts).
 * It answers from the model and never lets the request reach the network. Operations
 * that are not modelled reject with NotModelled, never a silent success.
 *
 *   const account = new SimulatedAccount(parseAccountFile(json), { now: clock.now });
 *   configureClients({ options: localClientOptions(), onCreate: (client, service) => account.attach(client, service) });
 */
import type { ConfigurableClient, ServiceName } from '../lib/clients/registry';
import { parseAccountFile, type AccountFile } from './account-file';
import { AccountFileError } from './account-file-fields';
import { faultError, NotModelled, responseMetadata } from './aws-errors';
import { checkFaultPlan, faultPlanOf, FaultInjector, noFaults, type FaultCounts, type FaultKind, type FaultPlan, type FaultPlanEntry } from './faults';
import { runPrivateCaBackgroundWork } from './private-ca-writes';
import { acmPcaOperations } from './simulated-acm-pca';
import { s3Operations } from './simulated-s3';
import { snsOperations } from './simulated-sns';
import { toModel, type AccountModel, type Operation, type OperationInput, type OperationOutput } from './simulation-model';

export { NotModelled } from './aws-errors';
export { sdkRetries, type FaultKind, type FaultPlan } from './faults';

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
  /** The fault the fault plan injected into this call; `error` is what the caller got. */
  fault?: FaultKind;
  /** The SDK's attempt number when this call is an SDK retry (2, 3...); absent on first attempts. */
  attempt?: number;
}

export interface SimulatedAccountOptions {
  /** "Now" for LastModified, CreatedAt and the 30-minute audit report limit. Default: the wall clock. */
  now?: () => Date;
  /** Faults to inject (over the account file's `Simulation.Faults`). Default: the file's, else none. */
  faults?: FaultPlan;
}

/** What `send` knows about the SDK call it answers, when it answers one through `attach`. */
export interface SdkAttempt {
  /** 1 for the first attempt, 2 and more for the SDK's retries. */
  attempt: number;
}

const OPERATIONS: Record<ServiceName, Record<string, Operation>> = {
  S3: s3Operations,
  'ACM PCA': acmPcaOperations,
  SNS: snsOperations,
  // DynamoDB is not simulated: the local runner sends it to dynalite.
  DynamoDB: {},
  // Step Functions is not simulated: the tests answer StartExecution themselves.
  SFN: {},
};

const FILE_FIELDS = {
  rate: '$.Simulation.Faults.Rate',
  kinds: '$.Simulation.Faults.Kinds',
  seed: '$.Simulation.Faults.Seed',
  services: '$.Simulation.Faults.Services',
  operations: '$.Simulation.Faults.Operations',
};

const MODELLED_OPERATIONS = Object.fromEntries(Object.entries(OPERATIONS).map(([service, operations]) => [service, Object.keys(operations)])) as Record<ServiceName, string[]>;

const MIDDLEWARE_NAME = 'pcaRemediationSimulatedAccount';
const INPUT_MIDDLEWARE_NAME = 'pcaRemediationSimulatedAccountInput';
/** Where `attach` keeps the input as the caller gave it, before the SDK's own middleware adds to it. */
const CALLER_INPUT = Symbol('callerInput');

type AttachContext = { commandName?: string; [CALLER_INPUT]?: object };
type Answer = { output: OperationOutput; response: { statusCode: number; headers: Record<string, string> } };

/** The part of an SDK v3 middleware stack that `attach` uses (the same in @smithy 2.x and 4.x). */
interface AttachableMiddlewareStack {
  add(
    middleware: (next: (args: { input: object }) => Promise<unknown>, context: AttachContext) => (args: { input: object }) => Promise<unknown>,
    options: { step: 'initialize'; priority: 'high'; name: string; override: boolean },
  ): void;
  add(
    middleware: (next: unknown, context: AttachContext) => (args: { input: object; request?: unknown }) => Promise<Answer>,
    options: { step: 'finalizeRequest'; priority: 'low'; name: string; override: boolean },
  ): void;
}

/** The attempt number the SDK's retry middleware wrote into the request (`amz-sdk-request: attempt=2; max=3`). */
function attemptOf(request: unknown): number {
  const header = (request as { headers?: Record<string, string> } | undefined)?.headers?.['amz-sdk-request'];
  const attempt = /attempt=(\d+)/.exec(header ?? '')?.[1];
  return attempt === undefined ? 1 : Number(attempt);
}

export class SimulatedAccount {
  /** Every SDK call answered, in order. Private CA's own background writes are not calls. */
  readonly calls: CallRecord[] = [];
  /** How many faults of each kind the fault plan has injected. */
  readonly faults: FaultCounts = noFaults();
  readonly #model: AccountModel;
  readonly #now: () => Date;
  #injector: FaultInjector | null = null;

  constructor(file: AccountFile, options: SimulatedAccountOptions = {}) {
    this.#model = toModel(parseAccountFile(structuredClone(file)));
    this.#now = options.now ?? (() => new Date());
    if (options.faults) this.setFaults(options.faults);
    else if (this.#model.Simulation?.Faults) this.#useFileFaults(this.#model.Simulation.Faults);
  }

  /**
   * Inject faults by `plan` from the next call on (its seeded sequence starts afresh), or
   * none with null. Throws InvalidFaultPlan naming the field when the plan cannot work.
   */
  setFaults(plan: FaultPlan | null): void {
    if (plan !== null) checkFaultPlan(plan, MODELLED_OPERATIONS);
    this.#injector = plan === null ? null : new FaultInjector(structuredClone(plan));
  }

  /** The account file's plan; parseAccountFile checked its shape, the operations are checked here. */
  #useFileFaults(entry: FaultPlanEntry): void {
    const plan = faultPlanOf(entry);
    checkFaultPlan(plan, MODELLED_OPERATIONS, FILE_FIELDS, (field, problem) => {
      throw new AccountFileError(field, problem);
    });
    this.#injector = new FaultInjector(plan);
  }

  /**
   * Answer every command of `client` from this account. Suits `configureClients({ onCreate })`.
   *
   * The answer sits in step finalizeRequest at priority low: below the retry middleware
   * (finalizeRequest, high) and signing (right after it), where the HTTP handler would be
   * called. So the SDK validates, serialises and signs every command, and retries what it
   * deems retryable, each attempt answered here as one call. The deserialize step is not
   * reached: the output comes from the model, already in the SDK's output shape.
   */
  attach(client: ConfigurableClient, service: ServiceName): void {
    const stack = client.middlewareStack as unknown as AttachableMiddlewareStack;
    // The input as the caller gave it: later SDK middleware adds defaults to it in place (S3's ChecksumAlgorithm).
    stack.add(
      (next, context) => async (args) => {
        context[CALLER_INPUT] = snapshot(args.input);
        return next(args);
      },
      { step: 'initialize', priority: 'high', name: INPUT_MIDDLEWARE_NAME, override: true },
    );
    stack.add(
      (_next, context) => async (args) => {
        const operation = (context.commandName ?? 'UnknownCommand').replace(/Command$/, '');
        const output = await this.send(service, operation, context[CALLER_INPUT] ?? args.input, { attempt: attemptOf(args.request) });
        // The retry middleware writes attempts into $metadata; the signer reads the response's headers (Date, for clock skew).
        return { output: { $metadata: responseMetadata(200), ...output }, response: { statusCode: 200, headers: {} } };
      },
      { step: 'finalizeRequest', priority: 'low', name: MIDDLEWARE_NAME, override: true },
    );
  }

  /**
   * The answer `attach` gives, callable directly (with the fault plan applied, without
   * SDK retries). Rejects with the AWS error, an injected fault, or NotModelled.
   */
  async send(service: ServiceName, operation: string, input: object = {}, sdk?: SdkAttempt): Promise<OperationOutput> {
    const now = this.#now();
    this.advanceTo(now);
    const record: CallRecord = { service, operation, input: snapshot(input), at: now.toISOString() };
    if (sdk && sdk.attempt > 1) record.attempt = sdk.attempt;
    this.calls.push(record);
    const answer = OPERATIONS[service][operation];
    const warnings: string[] = [];
    let fault: ReturnType<FaultInjector['next']> = null;
    try {
      if (!answer) throw new NotModelled(service, operation);
      fault = this.#injector?.next(service, operation) ?? null;
      const apply = () => answer({ model: this.#model, now, service, warn: (message) => warnings.push(message) }, input as OperationInput);
      if (fault === null) return { ...apply(), $metadata: responseMetadata(200) };
      if (fault.kind === 'timeout-after-apply') {
        try {
          apply();
        } catch {
          // The service's own answer, lost with the response like a success would be.
        }
      }
      throw faultError(fault.kind, service, fault.status);
    } catch (error) {
      record.error = error instanceof Error ? error.name : String(error);
      if (fault) {
        record.fault = fault.kind;
        this.faults[fault.kind] += 1;
      }
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
