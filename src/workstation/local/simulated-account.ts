/**
 * An AWS account in memory, for the local runner and the workflow tests. No emulator of
 * S3 bucket policies or of ACM Private CA exists, so the SDK calls the handlers make are
 * answered from an account file instead.
 *
 * `requestHandler` takes the place of HTTP under the real AWS SDK v3 clients: the SDK
 * has validated, serialised and signed each request, and its retry middleware sits
 * above, so each attempt is one call here and the SDK's own retries handle the faults a
 * fault plan injects (src/workstation/local/faults.ts). Requests are read and answers written in
 * each service's wire format (src/workstation/local/wire.ts), so the SDK's own parsers run too.
 * It answers from the model and never lets the request reach the network. Operations
 * that are not modelled reject with NotModelled, never a silent success.
 *
 *   const account = new SimulatedAccount(parseAccountFile(json), { now: clock.now });
 *   configureClients({ options: { ...localClientOptions(), requestHandler: account.requestHandler } });
 */
import { Readable } from 'node:stream';
import { buildQueryString } from '@smithy/querystring-builder';
import type { ServiceName } from '../../lambda/aws/clients/registry';
import { parseAccountFile, type AccountFile } from './account-file';
import { AccountFileError } from './account-file-fields';
import { faultError, NotModelled, responseMetadata } from './aws-errors';
import { checkFaultPlan, faultPlanOf, FaultInjector, noFaults, type FaultCounts, type FaultKind, type FaultPlan, type FaultPlanEntry } from './faults';
import { runPrivateCaBackgroundWork } from './private-ca-writes';
import { acmPcaOperations } from './simulated-acm-pca';
import { s3Operations } from './simulated-s3';
import { snsOperations } from './simulated-sns';
import { answerWire, UnknownRequest, type WireRequest } from './wire';
import { repairRoleCaller, type CallerPermissions } from './caller';
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
  /** The caller's permissions, for Private CA's update-time test of the caller. Default: the deployment's RepairRole for any bucket. */
  caller?: CallerPermissions;
}

/** What `send` knows about the SDK call it answers, when it answers one through `requestHandler`. */
export interface SdkAttempt {
  /** 1 for the first attempt, 2 and more for the SDK's retries. */
  attempt: number;
  /** The region the request was signed for. */
  region?: string;
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

const MODELLED_OPERATIONS = Object.fromEntries(Object.entries(OPERATIONS).map(([service, operations]) => [service, Object.keys(operations)])) as Record<
  ServiceName,
  string[]
>;

export class SimulatedAccount {
  /** Every SDK call answered, in order. Private CA's own background writes are not calls. */
  readonly calls: CallRecord[] = [];
  /** How many faults of each kind the fault plan has injected. */
  readonly faults: FaultCounts = noFaults();
  readonly #model: AccountModel;
  readonly #now: () => Date;
  readonly #caller: CallerPermissions;
  #injector: FaultInjector | null = null;

  constructor(file: AccountFile, options: SimulatedAccountOptions = {}) {
    this.#model = toModel(parseAccountFile(structuredClone(file)));
    this.#now = options.now ?? (() => new Date());
    this.#caller = options.caller ?? repairRoleCaller();
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
   * An AWS SDK v3 request handler (the client option `requestHandler`) that answers every
   * request from this account, in place of HTTP:
   * `configureClients({ options: { ...localClientOptions(), requestHandler: account.requestHandler } })`.
   *
   * The SDK has validated, serialised and signed the request, and its retry middleware
   * sits above, so each attempt is one call here and the SDK's own retries handle the
   * faults. The request is read off the wire format and the answer written in it
   * (src/workstation/local/wire.ts), so the SDK's own parsers and error-name mapping read it. An
   * injected timeout rejects as Node's HTTP handler would; NotModelled rejects too.
   * DynamoDB and Step Functions are not modelled: point DynamoDB at dynalite instead.
   */
  readonly requestHandler = {
    handle: async (request: SdkHttpRequest): Promise<{ response: SdkHttpResponse }> => {
      const wire = await wireRequestOf(request);
      const answer = await answerWire(
        wire,
        (decoded) =>
          this.send(decoded.route.service, decoded.operation, decoded.input, {
            attempt: decoded.attempt,
            ...(decoded.region ? { region: decoded.region } : {}),
          }) as Promise<Record<string, unknown>>,
        {
          // A request that names no modelled operation fails loudly, as `send` does for an unmodelled one.
          refused: (_request, _route, error) => {
            if (!(error instanceof UnknownRequest)) return;
            this.calls.push({ service: error.service, operation: error.requestLine, input: {}, at: this.#now().toISOString(), error: 'NotModelled' });
            throw new NotModelled(error.service, `request ${error.requestLine}`);
          },
        },
      );
      return {
        response: {
          statusCode: answer.statusCode,
          reason: undefined,
          headers: { ...answer.headers, 'content-length': String(Buffer.byteLength(answer.body)) },
          body: Readable.from([Buffer.from(answer.body)]),
        },
      };
    },
    updateHttpClientConfig: () => undefined,
    httpHandlerConfigs: () => ({}),
    destroy: () => undefined,
  };

  /**
   * The answer `requestHandler` gives, in the SDK's output shape, callable directly (with
   * the fault plan applied, without SDK retries). Rejects with the AWS error, an injected fault, or NotModelled.
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
      const apply = () =>
        answer(
          { model: this.#model, now, service, caller: this.#caller, ...(sdk?.region ? { region: sdk.region } : {}), warn: (message) => warnings.push(message) },
          input as OperationInput,
        );
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

  /** The account's home region (where the deployment and its clients run). */
  get region(): string {
    return this.#model.region;
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

/** The parts of the SDK's HttpRequest read here (the same in @smithy 2.x and 4.x). */
export interface SdkHttpRequest {
  method: string;
  hostname: string;
  path: string;
  query?: Record<string, string | string[] | null>;
  headers: Record<string, string>;
  body?: unknown;
}

/** The parts of an HttpResponse the SDK's deserializers read. */
export interface SdkHttpResponse {
  statusCode: number;
  reason: string | undefined;
  headers: Record<string, string>;
  body: Readable;
}

/** The request as it would arrive on the wire. */
async function wireRequestOf(request: SdkHttpRequest): Promise<WireRequest> {
  const headers = Object.fromEntries(Object.entries(request.headers).map(([name, value]) => [name.toLowerCase(), String(value)]));
  return {
    method: request.method,
    hostname: request.hostname,
    path: request.path,
    query: buildQueryString(request.query ?? {}),
    headers,
    body: await bodyOf(request.body),
  };
}

async function bodyOf(body: unknown): Promise<Buffer> {
  if (body === undefined || body === null) return Buffer.alloc(0);
  if (typeof body === 'string') return Buffer.from(body);
  if (body instanceof Uint8Array) return Buffer.from(body);
  if (body instanceof Readable) {
    const chunks: Buffer[] = [];
    for await (const chunk of body) chunks.push(Buffer.from(chunk as Uint8Array));
    return Buffer.concat(chunks);
  }
  throw new TypeError(`a request body of type ${typeof body} cannot be sent by the simulated account`);
}
