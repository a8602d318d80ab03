/**
 * A stub of the product's AWS clients (src/lib/aws/) for the handler tests, with the API
 * of aws-sdk-client-mock, which they used while the handlers called AWS SDK v3 clients.
 * It answers through the clients' `transport` (src/lib/clients/registry.ts), so the
 * product's own client still builds and signs every request, and no call reaches the
 * network.
 *
 *   const s3Mock = stubClient('S3');               // or mockClient(S3Client), mockS3() in fixtures
 *   s3Mock.on(GetBucketPolicyCommand, { Bucket }).resolves({ Policy });   // a Command class...
 *   s3Mock.on('HeadObject').rejects(new AwsServiceError({ name: 'NotFound', message: 'Not Found', httpStatusCode: 404 }));
 *   s3Mock.commandCalls(GetBucketPolicyCommand)[0]!.args[0].input;        // ...or an operation name
 *
 * Matching, as aws-sdk-client-mock's: `.on(X, input)` matches calls of operation X whose
 * input contains `input` (a partial deep match: nested objects partially, other values
 * deep-equal); the most recently registered matching `.on()` answers; its
 * `resolvesOnce`/`rejectsOnce` answers come first, in order, then its `resolves`,
 * `rejects` or `callsFake`; `.on()` again with the same input continues that
 * registration (and makes it the most recent). A call nothing answers resolves to an
 * empty output, as aws-sdk-client-mock's undefined did. `.calls()` and `.commandCalls(X)`
 * give `[{ args: [{ input }] }]`; `.reset()` forgets the behaviours and the calls.
 *
 * Installing: the stub sets the client settings with `configureClients` (region
 * us-east-1, fake credentials, one attempt as aws-sdk-client-mock bypassed the SDK's
 * retries, no retry delay, the stub as transport) when a stub is created and again at
 * every `.on()` and `.reset()`. `resetClients()` drops those settings, so a test file
 * that uses the stub must not call it (or must call `installStubs()` after it). A call
 * to a service without a stub rejects with an Error naming the service and operation,
 * and fails the test in an afterEach hook even if the product caught the error.
 *
 * `installStubs(base)` puts the stubs over other settings: stubbed services are answered
 * here, every other service as `base` says (the workflow tests: the simulated account,
 * DynamoDB on dynalite, and Step Functions stubbed).
 */
import { isDeepStrictEqual } from 'node:util';
import { afterEach } from 'vitest';
import type { ClientOptions, OperationMap, Transport, TransportCall } from '../src/lib/aws/client';
import type { AcmPcaOperations } from '../src/lib/clients/acm-pca';
import type { DynamoDbOperations } from '../src/lib/clients/dynamodb';
import { configureClients, type ClientSettings, type ServiceName } from '../src/lib/clients/registry';
import type { S3Operations } from '../src/lib/clients/s3';
import type { SfnOperations } from '../src/lib/clients/sfn';
import type { SnsOperations } from '../src/lib/clients/sns';

export { AwsServiceError } from '../src/lib/aws/errors';

/** The operations of each service, typed as the product's clients type them. */
export interface ServiceOperations {
  S3: S3Operations;
  'ACM PCA': AcmPcaOperations;
  SNS: SnsOperations;
  DynamoDB: DynamoDbOperations;
  SFN: SfnOperations;
}

/*
 * An AWS SDK v3 Command class, for `.on(GetBucketPolicyCommand)`: only its name is used
 * (GetBucketPolicyCommand → GetBucketPolicy), and its types for the input and output.
 * The SDK clients here bring @smithy/types 2.x (client-acm-pca) and 4.x (the others), so
 * the types are read from the command's shape rather than from @smithy/types.
 */
export type CommandClass = abstract new (...args: any[]) => { input: object; resolveMiddleware: (...args: any[]) => (args: any) => Promise<{ output: object }> };
export type InputOf<C extends CommandClass> = InstanceType<C>['input'];
export type OutputOf<C extends CommandClass> = Awaited<ReturnType<ReturnType<InstanceType<C>['resolveMiddleware']>>>['output'];

