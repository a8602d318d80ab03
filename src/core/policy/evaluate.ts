/**
 * Does one statement apply to one request? A statement applies when its principal,
 * action and resource all match and its condition holds; `maybe` when the condition
 * (or a policy variable) depends on values not known before the request.
 */
import { evaluateConditions } from './condition';
import { hasVariableWithNoValue, matchResource, matchString } from './pattern';
import type { RequestContext } from './request-context';
import type { Rule } from './statement';
import { all, any, not, type Truth } from './truth';

export interface PolicyRequest {
  /** The calling service principal, e.g. `acm-pca.amazonaws.com`. */
  principalService: string;
  action: string;
  resource: string;
  context: RequestContext;
}

export function statementApplies(rule: Rule, request: PolicyRequest): Truth {
  return all([
    principalMatches(rule, request.principalService),
    actionMatches(rule, request.action),
    resourceMatches(rule, request.resource, request.context),
    evaluateConditions(rule.conditions, request.context, rule.variables),
  ]);
}

/**
 * A service principal is named by `"*"`, `{"AWS": "*"}` or its own name under `Service`.
 * `NotPrincipal` matches every principal it does not name. A `Service` name that equals
 * the principal's only when case is ignored (`ACM-PCA.amazonaws.com`) is `maybe`: IAM's
 * pages do not say whether service principal names are compared with case, and
 * iam-simulate compares them exactly.
 */
export function principalMatches(rule: Rule, service: string): Truth {
  const { negated, value } = rule.principal;
  const names = value === '*' ? [] : (value.Service ?? []);
  const named = value === '*' || (value.AWS ?? []).includes('*') || names.includes(service);
  const matched: Truth = named ? 'yes' : names.some((name) => name.toLowerCase() === service.toLowerCase()) ? 'maybe' : 'no';
  return negated ? not(matched) : matched;
}

const NO_CONTEXT: RequestContext = { known: new Map(), absent: new Set(), absentPrefixes: [] };

/**
 * Action names, service prefix included, are case-insensitive, with `*` and `?`; policy
 * variables are not read in Action. `NotAction` matches actions none of its patterns match.
 */
export function actionMatches(rule: Rule, action: string): Truth {
  return anyPattern(rule.action, (pattern) => matchString(pattern, action, { wildcards: true, variables: false, ignoreCase: true }, NO_CONTEXT));
}

/**
 * Resource ARNs are case-sensitive and matched segment by segment, with policy variables
 * in the resource part; `NotResource` matches resources none of its patterns match.
 */
export function resourceMatches(rule: Rule, resource: string, context: RequestContext = NO_CONTEXT): Truth {
  const matched = anyPattern(rule.resource, (pattern) => matchResource(pattern, resource, rule.variables, context));
  // A NotResource whose pattern holds a variable with no value: IAM's pages leave open
  // whether it excludes nothing or makes the statement invalid (hasVariableWithNoValue),
  // so it is `maybe` unless another pattern already decides. iam-simulate reads it as
  // "the statement does not apply" (found by test/property/policy-judge.property.test.ts).
  if (rule.resource.negated && matched === 'yes' && rule.resource.patterns.some((pattern) => hasVariableWithNoValue(pattern, rule.variables, context)))
    return 'maybe';
  return matched;
}

function anyPattern(element: Rule['action'], match: (pattern: string) => Truth): Truth {
  const matched = any(element.patterns.map(match));
  return element.negated ? not(matched) : matched;
}
