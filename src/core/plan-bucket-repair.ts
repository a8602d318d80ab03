/**
 * Decide what is wrong with a bucket Private CA must write to, and what would fix it.
 * Pure: it reads a snapshot (BucketState, the CA's CRL settings, the deployment's
 * settings) and returns findings and a plan. Nothing here talks to AWS.
 *
 * Rules (the AWS facts behind them, with links: docs/aws-facts.md and docs/policy-evaluation.md):
 * - the policy must let acm-pca.amazonaws.com do the four documented actions for
 *   this CA; missing pieces are added as the documented statement, nothing else;
 * - an explicit Deny that blocks Private CA cannot be fixed by an Allow: no write;
 * - PUBLIC_READ CRLs fail with Block Public Access (BlockPublicAcls) or ACLs
 *   disabled (BucketOwnerEnforced): switch the CA to BUCKET_OWNER_FULL_CONTROL;
 * - the S3 default KMS key (aws/s3) cannot be used by Private CA: a person must act;
 *   encryption is never changed;
 * - with Block Public Access (BlockPublicPolicy) on, S3 refuses any policy it considers
 *   public, and the merged policy keeps every existing statement: a public one must be
 *   removed or restricted by a person before the grant can be added.
 * - a policy whose text repeats a key within one JSON object is not judged or merged:
 *   re-serialising it would drop all but the last of the repeated members;
 * Whenever a person must act, nothing is written at all: a half repair would be
 * reported as fixed while Private CA still cannot write.
 */
import type { RevocationConfiguration } from '@aws-sdk/client-acm-pca';
import { bucketArn } from './arn';
import {
  analyzeBucketPolicy,
  describeStatement,
  mergePcaGrant,
  parseBucketPolicy,
  PolicyParseError,
  PolicyTooLarge,
  publicStatements,
  repeatedKeys,
  type PcaWriteRequest,
  type RequiredAccess,
} from './policy';
import type { BucketPurpose, BucketState, Classification, Config, Finding, Inspection, PlannedAction } from './types';
import { crlObjectKeys, customPathOf, PERMISSION_TEST_KEY, withOwnerFullControlCrls, type CrlObjectAcl } from './crl-objects';

export interface PlanInput {
  classification: Classification;
  purpose: BucketPurpose;
  bucket: BucketState;
  config: Config;
  /** CRL purpose: the CA's revocation settings as DescribeCertificateAuthority returns them. */
  revocation?: RevocationConfiguration;
  crlAcl?: CrlObjectAcl;
  /** AUDIT_REPORT purpose: the key of the failed report, to evaluate the grant on. */
  auditReportKey?: string;
}

export interface Plan {
  findings: Finding[];
  plan: PlannedAction[];
  next: Inspection['next'];
}

/**
 * The request Private CA makes when it writes to `bucket`, for policy evaluation.
 * CRLs carry the CA's S3ObjectAcl; audit reports are assumed to be written with
 * bucket-owner-full-control (undocumented; the simulated account does the same). The
 * bucket is read and written with ExpectedBucketOwner set to the CA's account, so that
 * account owns it (aws:ResourceAccount).
 */
export function pcaWriteRequest(
  classification: Classification,
  purpose: BucketPurpose,
  bucket: string,
  acl: CrlObjectAcl,
  options: { customPath?: string; auditReportKey?: string } = {},
): PcaWriteRequest {
  const caId = classification.certificateAuthorityId!;
  const objectKeys =
    purpose === 'CRL'
      ? [PERMISSION_TEST_KEY, ...crlObjectKeys(caId, options.customPath)]
      : [options.auditReportKey ?? `audit-report/${caId}/00000000-0000-0000-0000-000000000000.json`];
  return {
    partition: classification.partition!,
    bucket,
    caArn: classification.certificateAuthorityArn!,
    account: classification.account!,
    caId,
    objectKeys,
    objectAcl: purpose === 'CRL' && acl === 'PUBLIC_READ' ? 'public-read' : 'bucket-owner-full-control',
    bucketOwner: classification.account!,
  };
}

function finding(code: string, severity: Finding['severity'], message: string, detail?: Record<string, unknown>): Finding {
  return detail === undefined ? { code, severity, message } : { code, severity, message, detail };
}

