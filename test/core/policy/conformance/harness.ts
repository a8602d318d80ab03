/**
 * The conformance tests put the product's evaluator to the examples and rules of the
 * IAM policy reference. Each case names the page and section its expected value comes
 * from; the expected values are read from the documentation, never from the product.
 * A case whose outcome IAM does not document says so and expects `maybe` (the product
 * then asks a person).
 */
import type { ConditionElement } from '../../../../src/core/policy';
import { evaluateConditions } from '../../../../src/core/policy/condition';
import { actionMatches, resourceMatches } from '../../../../src/core/policy/evaluate';
import type { RequestContext } from '../../../../src/core/policy/request-context';
import { parseBucketPolicy } from '../../../../src/core/policy/statement';
import type { Truth } from '../../../../src/core/policy/truth';

const IAM = 'https://docs.aws.amazon.com/IAM/latest/UserGuide';
/** The pages the cases cite. */
export const PAGES = {
  operators: `${IAM}/reference_policies_elements_condition_operators.html`,
  condition: `${IAM}/reference_policies_elements_condition.html`,
  multivalued: `${IAM}/reference_policies_condition-single-vs-multi-valued-context-keys.html`,
  multipleKeys: `${IAM}/reference_policies_multi-value-conditions.html`,
  variables: `${IAM}/reference_policies_variables.html`,
  resource: `${IAM}/reference_policies_elements_resource.html`,
  action: `${IAM}/reference_policies_elements_action.html`,
  checks: `${IAM}/access-analyzer-reference-policy-checks.html`,
  keys: `${IAM}/reference_policies_condition-keys.html`,
} as const;

/** A key the request carries with a value nobody knows before the request. */
export const PRESENT = { fact: 'present, value not known' } as const;
/** A key the request does not carry. */
export const ABSENT = { fact: 'absent' } as const;

export type KeyFact = string | string[] | typeof PRESENT | typeof ABSENT;

/** A request context: keys not named are unknown (may or may not be in the request). */
export function contextOf(keys: Record<string, KeyFact> = {}): RequestContext {
  const known = new Map<string, string[]>();
  const absent = new Set<string>();
  const present = new Set<string>();
  for (const [key, fact] of Object.entries(keys)) {
    const name = key.toLowerCase();
    if (fact === ABSENT) absent.add(name);
    else if (fact === PRESENT) present.add(name);
    else if (typeof fact === 'string') known.set(name, [fact]);
    else if (Array.isArray(fact)) known.set(name, fact);
  }
  return { known, absent, absentPrefixes: [], present };
}

function ruleOf(statement: Record<string, unknown>, version: string | null) {
  const document = version === null ? { Statement: [statement] } : { Version: version, Statement: [statement] };
  return parseBucketPolicy(JSON.stringify(document)).statements[0]!.rule;
}

/** The truth of a Condition element, read as the product reads a stored policy. */
export function judge(condition: ConditionElement, keys: Record<string, KeyFact> = {}, version: string | null = '2012-10-17'): Truth {
  const rule = ruleOf({ Effect: 'Allow', Principal: '*', Action: '*', Resource: '*', Condition: condition }, version);
  return evaluateConditions(rule.conditions, contextOf(keys), rule.variables);
}

/** Whether a Resource (or NotResource) element matches a resource ARN. */
export function judgeResource(
  element: { Resource: string | string[] } | { NotResource: string | string[] },
  arn: string,
  keys: Record<string, KeyFact> = {},
  version: string | null = '2012-10-17',
): Truth {
  const rule = ruleOf({ Effect: 'Allow', Principal: '*', Action: '*', ...element }, version);
  return resourceMatches(rule, arn, contextOf(keys));
}

/** Whether an Action (or NotAction) element matches an action name. */
export function judgeAction(element: { Action: string | string[] } | { NotAction: string | string[] }, action: string): Truth {
  const rule = ruleOf({ Effect: 'Allow', Principal: '*', Resource: '*', ...element }, '2012-10-17');
  return actionMatches(rule, action);
}
