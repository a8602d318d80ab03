/**
 * Faults the simulated account injects into the calls it answers: throttling, 5xx and
 * timeouts, at a set rate, reproducibly (seeded). They are thrown below the SDK's retry
 * middleware (see `SimulatedAccount.attach`), shaped as the SDK's own classification reads
 * them (`faultError` in aws-errors.ts), so the SDK's own retries handle them first and
 * only what is left after its attempts reaches the handlers.
 *
 *   const account = new SimulatedAccount(file, { faults: { rate: 0.3, kinds: ['throttling', 'timeout'], seed: 7 } });
 */
import type { ServiceName } from '../../lambda/aws/clients/registry';
import { seededRandom } from './random';

/**
 * - `throttling`: the service's rate-limit error (S3 SlowDown 503, Private CA ThrottlingException, SNS ThrottledException 429).
 * - `server`: a 5xx (InternalError 500 or ServiceUnavailable 503, as the service names them).
 * - `timeout`: the request never got an answer (TimeoutError, as @smithy/node-http-handler raises it); nothing changed.
 * - `timeout-after-apply`: the service did the work, then the answer was lost: a write IS applied, yet the caller gets TimeoutError.
 */
export const FAULT_KINDS = ['throttling', 'server', 'timeout', 'timeout-after-apply'] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

/** The services the simulated account answers, so the ones faults may be injected into. */
export const FAULTABLE_SERVICES = ['S3', 'ACM PCA', 'SNS'] as const satisfies readonly ServiceName[];

export interface FaultPlan {
  /** Chance, from 0 to 1, that a call is answered with a fault instead. */
  rate: number;
  /** Which faults; each injected fault is one of these, chosen evenly. */
  kinds: FaultKind[];
  /** Same seed, same calls: same faults. */
  seed: number;
  /** Only calls to these services (default: all). */
  services?: ServiceName[];
  /** Only these operations, named without `Command` (e.g. `PutBucketPolicy`; default: all). */
  operations?: string[];
}

/** A fault plan as the account file's `Simulation.Faults` writes it (its fields named like the file's others). */
export interface FaultPlanEntry {
  Rate: number;
  Kinds: FaultKind[];
  Seed: number;
  Services?: ServiceName[];
  Operations?: string[];
}

export function faultPlanOf(entry: FaultPlanEntry): FaultPlan {
  return {
    rate: entry.Rate,
    kinds: [...entry.Kinds],
    seed: entry.Seed,
    ...(entry.Services ? { services: [...entry.Services] } : {}),
    ...(entry.Operations ? { operations: [...entry.Operations] } : {}),
  };
}

export type FaultCounts = Record<FaultKind, number>;

export function noFaults(): FaultCounts {
  return { throttling: 0, server: 0, timeout: 0, 'timeout-after-apply': 0 };
}

/** A fault plan that cannot work, naming the field (`faults.rate`, `$.Simulation.Faults.Rate`...). */
export class InvalidFaultPlan extends Error {
  readonly field: string;
  constructor(field: string, problem: string) {
    super(`${field}: ${problem}`);
    this.name = 'InvalidFaultPlan';
    this.field = field;
  }
}

/** How the fields of a plan are called where it came from: the API (`faults.rate`) or the account file. */
export interface FaultPlanFields {
  rate: string;
  kinds: string;
  seed: string;
  services: string;
  operations: string;
}

export const API_FIELDS: FaultPlanFields = {
  rate: 'faults.rate',
  kinds: 'faults.kinds',
  seed: 'faults.seed',
  services: 'faults.services',
  operations: 'faults.operations',
};

/**
 * Check a plan against the operations the account answers; `fail` throws (an
 * InvalidFaultPlan by default, an AccountFileError for the account file).
 */
export function checkFaultPlan(
  plan: FaultPlan,
  modelled: Partial<Record<ServiceName, readonly string[]>>,
  fields: FaultPlanFields = API_FIELDS,
  fail: (field: string, problem: string) => never = (field, problem) => {
    throw new InvalidFaultPlan(field, problem);
  },
): void {
  const { rate, kinds, seed, services, operations } = plan;
  if (typeof rate !== 'number' || !(rate >= 0 && rate <= 1)) fail(fields.rate, `must be a number from 0 to 1, not ${String(rate)}`);
  if (!Array.isArray(kinds) || kinds.length === 0) fail(fields.kinds, `must list at least one of ${FAULT_KINDS.join(', ')}`);
  kinds.forEach((kind, i) => {
    if (!FAULT_KINDS.includes(kind)) fail(`${fields.kinds}[${i}]`, `must be one of ${FAULT_KINDS.join(', ')}, not ${String(kind)}`);
  });
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) fail(fields.seed, `must be a whole number from 0 to ${0xffffffff}, not ${String(seed)}`);
  services?.forEach((service, i) => {
    if (!(FAULTABLE_SERVICES as readonly string[]).includes(service)) {
      fail(`${fields.services}[${i}]`, `must be one of ${FAULTABLE_SERVICES.join(', ')} (the services the simulated account answers), not ${String(service)}`);
    }
  });
  const inScope = (services ?? FAULTABLE_SERVICES).flatMap((service) => modelled[service] ?? []);
  operations?.forEach((operation, i) => {
    if (!inScope.includes(operation)) {
      fail(
        `${fields.operations}[${i}]`,
        `"${String(operation)}" is not an operation the simulated account answers${services ? ` for ${services.join(', ')}` : ''} (without "Command", e.g. GetBucketPolicy)`,
      );
    }
  });
}

/** Decides, call by call and reproducibly, whether a call is answered with a fault and which. */
export class FaultInjector {
  readonly plan: FaultPlan;
  readonly #random: () => number;

  constructor(plan: FaultPlan) {
    this.plan = plan;
    this.#random = seededRandom(plan.seed);
  }

  /**
   * The fault for this call, or null; `status` is the 5xx a `server` fault answers with.
   * Calls outside the plan's services and operations draw nothing.
   */
  next(service: ServiceName, operation: string): { kind: FaultKind; status: 500 | 503 } | null {
    const { rate, kinds, services, operations } = this.plan;
    if (services && !services.includes(service)) return null;
    if (operations && !operations.includes(operation)) return null;
    if (this.#random() >= rate) return null;
    const kind = kinds[Math.floor(this.#random() * kinds.length)]!;
    return { kind, status: this.#random() < 0.5 ? 500 : 503 };
  }
}

/** The part of a CallRecord `sdkRetries` reads. */
export interface AttemptRecord {
  /** The SDK's attempt number, from its `amz-sdk-request` header; set from the second attempt on. */
  attempt?: number;
}

/** How many of `calls` were the SDK trying again (its second and later attempts of one command). */
export function sdkRetries(calls: readonly AttemptRecord[]): number {
  return calls.filter((call) => (call.attempt ?? 1) > 1).length;
}