/** Whether a bucket refuses the PUBLIC_READ canned ACL that Private CA would send. */
export function bucketRejectsPublicAcl(bucket: Extract<BucketState, { status: 'found' }>): string | null {
  if (bucket.publicAccessBlock?.BlockPublicAcls === true) return 'Block Public Access (BlockPublicAcls) is on';
  if (bucket.objectOwnership === 'BucketOwnerEnforced') return 'Object Ownership is BucketOwnerEnforced (ACLs disabled)';
  return null;
}

/** The S3 default KMS key (aws/s3): used when aws:kms has no key id, or named by its alias. */
export function usesAwsManagedS3Key(kmsKeyId: string | null): boolean {
  return kmsKeyId === null || kmsKeyId === 'alias/aws/s3' || kmsKeyId.endsWith(':alias/aws/s3');
}

function planAcl(input: PlanInput, bucket: Extract<BucketState, { status: 'found' }>, findings: Finding[], plan: PlannedAction[]): CrlObjectAcl {
  const acl = input.crlAcl ?? 'PUBLIC_READ';
  if (input.purpose !== 'CRL' || acl !== 'PUBLIC_READ') return acl;
  const why = bucketRejectsPublicAcl(bucket);
  if (why === null) return acl;
  const message = `The CA writes CRLs with the PUBLIC_READ ACL, which the bucket rejects: ${why}.`;
  if (!input.config.allowCaUpdates) {
    findings.push(
      finding(
        'CRL_ACL_REJECTED',
        'action-required',
        `${message} This deployment may not update CAs (allowCaUpdates=false): set the CA's CRL S3ObjectAcl to BUCKET_OWNER_FULL_CONTROL, and serve the CRL through CloudFront with a CustomCname if it must be public.`,
      ),
    );
    return acl;
  }
  findings.push(finding('CRL_ACL_REJECTED', 'warning', `${message} The CA will be switched to BUCKET_OWNER_FULL_CONTROL.`));
  const before = input.revocation ?? {};
  const after = withOwnerFullControlCrls(before);
  plan.push({
    type: 'UpdateCertificateAuthority',
    resource: input.classification.certificateAuthorityArn!,
    description: "Set the CA's CRL S3ObjectAcl to BUCKET_OWNER_FULL_CONTROL",
    before: JSON.stringify(before),
    after: JSON.stringify(after),
  });
  return 'BUCKET_OWNER_FULL_CONTROL';
}

function checkEncryption(input: PlanInput, bucket: Extract<BucketState, { status: 'found' }>, findings: Finding[]): void {
  const encryption = bucket.encryption;
  if (encryption === null || !encryption.algorithm.startsWith('aws:kms')) return;
  if (usesAwsManagedS3Key(encryption.kmsKeyId)) {
    findings.push(
      finding(
        'KMS_AWS_MANAGED_KEY',
        'action-required',
        `Bucket ${bucket.name} encrypts with the S3 default KMS key (aws/s3), which Private CA cannot use and whose key policy cannot be changed. Switch the bucket's default encryption to SSE-S3, or to a customer managed key whose key policy lets acm-pca.amazonaws.com use kms:GenerateDataKey and kms:Decrypt. Encryption is never changed automatically.`,
        { kmsKeyId: encryption.kmsKeyId },
      ),
    );
  } else {
    findings.push(
      finding(
        'KMS_CUSTOMER_KEY',
        'info',
        `Bucket ${bucket.name} encrypts with KMS key ${encryption.kmsKeyId}; Private CA can write only if that key's policy lets acm-pca.amazonaws.com use kms:GenerateDataKey and kms:Decrypt (not checked).`,
        { kmsKeyId: encryption.kmsKeyId },
      ),
    );
  }
  if (input.purpose === 'CRL' && encryption.bucketKeyEnabled) {
    findings.push(finding('BUCKET_KEY_ENABLED', 'warning', `Bucket ${bucket.name} has S3 Bucket Key enabled; AWS advises disabling it for CRL buckets.`));
  }
}

