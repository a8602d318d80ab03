/**
 * An evaluator of bucket policies that is not the product's: @cloud-copilot/iam-simulate
 * (AGPL-3.0-or-later, a devDependency). The simulated Private CA asks it whether its own
 * writes succeed, and the tests ask it to check the product's analyzer
 * (test/property/policy-judge.property.test.ts). It must never reach a Lambda bundle:
 * nothing under src/core or src/lambda imports src/workstation (npm run lint: .dependency-cruiser.cjs), and test/bundles greps every
 * packaged .mjs for it.
 *
 * The request Private CA makes is built here from the simulated account (the CA, its
 * bucket, the clock), not from the product's request-context table
 * (src/core/policy/request-context.ts): the point is that a mistake in that table is not
 * copied into the judge. Where the two say the same, it is because the same AWS pages
 * say so; docs/policy-evaluation.md ("How the tests check the evaluator") lists them.
 *
 * runSimulation (the validating entry point) is asynchronous and the simulated account
 * answers synchronously, so this uses runUnsafeSimulation, which skips iam-simulate's
 * input checks; the policy is checked here with iam-policy's validateResourcePolicy
 * first, and the context keys are given with the types IAM documents (one string per
 * single-valued key), which is what runSimulation would have normalised them to.
 */
import { createValidatedPolicy, validateResourcePolicy } from '@cloud-copilot/iam-policy';
import { runUnsafeSimulation } from '@cloud-copilot/iam-simulate';

export type IamDecision = 'Allowed' | 'ExplicitlyDenied' | 'ImplicitlyDenied';

export interface IamRequest {
  /** A service principal such as `acm-pca.amazonaws.com`. */
  principal: string;
  action: string;
  /** The ARN of the bucket or object. */
  resource: string;
  /** The account that owns the resource. */
  resourceAccount: string;
  /** The request context: a key left out is absent from the request. */
  context: Record<string, string | string[]>;
}

/** A policy iam-policy refuses: the judge cannot evaluate it, and says so rather than guess. */
export class IamJudgeError extends Error {
  override name = 'IamJudgeError';
}

/** IAM's decision for one request under a bucket policy (the only policy: no identity policies, SCPs or RCPs). */
export function iamDecision(policy: unknown, request: IamRequest): IamDecision {
  const validated = policy === null ? undefined : validatedPolicy(policy);
  const result = runUnsafeSimulation(
    {
      request: {
        principal: request.principal,
        action: request.action,
        resource: { resource: request.resource, accountId: request.resourceAccount },
        contextVariables: request.context,
      },
      identityPolicies: [],
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      ...(validated ? { resourcePolicy: validated } : {}),
    },
    {},
  );
  return result as IamDecision;
}

function validatedPolicy(policy: unknown) {
  const validated = createValidatedPolicy(policy, validateResourcePolicy, { name: 'BucketPolicy' });
  if (validated.errors.length > 0) {
    throw new IamJudgeError(
      `iam-simulate cannot evaluate this bucket policy: ${validated.errors.map((error) => `${error.path}: ${error.message}`).join('; ')}`,
    );
  }
  return validated;
}

/** The parsed bucket policy as the simulated S3 holds it (JSON text, or none). */
export function policyDocument(text: string | null): unknown {
  return text === null || text.trim() === '' ? null : (JSON.parse(text) as unknown);
}
