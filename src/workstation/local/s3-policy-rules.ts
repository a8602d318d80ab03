/**
 * What S3 checks when a bucket policy is put, as far as it matters to a workflow that
 * merges a statement into an existing policy: size, JSON, the version, the required
 * fields of each statement, actions that are S3's and resources that are this bucket's.
 *
 * Accepted as S3 accepts them: `Version` 2012-10-17, 2008-10-17 or none; `Statement` as
 * one object or a list; `Principal`/`NotPrincipal` as "*" or an object of AWS, Service,
 * CanonicalUser or Federated ids; `Action`/`NotAction` with the service prefix and the
 * action name in any case ("IAM JSON policy elements: Action": action names are not case
 * sensitive, https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_action.html);
 * `Resource`/`NotResource`; statements without a Sid and duplicate Sids (Cloud Custodian
 * #3362).
 *
 * Refused with MalformedPolicy (400) and S3's message. The messages are not in the S3
 * API reference; they are the ones S3 answers as quoted in public reports:
 * - "Policies must be valid JSON and the first byte must be '{'" (aws/aws-cli#2779),
 *   "This policy contains invalid Json" (versity/versitygw#1156);
 * - "The policy must contain a valid version string" (versity/versitygw#1536, the S3
 *   console's message in codevise/pageflow#902);
 * - "Missing required field Statement" (versity/versitygw#1176), "Missing required field
 *   Principal" (docker/docs#6361, jschneier/django-storages#876);
 * - "Invalid effect: <value>" (versity/versitygw#647), "Policy has invalid action"
 *   (versity/versitygw#650), "Policy has invalid resource" (versity/versitygw#648,
 *   aws-samples/aws-serverless-appsync-app#4), "Invalid principal in policy"
 *   (versity/versitygw#649, cloud-custodian#4948).
 * Not verifiable from public sources, so worded here and marked in the tests: "Missing
 * required field Effect/Action/Resource", "Statement must be an object", "Invalid
 * Condition", "Policies must be less than 20KB", "Could not parse the policy: Statement is
 * empty!".
 *
 * Not modelled: S3 checks principals against IAM (an unknown ARN is "Invalid principal in
 * policy") and that each action exists and applies to a resource of the statement ("Action
 * does not apply to any resource(s) in statement", versity/versitygw#645); a statement
 * with both Principal and NotPrincipal (or Action and NotAction) is refused by IAM's
 * grammar, with a message not found in public sources.
 */
import type { Partition } from '../../core/types';
import { s3Errors } from './aws-errors';

export const MAX_BUCKET_POLICY_BYTES = 20 * 1024;

type Json = Record<string, unknown>;

/** Throws MalformedPolicy the way S3 does; returns the parsed document. */
export function checkPolicyForPut(text: unknown, bucket: string, partition: Partition): Json {
  if (typeof text !== 'string' || text.length === 0) throw s3Errors.malformedPolicy("Policies must be valid JSON and the first byte must be '{'");
  if (Buffer.byteLength(text, 'utf8') > MAX_BUCKET_POLICY_BYTES) throw s3Errors.malformedPolicy('Policies must be less than 20KB');
  if (!text.trimStart().startsWith('{')) throw s3Errors.malformedPolicy("Policies must be valid JSON and the first byte must be '{'");
  let document: Json;
  try {
    document = JSON.parse(text) as Json;
  } catch {
    throw s3Errors.malformedPolicy('This policy contains invalid Json');
  }
  if (typeof document !== 'object' || document === null || Array.isArray(document)) {
    throw s3Errors.malformedPolicy("Policies must be valid JSON and the first byte must be '{'");
  }
  if (document.Version !== undefined && document.Version !== '2012-10-17' && document.Version !== '2008-10-17') {
    throw s3Errors.malformedPolicy('The policy must contain a valid version string');
  }
  const statements = document.Statement;
  if (statements === undefined) throw s3Errors.malformedPolicy('Missing required field Statement');
  const list = Array.isArray(statements) ? statements : [statements];
  if (list.length === 0) throw s3Errors.malformedPolicy('Could not parse the policy: Statement is empty!');
  for (const statement of list) checkStatement(statement, bucket, partition);
  return document;
}