export interface CommandStub<I, O> {
  resolves(output: Partial<O>): CommandStub<I, O>;
  resolvesOnce(output: Partial<O>): CommandStub<I, O>;
  rejects(error?: Error | string): CommandStub<I, O>;
  rejectsOnce(error?: Error | string): CommandStub<I, O>;
  callsFake(fake: (input: I) => Partial<O> | void | Promise<Partial<O> | void>): CommandStub<I, O>;
}

/** One call the stub answered, in aws-sdk-client-mock's shape (`args[0]` was the command). */
export interface StubCall<I = Record<string, unknown>> {
  service: ServiceName;
  operation: string;
  args: [{ input: I }];
}

export interface ClientStub<Ops extends OperationMap = OperationMap> {
  readonly service: ServiceName;
  /** Forget every behaviour and every call. */
  reset(): void;
  on<C extends CommandClass>(command: C, input?: Partial<InputOf<C>>): CommandStub<InputOf<C>, OutputOf<C>>;
  on<K extends keyof Ops & string>(operation: K, input?: Partial<Ops[K]['input']>): CommandStub<Ops[K]['input'], Ops[K]['output']>;
  /** Every call to this service, in order. */
  calls(): StubCall[];
  /** The calls of one operation (whose input contains `input`, when given). */
  commandCalls<C extends CommandClass>(command: C, input?: Partial<InputOf<C>>): Array<StubCall<InputOf<C>>>;
  commandCalls<K extends keyof Ops & string>(operation: K, input?: Partial<Ops[K]['input']>): Array<StubCall<Ops[K]['input']>>;
}

type Behaviour = (input: Record<string, unknown>) => Promise<Record<string, unknown> | undefined>;

interface Registration {
  operation: string;
  input: Record<string, unknown> | undefined;
  once: Behaviour[];
  always: Behaviour | undefined;
}

const CREDENTIALS = { accessKeyId: 'stubbed', secretAccessKey: 'stubbed' };

const stubs = new Map<ServiceName, StubbedService>();
/** Settings for the services without a stub (installStubs); null: every service goes to the stubs. */
let base: ClientSettings | null = null;
/** Calls to services without a stub since the last test ended. */
const unstubbed: string[] = [];

const transport: Transport = async (call: TransportCall) => {
  const stub = stubs.get(call.service as ServiceName);
  if (!stub) {
    const problem = `${call.service} ${call.operation} was called, but no stub answers ${call.service} in this test: add stubClient('${call.service}') (test/aws-stub.ts)`;
    unstubbed.push(problem);
    throw new Error(problem);
  }
  return stub.answer(call.operation, call.input);
};

const STUB_OPTIONS: ClientOptions = { region: 'us-east-1', credentials: CREDENTIALS, maxAttempts: 1, retryDelay: () => 0, transport };

/** Point the product's clients at the stubs (over `base`'s settings for services without a stub, when given). */
export function installStubs(over?: ClientSettings): void {
  if (over !== undefined) base = over;
  if (base === null) {
    configureClients({ options: STUB_OPTIONS });
    return;
  }
  const stubbed = Object.fromEntries([...stubs.keys()].map((service) => [service, STUB_OPTIONS]));
  configureClients({ ...base, serviceOptions: { ...base.serviceOptions, ...stubbed } });
}

afterEach(() => {
  if (unstubbed.length === 0) return;
  const problems = unstubbed.splice(0);
  throw new Error(`AWS calls without a stub:\n${problems.join('\n')}`);
});

/** The stub of `service` (one per service and test file), installed. */
export function stubClient<S extends ServiceName>(service: S): ClientStub<ServiceOperations[S]> {
  let stub = stubs.get(service);
  if (!stub) {
    stub = new StubbedService(service);
    stubs.set(service, stub);
  }
  installStubs();
  return stub as unknown as ClientStub<ServiceOperations[S]>;
}

