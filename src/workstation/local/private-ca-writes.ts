/**
 * What the simulated Private CA does by itself: retry a failed CRL write every 15
 * minutes, and finish audit reports. Both write to S3 as the service principal, so
 * both ask the same question: would the real service's write succeed? These writes
 * are not SDK calls and are not recorded as calls.
 *
 * The bucket policy is judged by an evaluator that is not the product's
 * (iam-judge.ts, @cloud-copilot/iam-simulate), so a bug in the product's analyzer
 * cannot make the simulated Private CA agree with it.
 */
import { parseCaArn } from '../../core/arn';
import type { CertificateAuthorityEntry } from './account-file';
import { iamDecision, policyDocument, type IamRequest } from './iam-judge';
import { findBucket, minutes, type AccountModel, type BucketModel } from './simulation-model';

export const CRL_RETRY_INTERVAL_MS = minutes(15);
export const DEFAULT_AUDIT_REPORT_SECONDS = 60;
export const PERMISSION_TEST_KEY = 'acm-pca-permission-test-key';

export interface WriteCheck {
  allowed: boolean;
  /** Why not, one sentence each; empty when allowed. */
  reasons: string[];
}

export interface PrivateCaWrite {
  bucket: string;
  objectKeys: string[];
  objectAcl: 'public-read' | 'bucket-owner-full-control';
}

/** `crl/<caId>.crl`, or `<CustomPath>/<caId>.crl` when the CA sets a CustomPath. */
export function crlObjectKey(ca: CertificateAuthorityEntry): string {
  const customPath = ca.RevocationConfiguration?.CrlConfiguration?.CustomPath?.replace(/^\/+|\/+$/g, '');
  return `${customPath ? customPath : 'crl'}/${caIdOf(ca)}.crl`;
}

export function caIdOf(ca: CertificateAuthorityEntry): string {
  const parsed = parseCaArn(ca.Arn);
  if (!parsed.ok) throw new Error(parsed.problem);
  return parsed.value.caId;
}

/** The S3 default KMS key (aws/s3): its key policy cannot grant Private CA, so writes fail. */
function usesDefaultKmsKey(model: AccountModel, bucketName: string): boolean {
  const rules = findBucket(model, bucketName)?.ServerSideEncryptionConfiguration?.Rules ?? [];
  return rules.some(({ ApplyServerSideEncryptionByDefault: sse }) => {
    if (!sse?.SSEAlgorithm.startsWith('aws:kms')) return false;
    const key = sse.KMSMasterKeyID;
    return key === undefined || key === 'alias/aws/s3' || key.endsWith(':alias/aws/s3');
  });
}

export const PCA_PRINCIPAL = 'acm-pca.amazonaws.com';

/**
 * The S3 requests Private CA makes to write `write.objectKeys`, each with the request
 * context the simulated service sends. AWS documents the actions Private CA needs on a
 * CRL bucket (s3:GetBucketAcl, s3:GetBucketLocation on the bucket; s3:PutObject,
 * s3:PutObjectAcl on the objects: https://docs.aws.amazon.com/privateca/latest/userguide/crl-planning.html#s3-policies)
 * and on an audit-report bucket (the same four in its example policy:
 * https://docs.aws.amazon.com/privateca/latest/userguide/PcaAuditReport.html).
 *
 * The context, key by key (IAM condition keys:
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html):
 * - aws:PrincipalServiceName = acm-pca.amazonaws.com, aws:PrincipalIsAWSService = true:
 *   the call is made by a service principal;
 * - aws:SourceAccount, aws:SourceArn: the CA's account and ARN (Private CA's documented
 *   grant conditions on them, crl-planning.html and PcaAuditReport.html);
 * - aws:SecureTransport = true: the simulated service calls S3 over TLS;
 * - aws:ResourceAccount, s3:ResourceAccount: the owner of the simulated bucket;
 * - aws:CurrentTime, aws:EpochTime: the simulated time of the write;
 * - aws:RequestedRegion: the CA's region (a choice of the simulation: AWS does not say
 *   which Region Private CA's S3 call names);
 * - s3:x-amz-acl: the canned ACL of the object writes (the CA's S3ObjectAcl for CRLs,
 *   bucket-owner-full-control for audit reports), only on the object actions, the ones
 *   S3 defines it for (https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazons3.html);
 * - s3:signatureversion AWS4-HMAC-SHA256, s3:authType REST-HEADER, s3:TlsVersion 1.2:
 *   how the simulated service signs and connects (choices of the simulation; AWS does
 *   not document them for Private CA).
 * Every other key (principal tags, aws:PrincipalOrgID, aws:SourceIp, aws:SourceVpce...)
 * is absent from the simulated request.
 */
