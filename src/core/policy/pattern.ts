/**
 * Matching of policy strings (actions, resources, condition values) against request
 * values: IAM's `*` and `?` wildcards, `${...}` policy variables, and ARNs matched
 * component by component.
 *
 * IAM documents (see docs/policy-evaluation.md for the pages):
 * - `*` matches any run of characters, `?` any one character;
 * - ArnEquals/ArnLike check "each of the six colon-delimited components of the ARN
 *   separately", wildcards within a component; the Resource element is matched the same
 *   way ("wildcard characters (* and ?) within ARN segments"), and "*" alone is every
 *   resource;
 * - a policy variable `${key}` is replaced by the value of `key` in the request; a key
 *   with no value makes the string match nothing ("There is no equal or like value",
 *   and in Resource "will not match any resource"); `${key, 'default'}` uses the
 *   default when the key has no value; `${*}`, `${?}` and `${$}` stand for the literal
 *   characters; variables exist only in policies of Version 2012-10-17;
 * - in Resource, variables only in the resource part, after the fifth colon, and no
 *   wildcard in the service segment.
 *
 * Where the value of a variable is not known before the request, or IAM's reading is
 * not documented (a variable before the fifth colon, an ARN without six components, a
 * substituted value holding a wildcard or a colon), the answer is `maybe`, unless no
 * value at all could make the string match: then it is `no`. The fallback is sound
 * because every component-wise match is also a match of the whole string in which each
 * unknown part matches anything.
 */
import { lookupKey, type RequestContext } from './request-context';
import type { Truth } from './truth';

export interface TokenizeOptions {
  /** `*` and `?` are wildcards (StringLike, ArnLike, Action, Resource). */
  wildcards: boolean;
  /** `${...}` is a policy variable (policy Version 2012-10-17 only). */
  variables: boolean;
}

export type Token = { kind: 'text'; text: string } | { kind: 'star' } | { kind: 'one' } | { kind: 'variable'; key: string; fallback: string | null };

/** The escapes IAM defines for a literal `*`, `?` and `$` in a Version 2012-10-17 policy. */
const SPECIAL_CHARACTERS = new Set(['*', '?', '$']);
/** `key, 'default'`: the default-value form of a policy variable. */
const WITH_DEFAULT = /^(.*?), '(.*)'$/su;

/** Splits a policy string into literal text, wildcards and variables. */
export function tokenize(pattern: string, options: TokenizeOptions): Token[] {
  const chars = Array.from(pattern);
  const tokens: Token[] = [];
  const text = (value: string): void => {
    const last = tokens.at(-1);
    if (last?.kind === 'text') last.text += value;
    else tokens.push({ kind: 'text', text: value });
  };
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i]!;
    if (options.variables && ch === '$' && chars[i + 1] === '{') {
      const end = chars.indexOf('}', i + 2);
      if (end !== -1) {
        const body = chars.slice(i + 2, end).join('');
        if (SPECIAL_CHARACTERS.has(body)) {
          text(body);
        } else {
          const withDefault = WITH_DEFAULT.exec(body);
          tokens.push(withDefault ? { kind: 'variable', key: withDefault[1]!, fallback: withDefault[2]! } : { kind: 'variable', key: body, fallback: null });
        }
        i = end;
        continue;
      }
    }
    if (options.wildcards && ch === '*') tokens.push({ kind: 'star' });
    else if (options.wildcards && ch === '?') tokens.push({ kind: 'one' });
    else text(ch);
  }
  return tokens;
}

/** A token once its variables are replaced; `any` stands for a value not known before the request. */
type Resolved = { kind: 'text'; text: string; fromVariable: boolean } | { kind: 'star' } | { kind: 'one' } | { kind: 'any' };

type Resolution = { kind: 'null' } | { kind: 'tokens'; tokens: Resolved[]; certain: boolean; substitutedColon: boolean };

/**
 * Replaces each variable by its value in the request. `null`: a variable without
 * default names a key absent from the request, so the string matches nothing.
 */
export function resolve(tokens: readonly Token[], context: RequestContext, wildcards: boolean): Resolution {
  const resolved: Resolved[] = [];
  let certain = true;
  let substitutedColon = false;
  for (const token of tokens) {
    if (token.kind !== 'variable') {
      resolved.push(token.kind === 'text' ? { kind: 'text', text: token.text, fromVariable: false } : token);
      continue;
    }
    const key = lookupKey(context, token.key);
    const values = key.state === 'present' ? key.values : null;
    if ((key.state === 'present' && values!.length === 0) || key.state === 'absent') {
      if (token.fallback === null) return { kind: 'null' };
      resolved.push({ kind: 'text', text: token.fallback, fromVariable: true });
      if (token.fallback.includes(':')) substitutedColon = true;
    } else if (values !== null && values.length === 1 && !(wildcards && /[*?]/.test(values[0]!))) {
      // A value holding * or ? might be read as a wildcard: not documented, so `any`.
      resolved.push({ kind: 'text', text: values[0]!, fromVariable: true });
      if (values[0]!.includes(':')) substitutedColon = true;
    } else {
      // Unknown, or present with a value not known, or multivalued ("You can't use a
      // multivalued condition key as a variable"): any value, or none.
      resolved.push({ kind: 'any' });
      certain = false;
    }
  }
  return { kind: 'tokens', tokens: resolved, certain, substitutedColon };
}

