/**
 * ApplyBucketRepair: carry out the plan InspectBucket made, then read back.
 *
 * Bucket policy: read, merge, write, read back. The policy is read again right
 * before the write and the grant merged into what is there now, so a statement
 * someone added since the inspection is kept. After the write the policy is read
 * back until S3 shows it (bucket policy reads are eventually consistent); if
 * another writer replaced it meanwhile, BucketPolicyChanged makes the state machine
 * run this step again, which reads, merges and writes afresh.
 *
 * CA setting: UpdateCertificateAuthority with the CA's own revocation settings and
 * only S3ObjectAcl changed, then DescribeCertificateAuthority until it shows the change.
 *
 * Order: the policy first, the CA second. Private CA tests the bucket whenever a CA's
 * CRL settings change, and so does the caller's own S3 permission: "Both AWS Private CA
 * and the IAM principal must have permission to write to the S3 bucket that you
 * specify. If the IAM principal making the call does not have permission to write to
 * the bucket, then an exception is thrown."
 * (https://docs.aws.amazon.com/privateca/latest/APIReference/API_UpdateCertificateAuthority.html;
 * AWS's knowledge-center article on the "requires 's3:GetBucketAcl' permissions" error
 * shows the update refused while the policy lacks Private CA's grant:
 * https://repost.aws/knowledge-center/acm-ca-crl-s3-getbucketacl). So an update that
 * Private CA accepts after the grant is also Private CA's own proof that it can write
 * to the bucket: the grant's action records that verification. The CA's state is checked
 * before anything is written, so a CA that cannot be updated leaves the bucket as it was.
 */
import { UpdateCertificateAuthorityCommand, type CertificateAuthority, type RevocationConfiguration } from '@aws-sdk/client-acm-pca';
import { PutBucketPolicyCommand } from '@aws-sdk/client-s3';
import { readPolicy } from '../aws/bucket-state';
import { describeCertificateAuthority } from '../aws/certificate-authority';
import { acmPca } from '../aws/clients/acm-pca';
import { s3 } from '../aws/clients/s3';
import { now, sleep } from '../runtime/clock';
import { canonicalJson } from '../../core/canonical-json';
import { awsErrorName, BucketPolicyChanged, InvalidStepInput, rethrowAws } from '../../core/errors';
import { pcaWriteRequest } from '../../core/plan-bucket-repair';
import {
  analyzeBucketPolicy,
  describeStatement,
  GRANT_SID_PREFIX,
  mergePcaGrant,
  parseBucketPolicy,
  PolicyDuplicateKeys,
  publicStatements,
  requiredPcaStatement,
  type PcaWriteRequest,
} from '../../core/policy';
import type { AppliedAction, Finding, Inspection, PlannedAction, Repair, Classification } from '../../core/types';
import { crlObjectAcl, withOwnerFullControlCrls } from '../../core/crl-objects';

/** How often, and how far apart, the policy is read back before giving up for now. */
export const READ_BACK_ATTEMPTS = 5;
export const READ_BACK_DELAY_MS = 1000;

type Step = { action?: AppliedAction; finding?: Finding };

/** The statements of a policy as written (not normalised). */
function statementsOf(policy: string | null): unknown[] {
  return policy === null ? [] : parseBucketPolicy(policy).statements.map((ref) => ref.statement);
}

/** Every statement of `before` is still in `after`, unchanged. */
export function keepsEveryStatement(before: string | null, after: string | null): boolean {
  const remaining = statementsOf(after).map(canonicalJson);
  return statementsOf(before).every((statement) => {
    const index = remaining.indexOf(canonicalJson(statement));
    if (index === -1) return false;
    remaining.splice(index, 1);
    return true;
  });
}

/** Whether `policy` holds the grant this workflow adds for the CA of `request`. */
function writtenByUs(policy: string | null, request: PcaWriteRequest): boolean {
  const withoutSid = (statement: unknown) => {
    const { Sid: _sid, ...rest } = statement as Record<string, unknown>;
    return canonicalJson(rest);
  };
  const grant = withoutSid(requiredPcaStatement(request, GRANT_SID_PREFIX));
  return statementsOf(policy).some(
    (statement) => String((statement as { Sid?: unknown }).Sid ?? '').startsWith(GRANT_SID_PREFIX) && withoutSid(statement) === grant,
  );
}

/**
 * The causes S3's AccessDenied may have. With BlockPublicPolicy on (as InspectBucket
 * read it), S3 also refuses a policy it considers public; the statements that look
 * public are named when there are any.
 */
function writeDeniedMessage(bucket: string, owner: string, policy: string, blockPublicPolicy: boolean): string {
  const others = `the bucket is not owned by ${owner}, or this deployment's role may not write its policy (see the allowedBuckets parameter)`;
  if (!blockPublicPolicy) return `PutBucketPolicy on ${bucket} was denied: ${others}. Nothing was changed.`;
  const exposed = publicStatements(parseBucketPolicy(policy));
  const which = exposed.length === 0 ? '' : ` (${exposed.map(describeStatement).join(', ')} look${exposed.length === 1 ? 's' : ''} public)`;
  return `PutBucketPolicy on ${bucket} was denied: Block Public Access (BlockPublicPolicy) is on and S3 refuses a policy it considers public${which}, or ${others}. Nothing was changed.`;
}