export function privateCaRequests(model: AccountModel, ca: CertificateAuthorityEntry, bucket: BucketModel, write: PrivateCaWrite, at: Date): IamRequest[] {
  const parsed = parseCaArn(ca.Arn);
  if (!parsed.ok) throw new Error(parsed.problem);
  const common: Record<string, string> = {
    'aws:PrincipalServiceName': PCA_PRINCIPAL,
    'aws:PrincipalIsAWSService': 'true',
    'aws:SourceAccount': parsed.value.account,
    'aws:SourceArn': ca.Arn,
    'aws:SecureTransport': 'true',
    'aws:ResourceAccount': bucket.Owner,
    's3:ResourceAccount': bucket.Owner,
    'aws:CurrentTime': at.toISOString(),
    'aws:EpochTime': String(Math.floor(at.getTime() / 1000)),
    'aws:RequestedRegion': parsed.value.region,
    's3:signatureversion': 'AWS4-HMAC-SHA256',
    's3:authType': 'REST-HEADER',
    's3:TlsVersion': '1.2',
  };
  const bucketArn = `arn:${model.partition}:s3:::${bucket.Name}`;
  const request = (action: string, resource: string, extra: Record<string, string> = {}): IamRequest => ({
    principal: PCA_PRINCIPAL,
    action,
    resource,
    resourceAccount: bucket.Owner,
    context: { ...common, ...extra },
  });
  const requests = [request('s3:GetBucketAcl', bucketArn), request('s3:GetBucketLocation', bucketArn)];
  for (const key of new Set(write.objectKeys)) {
    for (const action of ['s3:PutObject', 's3:PutObjectAcl']) {
      requests.push(request(action, `${bucketArn}/${key}`, { 's3:x-amz-acl': write.objectAcl }));
    }
  }
  return requests;
}

/** Would S3 accept Private CA's write for `ca` at `at`, given the bucket as it is now? */
export function checkPrivateCaWrite(model: AccountModel, ca: CertificateAuthorityEntry, write: PrivateCaWrite, at: Date): WriteCheck {
  const bucket = findBucket(model, write.bucket);
  if (!bucket) return { allowed: false, reasons: [`bucket ${write.bucket} does not exist`] };
  const reasons: string[] = [];
  const policy = policyDocument(bucket.Policy);
  const refused = privateCaRequests(model, ca, bucket, write, at)
    .map((request) => ({ request, decision: iamDecision(policy, request) }))
    .filter(({ decision }) => decision !== 'Allowed');
  if (refused.length > 0) {
    const what = refused.map(({ request, decision }) => `${request.action} on ${request.resource}: ${decision}`).join(', ');
    reasons.push(`the policy of bucket ${bucket.Name} does not let Private CA write for ${ca.Arn} (${what})`);
  }
  if (write.objectAcl === 'public-read') {
    if (bucket.PublicAccessBlockConfiguration?.BlockPublicAcls) reasons.push(`BlockPublicAcls on bucket ${bucket.Name} rejects the public-read ACL`);
    // Account-level Block Public Access applies to every bucket of the account (S3 user guide, "Blocking public access to your Amazon S3 storage").
    if (model.AccountPublicAccessBlock?.BlockPublicAcls) reasons.push(`the account's BlockPublicAcls rejects the public-read ACL in bucket ${bucket.Name}`);
    if (bucket.OwnershipControls?.Rules.some((rule) => rule.ObjectOwnership === 'BucketOwnerEnforced')) {
      reasons.push(`bucket ${bucket.Name} has ACLs disabled (BucketOwnerEnforced), which rejects the public-read ACL`);
    }
  }
  if (usesDefaultKmsKey(model, bucket.Name)) reasons.push(`bucket ${bucket.Name} encrypts with the S3 default KMS key (aws/s3)`);
  return { allowed: reasons.length === 0, reasons };
}

