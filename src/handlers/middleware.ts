/**
 * Every handler is a typed function wrapped the same way: Powertools logger (Lambda
 * context on every line) and, for the handler that emits metrics, the EMF flush.
 *
 * Tracing: Lambda's active tracing gives each invocation a segment in the state
 * machine's X-Ray trace, and every AWS SDK call is a subsegment of it (the clients are
 * wrapped by the Powertools Tracer in src/lib/clients/registry.ts). The Tracer's
 * `captureLambdaHandler` middleware is not used: it would load the X-Ray SDK into
 * classifyEvent too, which calls no AWS service, and break its init target (npm run bench).
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { InvalidStepInput } from '../lib/errors';
import { logger, metrics } from '../lib/powertools';
import type { Target } from '../lib/types';

export type StepHandler<I, O> = (input: I, context: Context) => Promise<O>;

export function withPowertools<I, O>(handler: StepHandler<I, O>, options: { emitsMetrics?: boolean } = {}) {
  const wrapped = middy(handler).use(injectLambdaContext(logger));
  return options.emitsMetrics ? wrapped.use(logMetrics(metrics)) : wrapped;
}

/** The classified target every step after ClassifyEvent receives. */
export function requireTarget(input: unknown, step: string): Target {
  const target = (input as { target?: Target } | null)?.target;
  if (typeof target !== 'object' || target === null || typeof target.kind !== 'string') {
    throw new InvalidStepInput(`${step} needs "target" (the output of ClassifyEvent) in its input`);
  }
  return target;
}

/** A key another step wrote, or InvalidStepInput naming it. */
export function requireField<T>(input: unknown, key: string, step: string): T {
  const value = (input as Record<string, unknown> | null)?.[key];
  if (typeof value !== 'object' || value === null) {
    throw new InvalidStepInput(`${step} needs "${key}" in its input`);
  }
  return value as T;
}
