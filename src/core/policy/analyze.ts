/**
 * Would Private CA's writes to its bucket succeed under this bucket policy?
 *
 * Each required (action, resource) pair is checked against every statement. An Allow
 * grants a pair only when it certainly applies; an explicit Deny that certainly or
 * possibly applies blocks, and no Allow can fix that.
 */
import { parseOperator } from './condition';
import { statementApplies, type PolicyRequest } from './evaluate';
import { PCA_SERVICE_PRINCIPAL, requiredAccess, type PcaWriteRequest, type RequiredAccess } from './pca';
import { lookupKey, pcaRequestContext, type RequestContext } from './request-context';
import { describeStatement, parseBucketPolicy, type ParsedPolicy, type ParsedStatement, type StatementRef } from './statement';

export interface BlockingDeny extends StatementRef {
  certainty: 'certain' | 'possible';
  /** The required actions it blocks, certainly or possibly. */
  actions: string[];
  why: string;
}

export interface PolicyAnalysis {
  /** Every required pair is granted and no Deny certainly or possibly blocks. */
  compliant: boolean;
  /** Required pairs no Allow grants for sure. */
  missing: RequiredAccess[];
  blockingDenies: BlockingDeny[];
  /** Allows that might grant a missing pair, depending on condition keys whose value is unknown. */
  uncertainAllows: StatementRef[];
  /** Allows that certainly grant at least one required pair. */
  grantingStatements: StatementRef[];
}

export function analyzeBucketPolicy(text: string | null, req: PcaWriteRequest): PolicyAnalysis {
  return analyzeParsedPolicy(parseBucketPolicy(text), req);
}

export function analyzeParsedPolicy(policy: ParsedPolicy, req: PcaWriteRequest): PolicyAnalysis {
  const pairs = requiredAccess(req);
  const requests: PolicyRequest[] = pairs.map(({ action, resource }) => ({
    principalService: PCA_SERVICE_PRINCIPAL,
    action,
    resource,
    context: pcaRequestContext(req, action),
  }));
  const verdicts = policy.statements.map((statement) => ({
    statement,
    applies: requests.map((request) => statementApplies(statement.rule, request)),
  }));
  const allows = verdicts.filter(({ statement }) => statement.rule.effect === 'Allow');
  const denies = verdicts.filter(({ statement }) => statement.rule.effect === 'Deny');

  const isMissing = pairs.map((_, i) => !allows.some(({ applies }) => applies[i] === 'yes'));
  const missing = pairs.filter((_, i) => isMissing[i]);
  const grantingStatements = allows.filter(({ applies }) => applies.includes('yes')).map(({ statement }) => refOf(statement));
  const uncertainAllows = allows
    .filter(({ applies }) => applies.some((truth, i) => truth === 'maybe' && isMissing[i]))
    .map(({ statement }) => refOf(statement));

  const blockingDenies: BlockingDeny[] = [];
  for (const { statement, applies } of denies) {
    const blocked = applies.flatMap((truth, i) => (truth === 'no' ? [] : [i]));
    const first = blocked.find((i) => applies[i] === 'yes') ?? blocked[0];
    if (first === undefined) continue;
    const certainty = applies.includes('yes') ? 'certain' : 'possible';
    const actions = [...new Set(blocked.map((i) => pairs[i]!.action))];
    blockingDenies.push({
      ...refOf(statement),
      certainty,
      actions,
      why: whyDenied(statement, certainty, actions, requests[first]!.context),
    });
  }

  return {
    compliant: missing.length === 0 && blockingDenies.length === 0,
    missing,
    blockingDenies,
    uncertainAllows,
    grantingStatements,
  };
}

function refOf({ index, sid, statement }: ParsedStatement): StatementRef {
  return sid === undefined ? { index, statement } : { index, sid, statement };
}

function whyDenied(statement: ParsedStatement, certainty: BlockingDeny['certainty'], actions: string[], context: RequestContext): string {
  const verb = certainty === 'certain' ? 'denies' : 'may deny';
  const head = `${describeStatement(statement)} ${verb} ${actions.join(', ')} to ${principalPhrase(statement)}`;
  const notes = conditionNotes(statement, context);
  if (notes.length === 0) return `${head}, with no condition`;
  return certainty === 'certain'
    ? `${head}; its condition holds for Private CA (${notes.join('; ')})`
    : `${head}, depending on its condition (${notes.join('; ')})`;
}

function principalPhrase({ rule }: ParsedStatement): string {
  if (rule.principal.negated) return `every principal its NotPrincipal does not name, which includes ${PCA_SERVICE_PRINCIPAL}`;
  return principalIsEveryone(rule.principal.value) ? 'every principal' : PCA_SERVICE_PRINCIPAL;
}

function principalIsEveryone(value: ParsedStatement['rule']['principal']['value']): boolean {
  return value === '*' || (value.AWS ?? []).includes('*');
}

function conditionNotes({ rule }: ParsedStatement, context: RequestContext): string[] {
  const notes: string[] = [];
  const seen = new Set<string>();
  for (const test of rule.conditions) {
    if (parseOperator(test.operator) === null) notes.push(`operator ${test.operator} is not evaluated`);
    if (seen.has(test.key.toLowerCase())) continue;
    seen.add(test.key.toLowerCase());
    const key = lookupKey(context, test.key);
    if (key.state === 'present') notes.push(`${test.key} is "${key.values.join('", "')}"`);
    else if (key.state === 'absent') notes.push(`${test.key} is absent from Private CA's request`);
    else if (key.state === 'present-unknown') notes.push(`${test.key} is in Private CA's request with a value not known in advance`);
    else notes.push(`${test.key} is not known in advance`);
  }
  return notes;
}