/** Would Private CA's CRL write at `at` succeed? Adds the internal-failure window to the bucket checks. */
export function checkCrlWrite(model: AccountModel, ca: CertificateAuthorityEntry, at: Date): WriteCheck {
  const crl = ca.RevocationConfiguration?.CrlConfiguration;
  if (!crl?.Enabled || !crl.S3BucketName) return { allowed: false, reasons: ['CRLs are not enabled'] };
  if (ca.Status !== 'ACTIVE' && ca.Status !== 'DISABLED') return { allowed: false, reasons: [`the CA is ${ca.Status}`] };
  const check = checkPrivateCaWrite(
    model,
    ca,
    {
      bucket: crl.S3BucketName,
      objectKeys: [crlObjectKey(ca)],
      objectAcl: crl.S3ObjectAcl === 'BUCKET_OWNER_FULL_CONTROL' ? 'bucket-owner-full-control' : 'public-read',
    },
    at,
  );
  const until = ca.Simulation?.CrlInternalFailureUntil;
  if (until === 'forever' || (until && at.getTime() < Date.parse(until))) {
    return { allowed: false, reasons: [...check.reasons, `Private CA fails internally until ${until}`] };
  }
  return check;
}

/**
 * CRL retries every 15 minutes after the last failure, up to `until`. Nothing but the
 * internal-failure window changes while time passes, so the first successful tick is
 * found directly rather than by stepping through every tick. (A bucket policy whose
 * condition tests aws:CurrentTime is judged at that one tick only: no account file or
 * scenario has one.)
 */
function retryCrl(model: AccountModel, ca: CertificateAuthorityEntry, until: Date): void {
  const failedAt = ca.Simulation?.CrlFailureAt;
  if (!failedAt || !ca.Simulation) return;
  const start = Date.parse(failedAt);
  const lastTick = start + Math.floor((until.getTime() - start) / CRL_RETRY_INTERVAL_MS) * CRL_RETRY_INTERVAL_MS;
  if (lastTick <= start) return;
  const firstTick = start + CRL_RETRY_INTERVAL_MS;
  const internalUntil = ca.Simulation.CrlInternalFailureUntil;
  let tick = firstTick;
  if (internalUntil && internalUntil !== 'forever' && Date.parse(internalUntil) > firstTick) {
    tick = start + Math.ceil((Date.parse(internalUntil) - start) / CRL_RETRY_INTERVAL_MS) * CRL_RETRY_INTERVAL_MS;
  }
  const succeeds = tick <= lastTick && checkCrlWrite(model, ca, new Date(tick)).allowed;
  const bucket = findBucket(model, ca.RevocationConfiguration?.CrlConfiguration?.S3BucketName);
  if (succeeds && bucket) {
    bucket.Objects[crlObjectKey(ca)] = new Date(tick).toISOString();
    ca.Simulation.CrlFailureAt = null;
  } else {
    ca.Simulation.CrlFailureAt = new Date(lastTick).toISOString();
  }
}

/** Audit reports whose time has come end as SUCCESS (and write their object) or FAILED. */
function finishAuditReports(model: AccountModel, ca: CertificateAuthorityEntry, until: Date): void {
  const seconds = ca.Simulation?.AuditReportSecondsToComplete ?? DEFAULT_AUDIT_REPORT_SECONDS;
  for (const report of ca.AuditReports ?? []) {
    const finishesAt = Date.parse(report.CreatedAt) + seconds * 1000;
    if (report.AuditReportStatus !== 'CREATING' || finishesAt > until.getTime()) continue;
    const written =
      (ca.Simulation?.AuditReportOutcome ?? 'SUCCESS') === 'SUCCESS' &&
      checkPrivateCaWrite(
        model,
        ca,
        {
          bucket: report.S3BucketName,
          objectKeys: [report.S3Key],
          objectAcl: 'bucket-owner-full-control',
        },
        new Date(finishesAt),
      ).allowed;
    report.AuditReportStatus = written ? 'SUCCESS' : 'FAILED';
    if (written) findBucket(model, report.S3BucketName)!.Objects[report.S3Key] = new Date(finishesAt).toISOString();
  }
}

/** Everything Private CA does by itself up to `until`. */
export function runPrivateCaBackgroundWork(model: AccountModel, until: Date): void {
  for (const ca of model.certificateAuthorities) {
    retryCrl(model, ca, until);
    finishAuditReports(model, ca, until);
  }
}