function planPolicy(input: PlanInput, bucket: Extract<BucketState, { status: 'found' }>, acl: CrlObjectAcl, findings: Finding[], plan: PlannedAction[]): void {
  const request = pcaWriteRequest(input.classification, input.purpose, bucket.name, acl, {
    customPath: customPathOf(input.revocation),
    auditReportKey: input.auditReportKey,
  });
  let analysis: ReturnType<typeof analyzeBucketPolicy>;
  try {
    analysis = analyzeBucketPolicy(bucket.policy, request);
  } catch (error) {
    if (!(error instanceof PolicyParseError)) throw error;
    findings.push(
      finding('POLICY_UNREADABLE', 'action-required', `The policy of bucket ${bucket.name} cannot be analysed (${error.message}); it was not changed.`),
    );
    return;
  }
  if (policyRepeatsKeys(bucket, findings)) return;
  for (const deny of analysis.blockingDenies) {
    const certain = deny.certainty === 'certain';
    findings.push(
      finding(
        certain ? 'POLICY_DENY_BLOCKS' : 'POLICY_DENY_MAY_BLOCK',
        'action-required',
        `${describeStatement(deny)} of bucket ${bucket.name} ${certain ? 'denies' : 'may deny'} Private CA ${deny.actions.join(', ')}: ${deny.why}. An Allow cannot override an explicit Deny; exempt Private CA (for example with "aws:PrincipalIsAWSService": "false" in the Deny's condition) or remove the statement.`,
        { statementIndex: deny.index, sid: deny.sid ?? null },
      ),
    );
  }
  for (const allow of analysis.uncertainAllows) {
    findings.push(
      finding(
        'POLICY_CONDITIONAL_GRANT',
        'info',
        `${describeStatement(allow)} may grant Private CA access, but depends on condition keys whose value is not known here; it is not counted as a grant.`,
        { statementIndex: allow.index },
      ),
    );
  }
  if (analysis.missing.length === 0) {
    findings.push(finding('POLICY_GRANTS_PCA', 'info', `The policy of bucket ${bucket.name} already lets Private CA write for this CA.`));
    return;
  }
  const missing = analysis.missing.map((pair) => `${pair.action} on ${pair.resource}`);
  if (!isBucketAllowed(input.config, bucket.name)) {
    findings.push(
      finding(
        'BUCKET_NOT_ALLOWED',
        'action-required',
        `The policy of bucket ${bucket.name} does not let Private CA write (${missing.join('; ')}), and this deployment may not change it (allowedBuckets: ${input.config.allowedBuckets.join(', ')}). Add the Private CA statement by hand, or add the bucket to allowedBuckets.`,
        { missing: analysis.missing },
      ),
    );
    return;
  }
  if (publicPolicyBlocked(input, bucket, analysis.missing, findings)) return;
  try {
    const merged = mergePcaGrant(bucket.policy, request);
    findings.push(
      finding(
        'POLICY_GRANT_MISSING',
        'warning',
        `The policy of bucket ${bucket.name} does not let Private CA ${missing.join('; ')}. The documented Private CA statement will be added (${merged.sizeBytes} bytes after).`,
        { missing: analysis.missing },
      ),
    );
    plan.push({
      type: 'PutBucketPolicy',
      resource: bucketArn(input.classification.partition!, bucket.name),
      description: `Add statement ${merged.sid} granting acm-pca.amazonaws.com s3:PutObject, s3:PutObjectAcl, s3:GetBucketAcl and s3:GetBucketLocation for this CA only`,
      before: bucket.policy,
      after: merged.policy,
    });
  } catch (error) {
    if (!(error instanceof PolicyTooLarge)) throw error;
    findings.push(
      finding(
        'POLICY_TOO_LARGE',
        'action-required',
        `Adding the Private CA statement to bucket ${bucket.name} would make its policy ${error.sizeBytes} bytes, over the ${error.limitBytes}-byte limit; nothing was written. Shorten the policy, then run the remediation again.`,
      ),
    );
  }
}

/**
 * A policy text that repeats a member name within one JSON object: parsing keeps only the
 * last, so the merge would write the policy back without the others, and IAM documents
 * no reading of it. Nothing is judged or written; a person removes the repetition.
 */