async function putPolicy(bucket: string, owner: string, policy: string, blockPublicPolicy: boolean): Promise<Finding | null> {
  try {
    await s3().send(new PutBucketPolicyCommand({ Bucket: bucket, Policy: policy, ExpectedBucketOwner: owner }));
    return null;
  } catch (error) {
    if (awsErrorName(error) === 'AccessDenied') {
      return {
        code: 'POLICY_WRITE_DENIED',
        severity: 'action-required',
        message: writeDeniedMessage(bucket, owner, policy, blockPublicPolicy),
      };
    }
    return rethrowAws(error, `PutBucketPolicy ${bucket}`);
  }
}

async function repairPolicy(classification: Classification, inspection: Inspection, planned: PlannedAction): Promise<Step> {
  const bucket = inspection.bucket!;
  const owner = classification.account!;
  const acl = inspection.plan.some((action) => action.type === 'UpdateCertificateAuthority')
    ? 'BUCKET_OWNER_FULL_CONTROL'
    : (inspection.crl?.s3ObjectAcl ?? 'PUBLIC_READ');
  const request: PcaWriteRequest = pcaWriteRequest(classification, inspection.purpose, bucket, acl, {
    customPath: inspection.crl?.customPath,
    auditReportKey: inspection.auditReport?.key,
  });
  const current = await readPolicy(bucket, owner);
  let merged: ReturnType<typeof mergePcaGrant>;
  try {
    merged = mergePcaGrant(current, request);
  } catch (error) {
    // Someone wrote a policy that repeats a key since the inspection: writing it back would lose part of it.
    if (!(error instanceof PolicyDuplicateKeys)) throw error;
    return {
      finding: {
        code: 'POLICY_DUPLICATE_KEYS',
        severity: 'action-required',
        message: `The policy of bucket ${bucket}, changed since the inspection, ${error.message}; nothing was written. Edit the policy so that each key appears once in its object, then run the event again with \`npm run invoke -- <event file> --rerun\`.`,
        detail: { paths: error.paths },
      },
    };
  }
  if (!merged.changed) {
    // Already granted. If by the statement this workflow writes for this CA (its Sid
    // prefix and exact content), an earlier attempt of this step wrote it and its
    // read-back timed out: report that write rather than lose it.
    return writtenByUs(current, request) ? { action: { ...planned, after: current ?? planned.after, appliedAt: now().toISOString(), verified: true } } : {};
  }

  const denied = await putPolicy(bucket, owner, merged.policy, inspection.blockPublicPolicy === true);
  if (denied) return { finding: denied };

  for (let attempt = 1; attempt <= READ_BACK_ATTEMPTS; attempt += 1) {
    const readBack = await readPolicy(bucket, owner);
    if (readBack !== current) {
      if (analyzeBucketPolicy(readBack, request).missing.length === 0 && keepsEveryStatement(current, readBack)) {
        return {
          action: { ...planned, before: current, after: readBack ?? merged.policy, appliedAt: now().toISOString(), verified: true },
        };
      }
      throw new BucketPolicyChanged(`the policy of ${bucket} read back after our write is neither ours nor a superset of it; another writer changed it`);
    }
    if (attempt < READ_BACK_ATTEMPTS) await sleep(READ_BACK_DELAY_MS);
  }
  throw new BucketPolicyChanged(`S3 still shows the old policy of ${bucket} ${READ_BACK_ATTEMPTS} reads after our write`);
}

/** How often, and how far apart, the CA is described again after its update before giving up. */
export const CA_READ_BACK_ATTEMPTS = 5;
export const CA_READ_BACK_DELAY_MS = 2000;

/** The update's documented refusals that a person must look at (ConcurrentModificationException is retried instead). */
const UPDATE_REFUSALS = new Set([
  'InvalidArgsException',
  'InvalidPolicyException',
  'AccessDeniedException',
  'InvalidRequestException',
  'InvalidArnException',
  'ResourceNotFoundException',
]);

function refusedUpdate(arn: string, bucket: string, error: unknown): Finding {
  const name = awsErrorName(error) ?? 'an error';
  const said = error instanceof Error && error.message ? `: "${error.message}"` : '';
  return {
    code: 'CA_UPDATE_REFUSED',
    severity: 'action-required',
    message:
      `Private CA refused to set S3ObjectAcl to BUCKET_OWNER_FULL_CONTROL on CA ${arn} (${name}${said}). ` +
      `Private CA tests the bucket when a CA's CRL settings change: both Private CA (the bucket policy's grant, Block Public Access, Object Ownership, encryption) ` +
      `and this deployment's RepairRole (s3:PutObject on ${bucket}) must be able to write to ${bucket}. ` +
      "Fix what the message names, then set the CA's CRL S3ObjectAcl to BUCKET_OWNER_FULL_CONTROL (or run the remediation again).",
    detail: { error: name },
  };
}

