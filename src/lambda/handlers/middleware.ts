/**
 * Every handler is a typed function wrapped the same way: Powertools logger (Lambda
 * context on every line) and, for the handler that emits metrics, the EMF flush.
 *
 * Log correlation: every line of a step carries `eventId` and `executionArn`, read from
 * the step's input before the handler runs (see correlationKeys), so one execution's
 * lines are one CloudWatch Logs Insights query (docs/operations.md). They are temporary
 * keys (`logger.appendKeys`), and `injectLambdaContext(logger)`
 * removes every temporary key after each invocation, on success and on error, so nothing
 * leaks into the next invocation of a warm container; `persistentKeys` (product) stay.
 * Logger API: https://docs.aws.amazon.com/powertools/typescript/latest/api/modules/_aws-lambda-powertools_logger.html
 * (appendKeys "temporary attributes", appendPersistentKeys, resetKeys; the middy
 * middleware's resetKeys option calls logger.resetKeys() in its after and onError).
 *
 * Tracing: Lambda's active tracing gives each invocation a segment in the state
 * machine's X-Ray trace, and every AWS SDK call is a subsegment of it (the clients are
 * wrapped by the Powertools Tracer in src/lambda/aws/clients/registry.ts). The Tracer's
 * `captureLambdaHandler` middleware is not used: it would load the X-Ray SDK into
 * classifyEvent too, which calls no AWS service, and break its init target (npm run bench).
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { InvalidStepInput } from '../../core/errors';
import { logger, metrics } from '../runtime/powertools';
import type { Classification } from '../../core/types';

export type StepHandler<I, O> = (input: I, context: Context) => Promise<O>;

export interface CorrelationKeys {
  /** The EventBridge event's id: the event itself (ClassifyEvent), its classification, or the state RecordOutcome gets. */
  eventId?: string;
  /** `$$.Execution.Id`, for the tasks the state machine passes it to. */
  executionArn?: string;
}

const text = (value: unknown): string | undefined => (typeof value === 'string' && value.length > 0 ? value : undefined);

/** The ids that tie a step's log lines to one event and one execution, from the step's input. */
export function correlationKeys(input: unknown): CorrelationKeys {
  const step = (typeof input === 'object' && input !== null ? input : {}) as {
    executionArn?: unknown;
    event?: { id?: unknown } | null;
    classification?: { eventId?: unknown } | null;
    state?: { classification?: { eventId?: unknown } | null } | null;
  };
  const eventId = text(step.classification?.eventId) ?? text(step.state?.classification?.eventId) ?? text(step.event?.id);
  const executionArn = text(step.executionArn);
  return { ...(eventId ? { eventId } : {}), ...(executionArn ? { executionArn } : {}) };
}

export function withPowertools<I, O>(handler: StepHandler<I, O>, options: { emitsMetrics?: boolean } = {}) {
  const wrapped = middy(handler)
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use({ before: (request) => logger.appendKeys({ ...correlationKeys(request.event) }) });
  return options.emitsMetrics ? wrapped.use(logMetrics(metrics)) : wrapped;
}

/** The classification every step after ClassifyEvent receives. */
export function requireClassification(input: unknown, step: string): Classification {
  const classification = (input as { classification?: Classification } | null)?.classification;
  if (typeof classification !== 'object' || classification === null || typeof classification.kind !== 'string') {
    throw new InvalidStepInput(`${step} needs "classification" (the output of ClassifyEvent) in its input`);
  }
  return classification;
}

/** A key another step wrote, or InvalidStepInput naming it. */
export function requireField<T>(input: unknown, key: string, step: string): T {
  const value = (input as Record<string, unknown> | null)?.[key];
  if (typeof value !== 'object' || value === null) {
    throw new InvalidStepInput(`${step} needs "${key}" in its input`);
  }
  return value as T;
}
