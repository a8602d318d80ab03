/**
 * Does one statement apply to one request? A statement applies when its principal,
 * action and resource all match and its condition holds; `maybe` when the condition
 * (or a policy variable) depends on values not known before the request.
 */
import { evaluateConditions, type RequestContext } from './condition';
import { matchPattern } from './pattern';
import type { Rule } from './statement';
import { all, any, not, truthOf, type Truth } from './truth';

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
    resourceMatches(rule, request.resource),
    evaluateConditions(rule.conditions, request.context, rule.variables),
  ]);
}

/**
 * A service principal is named by `"*"`, `{"AWS": "*"}` or its own name under `Service`.
 * `NotPrincipal` matches every principal it does not name.
 */
export function principalMatches(rule: Rule, service: string): Truth {
  const { negated, value } = rule.principal;
  const named =
    value === '*' ||
    (value.AWS ?? []).includes('*') ||
    (value.Service ?? []).some((name) => name.toLowerCase() === service.toLowerCase());
  return truthOf(negated ? !named : named);
}

/** Action names are case-insensitive; `NotAction` matches actions none of its patterns match. */
export function actionMatches(rule: Rule, action: string): Truth {
  return anyPattern(rule.action, (pattern) =>
    matchPattern(pattern, action, { wildcards: true, ignoreCase: true, variables: false }),
  );
}

/** Resource ARNs are case-sensitive; `NotResource` matches resources none of its patterns match. */
export function resourceMatches(rule: Rule, resource: string): Truth {
  return anyPattern(rule.resource, (pattern) =>
    matchPattern(pattern, resource, { wildcards: true, ignoreCase: false, variables: rule.variables }),
  );
}

function anyPattern(element: Rule['action'], match: (pattern: string) => Truth): Truth {
  const matched = any(element.patterns.map(match));
  return element.negated ? not(matched) : matched;
}