/** The CA, described before anything is written: it must exist and be updatable. */
async function caToUpdate(arn: string): Promise<{ ca?: CertificateAuthority; finding?: Finding }> {
  const ca = await describeCertificateAuthority(arn);
  if (ca === null) {
    return { finding: { code: 'CA_NOT_FOUND', severity: 'action-required', message: `CA ${arn} disappeared before its CRL ACL could be changed.` } };
  }
  if (ca.Status !== 'ACTIVE' && ca.Status !== 'DISABLED') {
    return {
      finding: {
        code: 'CA_NOT_UPDATABLE',
        severity: 'action-required',
        message: `CA ${arn} is ${ca.Status}: Private CA updates a CA only when it is ACTIVE or DISABLED. Nothing was changed; set its CRL S3ObjectAcl to BUCKET_OWNER_FULL_CONTROL once it is.`,
      },
    };
  }
  return { ca };
}

async function repairCrlAcl(classification: Classification, inspection: Inspection, ca: CertificateAuthority, planned: PlannedAction): Promise<Step> {
  const arn = classification.certificateAuthorityArn!;
  if (crlObjectAcl(ca.RevocationConfiguration) === 'BUCKET_OWNER_FULL_CONTROL') return {};
  const before: RevocationConfiguration = ca.RevocationConfiguration ?? {};
  const after = withOwnerFullControlCrls(before);
  try {
    await acmPca().send(new UpdateCertificateAuthorityCommand({ CertificateAuthorityArn: arn, RevocationConfiguration: after }));
  } catch (error) {
    const name = awsErrorName(error);
    if (name === 'InvalidStateException') {
      return {
        finding: {
          code: 'CA_NOT_UPDATABLE',
          severity: 'action-required',
          message: `Private CA refused to update CA ${arn} (InvalidStateException): a CA can be updated only when ACTIVE or DISABLED. Set its CRL S3ObjectAcl to BUCKET_OWNER_FULL_CONTROL once it is.`,
        },
      };
    }
    if (name !== undefined && UPDATE_REFUSALS.has(name)) return { finding: refusedUpdate(arn, inspection.bucket!, error) };
    return rethrowAws(error, `UpdateCertificateAuthority ${arn}`);
  }
  // Private CA may apply an update a moment later (ConcurrentModificationException exists
  // for an update still in progress): describe again until it shows, before calling it unverified.
  let readBack: CertificateAuthority | null = null;
  for (let attempt = 1; attempt <= CA_READ_BACK_ATTEMPTS; attempt += 1) {
    readBack = await describeCertificateAuthority(arn);
    if (readBack !== null && crlObjectAcl(readBack.RevocationConfiguration) === 'BUCKET_OWNER_FULL_CONTROL') break;
    if (attempt < CA_READ_BACK_ATTEMPTS) await sleep(CA_READ_BACK_DELAY_MS);
  }
  const verified = readBack !== null && crlObjectAcl(readBack.RevocationConfiguration) === 'BUCKET_OWNER_FULL_CONTROL';
  return {
    action: {
      ...planned,
      before: JSON.stringify(before),
      after: JSON.stringify(readBack?.RevocationConfiguration ?? after),
      appliedAt: now().toISOString(),
      verified,
    },
    ...(verified
      ? {}
      : {
          finding: {
            code: 'REPAIR_NOT_VERIFIED',
            severity: 'action-required',
            message: `CA ${arn} still reports PUBLIC_READ ${CA_READ_BACK_ATTEMPTS} reads after the update.`,
          },
        }),
  };
}

export async function repairBucket(classification: Classification, inspection: Inspection): Promise<Repair> {
  if (inspection.bucket === null || inspection.plan.length === 0) {
    throw new InvalidStepInput('ApplyBucketRepair needs an inspection with a bucket and a plan');
  }
  const actions: AppliedAction[] = [];
  const findings: Finding[] = [];
  const caUpdate = inspection.plan.find((planned) => planned.type === 'UpdateCertificateAuthority');
  let ca: CertificateAuthority | undefined;
  if (caUpdate) {
    const checked = await caToUpdate(classification.certificateAuthorityArn!);
    if (checked.finding) return { actions, findings: [checked.finding] };
    ca = checked.ca;
  }
  // The policy first: Private CA tests the bucket when the CA update comes.
  const ordered = [...inspection.plan].sort((a, b) => (a.type === b.type ? 0 : a.type === 'PutBucketPolicy' ? -1 : 1));
  for (const planned of ordered) {
    const step =
      planned.type === 'PutBucketPolicy'
        ? await repairPolicy(classification, inspection, planned)
        : await repairCrlAcl(classification, inspection, ca!, planned);
    if (step.action) actions.push(step.action);
    if (step.finding) {
      findings.push(step.finding);
      break;
    }
  }
  // An update Private CA accepted after the grant was written is Private CA's own test of the bucket.
  const grant = actions.find((action) => action.type === 'PutBucketPolicy');
  const updated = actions.find((action) => action.type === 'UpdateCertificateAuthority');
  if (grant && updated)
    grant.verification = "Private CA accepted the CA update after this write, and it tests that it can write to the bucket when a CA's CRL settings change.";
  return { actions, findings };
}
