/**
 * Published on-demand prices in us-east-1 (US East, N. Virginia), each with the page it
 * comes from, and the cost of one execution from them. Free tiers are left out: the cost
 * is what an execution adds once they are used up.
 */

export interface Price {
  usd: number;
  /** The price as the source states it. */
  published: string;
  per: string;
  source: string;
  /** The wording of the source that the figure rests on. */
  quote: string;
}

export const PRICES = {
  stateTransition: {
    usd: 0.025 / 1000,
    published: '$0.025 per 1,000 state transitions',
    per: 'Step Functions Standard state transition',
    source: 'https://aws.amazon.com/step-functions/pricing/',
    quote:
      'Step Functions counts a state transition each time a step of your workflow is executed. You are charged for the total number of state transitions across all your state machines, including retries. US East (N. Virginia) $0.0250 per 1,000 state transitions.',
  },
  lambdaRequest: {
    usd: 0.2 / 1_000_000,
    published: '$0.20 per 1M requests',
    per: 'Lambda request',
    source: 'https://aws.amazon.com/lambda/pricing/',
    quote: 'The monthly request price is $0.20 per 1 million requests.',
  },
  lambdaArmGbSecond: {
    usd: 0.0000133334,
    published: '$0.0000133334 per GB-second',
    per: 'Lambda arm64 duration (first tier)',
    source: 'https://aws.amazon.com/lambda/pricing/',
    quote: 'Arm price, first 7.5 billion GB-seconds per month: $0.0000133334 per GB-second; duration rounded up to the nearest 1 ms.',
  },
} as const satisfies Record<string, Price>;

/** Lambda bills duration in whole milliseconds, rounded up. */
export function billedMilliseconds(ms: number): number {
  return Math.max(1, Math.ceil(ms - 1e-9));
}

export interface ExecutionUsage {
  /** States entered plus retries: what Step Functions bills. */
  stateTransitions: number;
  /** Duration of each Lambda invocation, in milliseconds (before rounding). */
  invocationMs: readonly number[];
  memoryMb: number;
}

export interface ExecutionCost {
  stepFunctions: number;
  lambdaRequests: number;
  lambdaDuration: number;
  total: number;
  /** GB-seconds billed. */
  gbSeconds: number;
}

export function executionCost(usage: ExecutionUsage): ExecutionCost {
  const stepFunctions = usage.stateTransitions * PRICES.stateTransition.usd;
  const lambdaRequests = usage.invocationMs.length * PRICES.lambdaRequest.usd;
  const billedMs = usage.invocationMs.reduce((sum, ms) => sum + billedMilliseconds(ms), 0);
  const gbSeconds = (billedMs / 1000) * (usage.memoryMb / 1024);
  const lambdaDuration = gbSeconds * PRICES.lambdaArmGbSecond.usd;
  return { stepFunctions, lambdaRequests, lambdaDuration, total: stepFunctions + lambdaRequests + lambdaDuration, gbSeconds };
}

/** Dollars with enough digits for a millionth of a cent: `$0.000250`. */
export function formatUsd(usd: number): string {
  if (usd === 0) return '$0';
  if (usd >= 1) return `$${usd.toFixed(2)}`;
  const digits = Math.min(12, Math.max(2, 2 - Math.floor(Math.log10(usd))));
  return `$${usd.toFixed(digits)}`;
}
