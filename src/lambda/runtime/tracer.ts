/**
 * The Powertools Tracer, for the functions that call AWS: every AWS SDK client is wrapped
 * by it (src/lambda/aws/clients/registry.ts), so that each call is an X-Ray subsegment of the
 * invocation's segment. It is on only inside Lambda with active tracing (serverless.yml:
 * provider.tracing.lambda). Kept out of src/lambda/runtime/powertools.ts so that a function that
 * calls no AWS service (classifyEvent) does not load the X-Ray SDK at all.
 */
import { Tracer } from '@aws-lambda-powertools/tracer';

export const tracer = new Tracer();