const REGEX_SYNTAX = /[\\^$.*+?()[\]{}|/]/g;

function regexOf(tokens: readonly Resolved[], ignoreCase: boolean): RegExp {
  let source = '';
  for (const token of tokens) {
    if (token.kind === 'text') source += token.text.replace(REGEX_SYNTAX, '\\$&');
    else if (token.kind === 'one') source += '.';
    else source += '.*';
  }
  return new RegExp(`^${source}$`, ignoreCase ? 'isu' : 'su');
}

/** Whole-string glob match of resolved tokens. */
function globMatch(tokens: readonly Resolved[], value: string, ignoreCase: boolean, certain: boolean): Truth {
  if (!regexOf(tokens, ignoreCase).test(value)) return 'no';
  return certain ? 'yes' : 'maybe';
}

/** Matches a policy string against a request value as a whole (String operators, Action). */
export function matchString(pattern: string, value: string, options: TokenizeOptions & { ignoreCase: boolean }, context: RequestContext): Truth {
  const resolution = resolve(tokenize(pattern, options), context, options.wildcards);
  if (resolution.kind === 'null') return 'no';
  return globMatch(resolution.tokens, value, options.ignoreCase, resolution.certain);
}

/**
 * Whether a policy string matches every possible string (only `*` wildcards, no
 * variable): the answer for a key that is present with a value not known.
 */
export function matchesEveryString(pattern: string, options: TokenizeOptions): boolean {
  const tokens = tokenize(pattern, options);
  return tokens.length > 0 && tokens.every((token) => token.kind === 'star');
}

const ARN_COMPONENTS = 6;
const SERVICE_COMPONENT = 2;

/** The six components of an ARN (the last keeps any further colons), or null. */
function splitArnValue(value: string): string[] | null {
  const parts = value.split(':');
  if (parts.length < ARN_COMPONENTS) return null;
  return [...parts.slice(0, ARN_COMPONENTS - 1), parts.slice(ARN_COMPONENTS - 1).join(':')];
}

/** Splits resolved tokens at their first five literal colons. */
function splitArnTokens(tokens: readonly Resolved[]): { components: Resolved[][]; variableComponents: Set<number> } | null {
  const components: Resolved[][] = [[]];
  const variableComponents = new Set<number>();
  for (const token of tokens) {
    const current = (): Resolved[] => components[components.length - 1]!;
    if (token.kind === 'text' && !token.fromVariable && components.length < ARN_COMPONENTS) {
      const pieces = token.text.split(':');
      for (let p = 0; p < pieces.length; p++) {
        if (p > 0) {
          if (components.length < ARN_COMPONENTS) components.push([]);
          else current().push({ kind: 'text', text: ':', fromVariable: false });
        }
        if (pieces[p] !== '') current().push({ kind: 'text', text: pieces[p]!, fromVariable: false });
      }
      continue;
    }
    if (token.kind === 'any' || (token.kind === 'text' && token.fromVariable)) variableComponents.add(components.length - 1);
    current().push(token);
  }
  return components.length === ARN_COMPONENTS ? { components, variableComponents } : null;
}

export interface ArnMatchOptions {
  variables: boolean;
  /** The Resource element: variables only after the fifth colon, no wildcard in the service. */
  resource: boolean;
}

/** Matches an ARN pattern against an ARN, each of the six components on its own, case-sensitively. */
export function matchArn(pattern: string, value: string, options: ArnMatchOptions, context: RequestContext): Truth {
  const tokens = tokenize(pattern, { wildcards: true, variables: options.variables });
  const resolution = resolve(tokens, context, true);
  if (resolution.kind === 'null') return 'no';
  const whole = (): Truth => (globMatch(resolution.tokens, value, false, true) === 'no' ? 'no' : 'maybe');

  const valueParts = splitArnValue(value);
  const split = splitArnTokens(resolution.tokens);
  if (valueParts === null || split === null || resolution.substitutedColon) return whole();
  const { components, variableComponents } = split;
  if (options.resource) {
    const service = components[SERVICE_COMPONENT]!;
    if (service.some((token) => token.kind === 'star' || token.kind === 'one')) return whole();
    if ([...variableComponents].some((index) => index < ARN_COMPONENTS - 1)) return whole();
  }
  const results: Truth[] = components.map((component, i) => globMatch(component, valueParts[i]!, false, true));
  if (results.includes('no')) return 'no';
  return resolution.certain ? 'yes' : 'maybe';
}

/**
 * Whether a policy string holds a variable, without default, whose key is absent from the
 * request (or present with no value): "Policy variables with no value" of the IAM variables
 * page. Such a Resource "will not match any resource"; what it does in a NotResource the
 * page does not say, and its note warns that "if AWS cannot resolve a variable this might
 * cause the entire statement to be invalid".
 */
export function hasVariableWithNoValue(pattern: string, variables: boolean, context: RequestContext): boolean {
  return resolve(tokenize(pattern, { wildcards: true, variables }), context, true).kind === 'null';
}

/** The Resource element: "*" is every resource; anything else is an ARN pattern. */
export function matchResource(pattern: string, resource: string, variables: boolean, context: RequestContext): Truth {
  if (matchesEveryString(pattern, { wildcards: true, variables })) return 'yes';
  return matchArn(pattern, resource, { variables, resource: true }, context);
}
