/**
 * Bench-only instrumentation of the local runner, undone by `restore()`: every Lambda
 * handler the runner calls is timed (wall clock, performance.now()) and runs in an
 * AsyncLocalStorage context, so that what it does can be put down to it:
 *
 * - DynamoDB commands it sends (the SDK client's `send`, counted per command; dynalite
 *   never throttles, so no SDK retry hides behind one);
 * - anything else that asks `current()` (the storms attribute bucket policy writes to
 *   the CA of the invocation that made them).
 *
 * ClaimEvent is not a Lambda: Step Functions calls DynamoDB itself. Its calls are the
 * runner's service-task attempts, and are not counted here.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Context } from 'aws-lambda';
import { FUNCTION_HANDLERS } from '../local/workflow';

export interface Invocation {
  /** The serverless.yml function name (classifyEvent, repairBucket...). */
  functionName: string;
  /** The CA of the event, from the step's input (`classification`), when there is one. */
  certificateAuthorityArn: string | null;
  /** Wall-clock milliseconds of the handler call, middy and Powertools included. */
  ms: number;
  /** DynamoDB commands it sent, by name (GetItem, PutItem...). */
  dynamoDbCalls: string[];
  failed: boolean;
}

export interface Instrumentation {
  /** Every invocation so far, in the order they ended. */
  readonly invocations: Invocation[];
  /** The invocation whose code is running now (in this async context), if any. */
  current(): Invocation | undefined;
  restore(): void;
}

type Handler = (event: never, context: Context) => Promise<unknown>;

let active: Instrumentation | null = null;

export function instrumentRunner(): Instrumentation {
  if (active) throw new Error('the local runner is already instrumented');
  const context = new AsyncLocalStorage<Invocation>();
  const invocations: Invocation[] = [];
  const handlers = FUNCTION_HANDLERS as Record<string, Handler>;
  const originals = { ...handlers };
  for (const [functionName, original] of Object.entries(originals)) {
    handlers[functionName] = async (event, lambdaContext) => {
      const classification = (event as { classification?: { certificateAuthorityArn?: string } } | null)?.classification;
      const invocation: Invocation = {
        functionName,
        certificateAuthorityArn: classification?.certificateAuthorityArn ?? null,
        ms: 0,
        dynamoDbCalls: [],
        failed: false,
      };
      const started = performance.now();
      try {
        return await context.run(invocation, () => original(event, lambdaContext));
      } catch (error) {
        invocation.failed = true;
        throw error;
      } finally {
        invocation.ms = performance.now() - started;
        invocations.push(invocation);
      }
    };
  }
  const prototype = DynamoDBClient.prototype as unknown as { send: (...args: unknown[]) => unknown };
  const ownSend = Object.hasOwn(prototype, 'send') ? prototype.send : undefined;
  const send = prototype.send;
  prototype.send = function countedSend(this: unknown, ...args: unknown[]) {
    const invocation = context.getStore();
    if (invocation)
      invocation.dynamoDbCalls.push(
        String((args[0] as { constructor?: { name?: string } } | undefined)?.constructor?.name ?? 'unknown').replace(/Command$/, ''),
      );
    return send.apply(this, args);
  };
  const instrumentation: Instrumentation = {
    invocations,
    current: () => context.getStore(),
    restore() {
      Object.assign(handlers, originals);
      if (ownSend) prototype.send = ownSend;
      else delete (prototype as { send?: unknown }).send;
      active = null;
    },
  };
  active = instrumentation;
  return instrumentation;
}