function policyRepeatsKeys(bucket: Extract<BucketState, { status: 'found' }>, findings: Finding[]): boolean {
  const paths = bucket.policy === null ? [] : repeatedKeys(bucket.policy);
  if (paths.length === 0) return false;
  const one = paths.length === 1;
  findings.push(
    finding(
      'POLICY_DUPLICATE_KEYS',
      'action-required',
      `The policy of bucket ${bucket.name} repeats ${one ? 'a key' : `${paths.length} keys`} within one JSON object (${paths.join('; ')}). Reading it keeps only the last of each, so adding the Private CA statement would write the policy back without the others, and AWS does not say which one IAM applies; nothing was written. Edit the policy so that each key appears once in its object (keep the value meant, or merge the values into one list), then run the event again with \`npm run invoke -- <event file> --rerun\`.`,
      { paths },
    ),
  );
  return true;
}

/**
 * S3 refuses a PutBucketPolicy whose policy is public when the bucket's BlockPublicPolicy
 * is on, even if the public statement was there before the setting (enabling it leaves
 * existing policies alone). The merged policy keeps every statement, so the write would
 * be refused: report the public statements instead of planning it.
 */
function publicPolicyBlocked(input: PlanInput, bucket: Extract<BucketState, { status: 'found' }>, missing: RequiredAccess[], findings: Finding[]): boolean {
  if (bucket.publicAccessBlock?.BlockPublicPolicy !== true) return false;
  const exposed = publicStatements(parseBucketPolicy(bucket.policy));
  if (exposed.length === 0) return false;
  const one = exposed.length === 1;
  const named = exposed.map((statement) => `${describeStatement(statement)}, which ${statement.why}`).join('; ');
  const restrict = 'add a condition with a fixed value of aws:SourceVpce, aws:PrincipalOrgID or aws:SourceAccount';
  const how =
    input.purpose === 'CRL'
      ? `for example serve the CRLs through CloudFront with the CA's CustomCname instead of public reads from the bucket, or ${restrict}`
      : `for example ${restrict}`;
  findings.push(
    finding(
      'POLICY_PUBLIC_BLOCKED',
      'action-required',
      `Block Public Access (BlockPublicPolicy) is on for bucket ${bucket.name}, so S3 refuses any bucket policy it considers public, and its policy has ${one ? 'a public statement' : `${exposed.length} public statements`} that adding the Private CA statement would keep: ${named}. The Private CA statement was not added; nothing was written. Remove or restrict ${one ? 'that statement' : 'those statements'} (${how}), then run the event again with \`npm run invoke -- <event file> --rerun\`.`,
      { statements: exposed.map((statement) => ({ statementIndex: statement.index, sid: statement.sid ?? null })), missing },
    ),
  );
  return true;
}

/** Findings and plan for one bucket. */
export function planBucketRepair(input: PlanInput): Plan {
  const findings: Finding[] = [];
  const plan: PlannedAction[] = [];
  const bucket = input.bucket;
  if (bucket.status === 'missing') {
    findings.push(
      finding(
        'BUCKET_MISSING',
        'action-required',
        `Bucket ${bucket.name} does not exist. Create it in account ${input.classification.account} (Private CA needs the bucket to exist; it is never created automatically), or point the CA at another bucket.`,
      ),
    );
  } else if (bucket.status === 'access-denied') {
    findings.push(
      finding(
        'BUCKET_ACCESS_DENIED',
        'action-required',
        `${bucket.operation} on bucket ${bucket.name} was denied: the bucket belongs to another account than the CA's (${input.classification.account}), or this deployment's role may not read it. Nothing was changed.`,
      ),
    );
  } else {
    const acl = planAcl(input, bucket, findings, plan);
    checkEncryption(input, bucket, findings);
    planPolicy(input, bucket, acl, findings, plan);
  }
  return { findings, plan, next: decideNext(findings, plan, input.config) };
}

export function needsPerson(findings: Finding[]): boolean {
  return findings.some((item) => item.severity === 'action-required');
}

function decideNext(findings: Finding[], plan: PlannedAction[], config: Config): Inspection['next'] {
  if (needsPerson(findings)) return 'attention';
  if (plan.length === 0) return 'compliant';
  if (config.mode === 'dry-run') return 'dry-run';
  // Mode approve: the plan waits for a person's word (src/core/approval.ts).
  return config.mode === 'approve' ? 'approve' : 'repair';
}

/** Whether `allowedBuckets` lets the workflow write this bucket's policy (empty: any bucket of the CA's account). */
export function isBucketAllowed(config: Config, bucket: string): boolean {
  return config.allowedBuckets.length === 0 || config.allowedBuckets.includes(bucket);
}
