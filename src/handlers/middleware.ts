/**
 * Every handler is a typed function wrapped the same way: Powertools logger (Lambda
 * context on every line) and, for the handler that emits metrics, the EMF flush.
 *
 * Tracing is Lambda's own active tracing (a segment per invocation, in the state
 * machine's X-Ray trace). The Powertools Tracer, which adds a subsegment per SDK call,
 * is not used: it bundles the X-Ray SDK (about 106 KB minified with its semver copy)
 * into every function, for a slower cold start (measured with `npm run bench`).
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