const CLIENT_SERVICES: Record<string, ServiceName> = {
  S3Client: 'S3',
  ACMPCAClient: 'ACM PCA',
  SNSClient: 'SNS',
  DynamoDBClient: 'DynamoDB',
  SFNClient: 'SFN',
};

/**
 * aws-sdk-client-mock's `mockClient`, for the tests written with it: the stub of the
 * service an SDK client class (ACMPCAClient...) or a service name stands for.
 */
export function mockClient<S extends ServiceName>(service: S): ClientStub<ServiceOperations[S]>;
export function mockClient(client: abstract new (...args: any[]) => unknown): ClientStub;
export function mockClient(client: ServiceName | (abstract new (...args: any[]) => unknown)): ClientStub {
  if (typeof client === 'string') return stubClient(client) as unknown as ClientStub;
  const service = CLIENT_SERVICES[client.name];
  if (!service) throw new Error(`mockClient(${client.name}): not a client of this product; use one of ${Object.keys(CLIENT_SERVICES).join(', ')}`);
  return stubClient(service) as unknown as ClientStub;
}

function operationOf(command: CommandClass | string): string {
  return typeof command === 'string' ? command : command.name.replace(/Command$/, '');
}

/** `actual` contains `expected`: plain objects key by key (recursively), anything else deep-equal. */
function contains(actual: unknown, expected: unknown): boolean {
  if (isPlainObject(expected)) {
    if (!isPlainObject(actual)) return false;
    return Object.entries(expected).every(([key, value]) => contains(actual[key], value));
  }
  return isDeepStrictEqual(actual, expected);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

function asError(error: Error | string | undefined): Error {
  return error instanceof Error ? error : new Error(error ?? 'stubbed rejection');
}

class StubbedService {
  readonly #registrations: Registration[] = [];
  readonly #calls: StubCall[] = [];

  constructor(readonly service: ServiceName) {}

  reset(): void {
    this.#registrations.length = 0;
    this.#calls.length = 0;
    installStubs();
  }

  on(command: CommandClass | string, input?: object): CommandStub<unknown, unknown> {
    const operation = operationOf(command);
    const given = input as Record<string, unknown> | undefined;
    const index = this.#registrations.findIndex((entry) => entry.operation === operation && isDeepStrictEqual(entry.input, given));
    const registration = index >= 0 ? this.#registrations.splice(index, 1)[0]! : { operation, input: given, once: [], always: undefined };
    this.#registrations.push(registration);
    installStubs();
    const chain: CommandStub<unknown, unknown> = {
      resolves: (output) => {
        registration.always = async () => output as Record<string, unknown>;
        return chain;
      },
      resolvesOnce: (output) => {
        registration.once.push(async () => output as Record<string, unknown>);
        return chain;
      },
      rejects: (error) => {
        const rejection = asError(error);
        registration.always = async () => {
          throw rejection;
        };
        return chain;
      },
      rejectsOnce: (error) => {
        const rejection = asError(error);
        registration.once.push(async () => {
          throw rejection;
        });
        return chain;
      },
      callsFake: (fake) => {
        registration.always = async (callInput) => (await fake(callInput)) as Record<string, unknown> | undefined;
        return chain;
      },
    };
    return chain;
  }

  calls(): StubCall[] {
    return [...this.#calls];
  }

  commandCalls(command: CommandClass | string, input?: object): StubCall[] {
    const operation = operationOf(command);
    return this.#calls.filter((call) => call.operation === operation && (input === undefined || contains(call.args[0].input, input)));
  }

  /** Answer one attempt: the newest registration that matches and still has an answer. */
  answer(operation: string, input: Record<string, unknown>): Promise<Record<string, unknown> | undefined> {
    this.#calls.push({ service: this.service, operation, args: [{ input }] });
    for (let index = this.#registrations.length - 1; index >= 0; index -= 1) {
      const registration = this.#registrations[index]!;
      if (registration.operation !== operation || (registration.input !== undefined && !contains(input, registration.input))) continue;
      const behaviour = registration.once.shift() ?? registration.always;
      if (behaviour) return behaviour(input);
    }
    return Promise.resolve(undefined);
  }
}
