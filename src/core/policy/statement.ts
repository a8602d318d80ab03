/**
 * Bucket policy documents as S3 stores them, and their normalised form.
 *
 * IAM accepts several spellings of the same thing: `Statement` as one object or a list;
 * `Action`, `Resource` and principal lists as a string or a list; condition values as a
 * string, number, boolean or list. Parsing checks the shape (so that analysis never
 * meets a surprise) and keeps the original statements untouched, because a merge must
 * write them back exactly as they were.
 */
import { PolicyParseError } from './errors';

export type StringOrList = string | string[];
export type PrincipalElement = '*' | { [kind: string]: StringOrList };
export type ConditionScalar = string | number | boolean;
export type ConditionElement = {
  [operator: string]: { [key: string]: ConditionScalar | ConditionScalar[] };
};

export interface Statement {
  Sid?: string;
  Effect: 'Allow' | 'Deny';
  Principal?: PrincipalElement;
  NotPrincipal?: PrincipalElement;
  Action?: StringOrList;
  NotAction?: StringOrList;
  Resource?: StringOrList;
  NotResource?: StringOrList;
  Condition?: ConditionElement;
}

export interface PolicyDocument {
  Version?: string;
  Id?: string;
  Statement: Statement | Statement[];
  [key: string]: unknown;
}

/** A statement of a policy: its position in the statement list (0-based), Sid and text. */
export interface StatementRef {
  index: number;
  sid?: string;
  statement: Statement;
}

/** One `operator: { key: values }` test of a Condition block. */
export interface ConditionTest {
  operator: string;
  key: string;
  values: string[];
}

/** A statement reduced to what evaluation needs; element lists are always lists. */
export interface Rule {
  effect: 'Allow' | 'Deny';
  principal: { negated: boolean; value: '*' | Record<string, string[]> };
  action: { negated: boolean; patterns: string[] };
  resource: { negated: boolean; patterns: string[] };
  conditions: ConditionTest[];
  /** True in a Version 2012-10-17 policy, where `${...}` in resources and conditions are policy variables. */
  variables: boolean;
}

export interface ParsedStatement extends StatementRef {
  rule: Rule;
}

export interface ParsedPolicy {
  /** The document as read, or null when the bucket has no policy. */
  document: PolicyDocument | null;
  statements: ParsedStatement[];
}

/** 'statement 2 (Sid "DenyOutsideOrg")' or 'statement 3 (no Sid)'; numbered from 1. */
export function describeStatement(ref: StatementRef): string {
  return ref.sid === undefined ? `statement ${ref.index + 1} (no Sid)` : `statement ${ref.index + 1} (Sid "${ref.sid}")`;
}

/** Parses bucket policy text; null or '' means the bucket has no policy. */
export function parseBucketPolicy(text: string | null): ParsedPolicy {
  if (text === null || text.trim() === '') return { document: null, statements: [] };

  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new PolicyParseError(`bucket policy is not valid JSON: ${(error as Error).message}`, { cause: error });
  }
  if (!isObject(json)) {
    throw new PolicyParseError(`bucket policy must be a JSON object, not ${kindOf(json)}`);
  }
  if (!('Statement' in json)) {
    throw new PolicyParseError('bucket policy has no Statement');
  }
  const raw = json.Statement;
  if (!isObject(raw) && !Array.isArray(raw)) {
    throw new PolicyParseError(`bucket policy Statement must be an object or a list, not ${kindOf(raw)}`);
  }
  const variables = json.Version === '2012-10-17';
  const list: unknown[] = Array.isArray(raw) ? raw : [raw];
  const statements = list.map((item, index) => parseStatement(item, index, variables));
  return { document: json as unknown as PolicyDocument, statements };
}

/** The statement list of a document, whichever way `Statement` was written. */
export function statementList(document: PolicyDocument | null): Statement[] {
  if (document === null) return [];
  return Array.isArray(document.Statement) ? document.Statement : [document.Statement];
}

function parseStatement(value: unknown, index: number, variables: boolean): ParsedStatement {
  const where = `statement ${index + 1}`;
  if (!isObject(value)) {
    throw new PolicyParseError(`${where} must be an object, not ${kindOf(value)}`);
  }
  const sid = value.Sid;
  if (sid !== undefined && typeof sid !== 'string') {
    throw new PolicyParseError(`${where} has a Sid that is not a string`);
  }
  const effect = value.Effect;
  if (effect !== 'Allow' && effect !== 'Deny') {
    throw new PolicyParseError(`${where} has Effect ${JSON.stringify(effect) ?? 'missing'}; expected "Allow" or "Deny"`);
  }
  const rule: Rule = {
    effect,
    principal: parsePrincipal(value, where),
    action: parseList(value, 'Action', where),
    resource: parseList(value, 'Resource', where),
    conditions: parseCondition(value.Condition, where),
    variables,
  };
  const ref: ParsedStatement = { index, statement: value as unknown as Statement, rule };
  if (typeof sid === 'string' && sid !== '') ref.sid = sid;
  return ref;
}

function parsePrincipal(statement: Record<string, unknown>, where: string): Rule['principal'] {
  const element = pickOne(statement, 'Principal', where);
  const raw = statement[element];
  const negated = element === 'NotPrincipal';
  if (raw === '*') return { negated, value: '*' };
  if (!isObject(raw)) {
    throw new PolicyParseError(`${where} ${element} must be "*" or an object, not ${describeValue(raw)}`);
  }
  const value: Record<string, string[]> = {};
  for (const [kind, names] of Object.entries(raw)) {
    value[kind] = stringList(names, `${where} ${element}.${kind}`);
  }
  return { negated, value };
}

function parseList(statement: Record<string, unknown>, name: 'Action' | 'Resource', where: string): Rule['action'] {
  const element = pickOne(statement, name, where);
  return { negated: element !== name, patterns: stringList(statement[element], `${where} ${element}`) };
}

/** Exactly one of `Name` and `NotName` must be present. */
function pickOne(statement: Record<string, unknown>, name: string, where: string): string {
  const positive = name in statement;
  const negative = `Not${name}` in statement;
  if (positive && negative) throw new PolicyParseError(`${where} has both ${name} and Not${name}`);
  if (!positive && !negative) throw new PolicyParseError(`${where} has neither ${name} nor Not${name}`);
  return positive ? name : `Not${name}`;
}

function parseCondition(raw: unknown, where: string): ConditionTest[] {
  if (raw === undefined) return [];
  if (!isObject(raw)) throw new PolicyParseError(`${where} Condition must be an object, not ${kindOf(raw)}`);
  const tests: ConditionTest[] = [];
  for (const [operator, block] of Object.entries(raw)) {
    if (!isObject(block)) {
      throw new PolicyParseError(`${where} Condition operator ${operator} must map keys to values, not ${kindOf(block)}`);
    }
    for (const [key, values] of Object.entries(block)) {
      const list = Array.isArray(values) ? values : [values];
      if (!list.every(isConditionScalar)) {
        throw new PolicyParseError(`${where} Condition ${operator} ${key} must be a string, number, boolean or a list of them`);
      }
      tests.push({ operator, key, values: list.map(String) });
    }
  }
  return tests;
}

function stringList(value: unknown, what: string): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value) && value.every((item) => typeof item === 'string')) return value;
  throw new PolicyParseError(`${what} must be a string or a list of strings, not ${describeValue(value)}`);
}

function isConditionScalar(value: unknown): value is ConditionScalar {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (value === undefined) return 'missing';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

function describeValue(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value) : kindOf(value);
}