function checkStatement(value: unknown, bucket: string, partition: Partition): void {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw s3Errors.malformedPolicy('Statement must be an object');
  }
  const statement = value as Json;
  if (statement.Effect === undefined) throw s3Errors.malformedPolicy('Missing required field Effect');
  if (statement.Effect !== 'Allow' && statement.Effect !== 'Deny') {
    throw s3Errors.malformedPolicy(`Invalid effect: ${String(statement.Effect)}`);
  }
  if (statement.Principal === undefined && statement.NotPrincipal === undefined) {
    throw s3Errors.malformedPolicy('Missing required field Principal');
  }
  checkPrincipal(statement.Principal ?? statement.NotPrincipal);
  const actions = statement.Action ?? statement.NotAction;
  if (actions === undefined) throw s3Errors.malformedPolicy('Missing required field Action');
  for (const action of strings(actions, 'Policy has invalid action')) {
    // The service prefix and the action name in any case: "S3:PutObject", "s3:putobject".
    if (action !== '*' && !/^s3:[A-Za-z*?]+$/i.test(action)) throw s3Errors.malformedPolicy('Policy has invalid action');
  }
  const resources = statement.Resource ?? statement.NotResource;
  if (resources === undefined) throw s3Errors.malformedPolicy('Missing required field Resource');
  for (const resource of strings(resources, 'Policy has invalid resource')) {
    if (!resourceIsInBucket(resource, bucket, partition)) throw s3Errors.malformedPolicy('Policy has invalid resource');
  }
  if (statement.Condition !== undefined && (typeof statement.Condition !== 'object' || statement.Condition === null)) {
    throw s3Errors.malformedPolicy('Invalid Condition');
  }
}

function checkPrincipal(principal: unknown): void {
  if (principal === '*') return;
  if (typeof principal !== 'object' || principal === null || Array.isArray(principal)) {
    throw s3Errors.malformedPolicy('Invalid principal in policy');
  }
  // "Missing required field Principal cannot be empty!" (cn-terraform/terraform-aws-s3-static-website#38).
  if (Object.keys(principal).length === 0) throw s3Errors.malformedPolicy('Missing required field Principal cannot be empty!');
  for (const [kind, ids] of Object.entries(principal)) {
    if (!['AWS', 'Service', 'CanonicalUser', 'Federated'].includes(kind)) throw s3Errors.malformedPolicy('Invalid principal in policy');
    strings(ids, 'Invalid principal in policy');
  }
}

function strings(value: unknown, problem: string): string[] {
  const list = Array.isArray(value) ? value : [value];
  if (list.length === 0 || list.some((item) => typeof item !== 'string' || item.length === 0)) throw s3Errors.malformedPolicy(problem);
  return list as string[];
}

/** `arn:<partition>:s3:::<bucket>` or below it; wildcards in the bucket part may match it. */
function resourceIsInBucket(resource: string, bucket: string, partition: Partition): boolean {
  if (resource === '*') return true;
  const prefix = `arn:${partition}:s3:::`;
  if (!resource.startsWith(prefix)) return false;
  const bucketPart = resource.slice(prefix.length).split('/')[0] ?? '';
  return globMatches(bucketPart, bucket);
}

function globMatches(pattern: string, value: string): boolean {
  const regex = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${regex}$`).test(value);
}

// Condition keys that tie a wildcard principal to known callers: a statement that uses
// one of them with a fixed value is not public (S3 "The meaning of public").
const RESTRICTING_KEYS = new Set(
  [
    'aws:SourceArn',
    'aws:SourceAccount',
    'aws:SourceOwner',
    'aws:SourceOrgID',
    'aws:SourceOrgPaths',
    'aws:SourceVpc',
    'aws:SourceVpce',
    'aws:SourceIp',
    'aws:PrincipalAccount',
    'aws:PrincipalArn',
    'aws:PrincipalOrgID',
    'aws:PrincipalOrgPaths',
    'aws:userid',
    's3:DataAccessPointArn',
    's3:DataAccessPointAccount',
  ].map((key) => key.toLowerCase()),
);

/**
 * Whether S3 would count the policy as public (what BlockPublicPolicy rejects): an Allow
 * for every principal with no condition on a restricting key. An approximation of S3's
 * rules: it does not check that the restricting values are themselves free of wildcards.
 */
export function isPublicPolicy(document: Json): boolean {
  const statements = Array.isArray(document.Statement) ? document.Statement : [document.Statement];
  return statements.some((value) => {
    const statement = value as Json;
    if (statement.Effect !== 'Allow') return false;
    if (statement.NotPrincipal !== undefined) return true;
    const principal = statement.Principal;
    const everyone =
      principal === '*' ||
      (typeof principal === 'object' && principal !== null && Object.values(principal).some((ids) => (Array.isArray(ids) ? ids : [ids]).includes('*')));
    if (!everyone) return false;
    const conditions = (statement.Condition ?? {}) as Record<string, Record<string, unknown>>;
    const keys = Object.values(conditions).flatMap((block) => Object.keys(block ?? {}));
    return !keys.some((key) => RESTRICTING_KEYS.has(key.toLowerCase()));
  });
}
