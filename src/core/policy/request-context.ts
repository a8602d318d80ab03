/**
 * The request context: what IAM knows about a request when it evaluates a policy.
 *
 * A policy is judged before the request happens, so each condition key is in one of
 * four states: present with known values, present with a value nobody knows yet (the
 * time of the request), absent, or unknown (it may or may not be there). The
 * evaluator reads keys only through `lookupKey`, and the context of Private CA's own
 * writes only from PCA_REQUEST_CONTEXT below: one fact per key, each with the AWS
 * documentation it rests on. docs/policy-evaluation.md lists the same table, and a
 * test checks that the two agree.
 *
 * Keys not named in the table are unknown: the product then answers `maybe` and asks a
 * person, the deliberately cautious choice.
 */
import { PCA_OBJECT_ACTIONS, PCA_SERVICE_PRINCIPAL, type PcaWriteRequest } from './pca';

/** What is known, before the request, about the request context. Key names are lower case. */
export interface RequestContext {
  known: ReadonlyMap<string, readonly string[]>;
  absent: ReadonlySet<string>;
  /** Every key starting with one of these (lower case) is absent, e.g. `aws:principaltag/`. */
  absentPrefixes: readonly string[];
  /** Keys that are in the request with a value not known in advance. */
  present?: ReadonlySet<string>;
  /**
   * The operator families AWS documents for a key ("Works with string operators"). An
   * operator of another family on a present key has no documented reading.
   */
  operators?: ReadonlyMap<string, readonly OperatorFamily[]>;
}

export type OperatorFamily = 'string' | 'numeric' | 'date' | 'bool' | 'binary' | 'ip' | 'arn';

export type KeyState =
  | { state: 'present'; values: readonly string[] }
  /** In the request, with a value not known before the request is made. */
  | { state: 'present-unknown' }
  | { state: 'absent' }
  /** Maybe in the request, maybe not. */
  | { state: 'unknown' };

/** Condition key names are case-insensitive ("IAM JSON policy elements: Condition"). */
export function lookupKey(context: RequestContext, key: string): KeyState {
  const name = key.toLowerCase();
  const values = context.known.get(name);
  if (values !== undefined) return { state: 'present', values };
  if (context.present?.has(name)) return { state: 'present-unknown' };
  if (context.absent.has(name) || context.absentPrefixes.some((prefix) => name.startsWith(prefix))) {
    return { state: 'absent' };
  }
  return { state: 'unknown' };
}

/** The value of a key in Private CA's request, for one required (action, resource) pair. */
export type ContextValue = { state: 'present'; values: string[] } | { state: 'present-unknown' } | { state: 'absent' } | { state: 'unknown' };

export interface ContextFact {
  /** The key as AWS spells it; with `prefix`, every key that starts with it (e.g. `aws:PrincipalTag/`). */
  key: string;
  prefix?: boolean;
  value: (req: PcaWriteRequest, action: string) => ContextValue;
  /** The operators AWS says the key works with (Null works with every key). */
  works?: OperatorFamily[];
  /** The value in words, as docs/policy-evaluation.md gives it. */
  summary: string;
  /** The AWS pages the fact rests on. */
  sources: string[];
  why: string;
}

const KEYS = 'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html';
const OPERATORS = 'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html';
const CHECKS = 'https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html';
const PCA_CRL = 'https://docs.aws.amazon.com/privateca/latest/userguide/crl-planning.html#s3-policies';
const PCA_AUDIT = 'https://docs.aws.amazon.com/privateca/latest/userguide/PcaAuditReport.html';
const S3_KEYS = 'https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazons3.html';
const S3_SIGV4 = 'https://docs.aws.amazon.com/AmazonS3/latest/API/bucket-policy-s3-sigv4-conditions.html';
const S3_PUT_OBJECT = 'https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutObject.html';

const present = (...values: string[]): ContextValue => ({ state: 'present', values });
const PRESENT_UNKNOWN: ContextValue = { state: 'present-unknown' };
const ABSENT: ContextValue = { state: 'absent' };
const UNKNOWN: ContextValue = { state: 'unknown' };

const isObjectWrite = (action: string): boolean => (PCA_OBJECT_ACTIONS as readonly string[]).includes(action);
const bucketOwner = (req: PcaWriteRequest): ContextValue => (req.bucketOwner === undefined ? PRESENT_UNKNOWN : present(req.bucketOwner));

/**
 * The request Private CA (acm-pca.amazonaws.com) makes when it writes a CRL or an audit
 * report: s3:GetBucketAcl and s3:GetBucketLocation on the bucket, s3:PutObject and
 * s3:PutObjectAcl on each object. One entry per key, in the order of
 * docs/policy-evaluation.md.
 */
export const PCA_REQUEST_CONTEXT: readonly ContextFact[] = [
  // --- the caller: a service principal ------------------------------------------------
  {
    key: 'aws:PrincipalIsAWSService',
    value: () => present('true'),
    works: ['bool'],
    summary: 'true',
    sources: [`${KEYS}#condition-keys-principalisawsservice`],
    why: 'set to true when a service uses a service principal to perform a direct action on your resources',
  },
  {
    key: 'aws:PrincipalServiceName',
    value: () => present(PCA_SERVICE_PRINCIPAL),
    works: ['string'],
    summary: PCA_SERVICE_PRINCIPAL,
    sources: [`${KEYS}#condition-keys-principalservicename`, PCA_CRL],
    why: 'present when the call is made by an AWS service principal and holds its name; Private CA grants name acm-pca.amazonaws.com',
  },
  {
    key: 'aws:PrincipalServiceNamesList',
    value: () => PRESENT_UNKNOWN,
    works: ['string'],
    summary: 'present, value not known (multivalued: every service principal name of the Regional instance)',
    sources: [`${KEYS}#condition-keys-principalservicenameslist`],
    why: 'present when the call is made by a service principal; AWS does not list the names Private CA has',
  },
  {
    key: 'aws:SourceAccount',
    value: (req) => present(req.account),
    works: ['string'],
    summary: "the CA's account",
    sources: [`${KEYS}#condition-keys-sourceaccount`, PCA_CRL, PCA_AUDIT],
    why: 'the calling service passes the account of the resource on whose behalf it calls; Private CA documents its grant with aws:SourceAccount = the CA account',
  },
  {
    key: 'aws:SourceArn',
    value: (req) => present(req.caArn),
    works: ['arn', 'string'],
    summary: "the CA's ARN",
    sources: [`${KEYS}#condition-keys-sourcearn`, PCA_CRL, PCA_AUDIT],
    why: 'the calling service passes the ARN of the original resource; Private CA documents its grant with aws:SourceArn = the CA ARN',
  },
  {
    key: 'aws:SourceOrgID',
    value: () => UNKNOWN,
    summary: 'unknown',
    sources: [`${KEYS}#condition-keys-sourceorgid`],
    why: 'present only if the calling service passes it; Private CA does not say it does',
  },
  {
    key: 'aws:SourceOrgPaths',
    value: () => UNKNOWN,
    summary: 'unknown',
    sources: [`${KEYS}#condition-keys-sourceorgpaths`],
    why: 'present only if the calling service passes it; Private CA does not say it does',
  },
  // --- keys of IAM principals, which a service principal is not -----------------------
  {
    key: 'aws:PrincipalOrgID',
    value: () => ABSENT,
    summary: 'absent',
    sources: [
      `${KEYS}#condition-keys-principalorgid`,
      `${CHECKS}#access-analyzer-reference-policy-checks-error-unsupported-condition-key-for-service-principal`,
    ],
    why: 'included only if the principal is a member of an organization; a service principal is not an account of one',
  },
  {
    key: 'aws:PrincipalOrgPaths',
    value: () => ABSENT,
    summary: 'absent',
    sources: [`${KEYS}#condition-keys-principalorgpaths`],
    why: 'included only if the principal is a member of an organization',
  },
  {
    key: 'aws:PrincipalTag/',
    prefix: true,
    value: () => ABSENT,
    summary: 'absent (every tag key)',
    sources: [`${KEYS}#condition-keys-principaltag`],
    why: 'included only for an IAM user or role with tags, or a session with session tags',
  },
  {
    key: 'aws:username',
    value: () => ABSENT,
    summary: 'absent',
    sources: [`${KEYS}#condition-keys-username`],
    why: 'included for IAM users only',
  },
  {
    key: 'aws:FederatedProvider',
    value: () => ABSENT,
    summary: 'absent',
    sources: [`${KEYS}#condition-keys-federatedprovider`],
    why: 'present only for a role session issued through a third-party identity provider',
  },
  {
    key: 'aws:SourceIdentity',
    value: () => ABSENT,
    summary: 'absent',
    sources: [`${KEYS}#condition-keys-sourceidentity`],
    why: 'present only after a source identity was set when a role was assumed',
  },
  {
    key: 'aws:CalledVia',
    value: () => ABSENT,
    summary: 'absent',
    sources: [`${KEYS}#condition-keys-calledvia`],
    why: 'present only when a service uses the credentials of an IAM principal; not when the principal makes the call directly',
  },
  {
    key: 'aws:CalledViaFirst',
    value: () => ABSENT,
    summary: 'absent',
    sources: [`${KEYS}#condition-keys-calledviafirst`],
    why: 'present only when a service uses the credentials of an IAM principal',
  },
  {
    key: 'aws:CalledViaLast',
    value: () => ABSENT,
    summary: 'absent',
    sources: [`${KEYS}#condition-keys-calledvialast`],
    why: 'present only when a service uses the credentials of an IAM principal',
  },
  {
    key: 'aws:Ec2InstanceSourceVpc',
    value: () => ABSENT,
    summary: 'absent',
    sources: [`${KEYS}#condition-keys-ec2instancesourcevpc`],
    why: 'present only for requests signed with an Amazon EC2 role credential',
  },
  {
    key: 'aws:Ec2InstanceSourcePrivateIPv4',
    value: () => ABSENT,
    summary: 'absent',
    sources: [`${KEYS}#condition-keys-ec2instancesourceprivateip4`],
    why: 'present only for requests signed with an Amazon EC2 role credential',
  },
  {
    key: 'aws:referer',
    value: () => ABSENT,
    summary: 'absent',
    sources: [`${KEYS}#condition-keys-referer`],
    why: 'not included for programmatic requests',
  },
  {
    key: 'aws:PrincipalAccount',
    value: () => PRESENT_UNKNOWN,
    works: ['string'],
    summary: 'present, value not known',
    sources: [`${KEYS}#condition-keys-principalaccount`],
    why: 'included for all requests, including anonymous ones; AWS does not say what it holds for a service principal',
  },
  {
    key: 'aws:userid',
    value: () => PRESENT_UNKNOWN,
    works: ['string'],
    summary: 'present, value not known',
    sources: [`${KEYS}#condition-keys-userid`],
    why: 'included for all requests, including anonymous ones; AWS does not say what it holds for a service principal',
  },
  {
    key: 'aws:PrincipalType',
    value: () => PRESENT_UNKNOWN,
    works: ['string'],
    summary: 'present, value not known',
    sources: [`${KEYS}#condition-keys-principaltype`],
    why: 'included for all requests; the principal key values AWS lists do not include a service principal',
  },
  {
    key: 'aws:PrincipalArn',
    value: () => UNKNOWN,
    summary: 'unknown',
    sources: [`${KEYS}#condition-keys-principalarn`],
    why: 'included for all signed requests, but the principal types AWS lists for it (role, user, federated user, root) do not include a service principal',
  },
  {
    key: 'aws:ViaAWSService',
    value: () => UNKNOWN,
    summary: 'unknown',
    sources: [`${KEYS}#condition-keys-viaawsservice`],
    why: "always included; true when a service uses an IAM principal's credentials, false when the principal calls directly; AWS does not say which a service principal's own call is",
  },
  {
    key: 'aws:TokenIssueTime',
    value: () => UNKNOWN,
    summary: 'unknown',
    sources: [`${KEYS}#condition-keys-tokenissuetime`],
    why: 'present only with temporary credentials; AWS does not say how a service principal authenticates',
  },
  {
    key: 'aws:MultiFactorAuthPresent',
    value: () => UNKNOWN,
    summary: 'unknown',
    sources: [`${KEYS}#condition-keys-multifactorauthpresent`],
    why: 'present only with temporary credentials; AWS does not say how a service principal authenticates',
  },
  {
    key: 'aws:MultiFactorAuthAge',
    value: () => UNKNOWN,
    summary: 'unknown',
    sources: [`${KEYS}#condition-keys-multifactorauthage`],
    why: 'present only when the principal authenticated with MFA; AWS does not say for a service principal',
  },
  // --- the network and the transport -------------------------------------------------
  {
    key: 'aws:SecureTransport',
    value: () => present('true'),
    works: ['bool'],
    summary: 'true',
    sources: [`${KEYS}#condition-keys-securetransport`],
    why: 'always included; Private CA reaching S3 over TLS is assumed (AWS does not state the value for service principals, see docs/policy-evaluation.md)',
  },
  {
    key: 'aws:SourceIp',
    value: () => UNKNOWN,
    summary: 'unknown',
    sources: [`${KEYS}#condition-keys-sourceip`, `${OPERATORS}#Conditions_IPAddress`],
    why: "absent when the request comes through a VPC endpoint; when a service calls on your behalf the target sees the calling service's address, which AWS does not publish",
  },
  {
    key: 'aws:SourceVpc',
    value: () => UNKNOWN,
    summary: 'unknown',
    sources: [`${KEYS}#condition-keys-sourcevpc`],
    why: 'present only if the request comes through a VPC endpoint; AWS does not say how Private CA reaches S3',
  },
  {
    key: 'aws:SourceVpce',
    value: () => UNKNOWN,
    summary: 'unknown',
    sources: [`${KEYS}#condition-keys-sourcevpce`],
    why: 'present only if the request comes through a VPC endpoint; AWS does not say how Private CA reaches S3',
  },
  {
    key: 'aws:VpcSourceIp',
    value: () => UNKNOWN,
    summary: 'unknown',
    sources: [`${KEYS}#condition-keys-vpcsourceip`],
    why: 'present only if the request comes through a VPC endpoint',
  },
  {
    key: 'aws:CurrentTime',
    value: () => PRESENT_UNKNOWN,
    works: ['date'],
    summary: 'present, value not known (the time of the write)',
    sources: [`${KEYS}#condition-keys-currenttime`],
    why: 'always included; the write happens later than the judgement',
  },
  {
    key: 'aws:EpochTime',
    value: () => PRESENT_UNKNOWN,
    works: ['date', 'numeric'],
    summary: 'present, value not known (the time of the write)',
    sources: [`${KEYS}#condition-keys-epochtime`],
    why: 'always included; the write happens later than the judgement',
  },
  {
    key: 'aws:RequestedRegion',
    value: () => PRESENT_UNKNOWN,
    works: ['string'],
    summary: 'present, value not known',
    sources: [`${KEYS}#condition-keys-requestedregion`],
    why: "always included; AWS does not say which Region Private CA's S3 call names",
  },
  {
    key: 'aws:UserAgent',
    value: () => PRESENT_UNKNOWN,
    works: ['string'],
    summary: 'present, value not known',
    sources: [`${KEYS}#condition-keys-useragent`],
    why: 'always included; the client Private CA uses is not documented',
  },
  // --- the resource ------------------------------------------------------------------
  {
    key: 'aws:ResourceAccount',
    value: bucketOwner,
    works: ['string'],
    summary: "the bucket owner's account when the bucket was read with ExpectedBucketOwner, else present with a value not known",
    sources: [`${KEYS}#condition-keys-resourceaccount`],
    why: 'always included for most service actions: the account that owns the requested resource',
  },
  {
    key: 's3:ResourceAccount',
    value: bucketOwner,
    works: ['string'],
    summary: "the bucket owner's account when the bucket was read with ExpectedBucketOwner, else present with a value not known",
    sources: [S3_KEYS],
    why: "S3's key for the resource owner's account",
  },
  {
    key: 'aws:ResourceOrgID',
    value: () => UNKNOWN,
    summary: 'unknown',
    sources: [`${KEYS}#condition-keys-resourceorgid`],
    why: 'present only if the bucket owner is in an organization, which is not read here',
  },
  {
    key: 'aws:ResourceOrgPaths',
    value: () => UNKNOWN,
    summary: 'unknown',
    sources: [`${KEYS}#condition-keys-resourceorgpaths`],
    why: 'present only if the bucket owner is in an organization, which is not read here',
  },
  {
    key: 'aws:ResourceTag/',
    prefix: true,
    value: () => UNKNOWN,
    summary: 'unknown (every tag key)',
    sources: [`${KEYS}#condition-keys-resourcetag`],
    why: 'present when the resource has tags and the service supports them; not read here',
  },
  {
    key: 'aws:RequestTag/',
    prefix: true,
    value: () => UNKNOWN,
    summary: 'unknown (every tag key)',
    sources: [`${KEYS}#condition-keys-requesttag`],
    why: 'present when tags are passed in the request; Private CA does not say whether it tags its objects',
  },
  {
    key: 'aws:TagKeys',
    value: () => UNKNOWN,
    summary: 'unknown',
    sources: [`${KEYS}#condition-keys-tagkeys`],
    why: 'present when the operation passes tags; Private CA does not say whether it tags its objects',
  },
  // --- S3's own keys -----------------------------------------------------------------
  {
    key: 's3:x-amz-acl',
    value: (req, action) => (isObjectWrite(action) ? present(req.objectAcl) : ABSENT),
    works: ['string'],
    summary:
      "the canned ACL of the object writes (the CA's S3ObjectAcl for CRLs, bucket-owner-full-control for audit reports); absent for s3:GetBucketAcl and s3:GetBucketLocation",
    sources: [S3_KEYS, S3_PUT_OBJECT, PCA_CRL],
    why: "S3 defines the key for the object ACL actions only; Private CA writes CRLs with the CA's S3ObjectAcl",
  },
  {
    key: 's3:signatureversion',
    value: () => UNKNOWN,
    summary: 'unknown',
    sources: [S3_SIGV4],
    why: 'S3 supports Signature Version 2 and 4; how Private CA signs is not documented',
  },
  {
    key: 's3:authType',
    value: () => UNKNOWN,
    summary: 'unknown',
    sources: [S3_SIGV4],
    why: 'REST-HEADER, REST-QUERY-STRING or POST; how Private CA authenticates is not documented',
  },
  {
    key: 's3:signatureAge',
    value: () => UNKNOWN,
    summary: 'unknown',
    sources: [S3_SIGV4],
    why: 'how Private CA signs is not documented',
  },
  {
    key: 's3:x-amz-content-sha256',
    value: () => UNKNOWN,
    summary: 'unknown',
    sources: [S3_SIGV4],
    why: 'how Private CA signs its payloads is not documented',
  },
  {
    key: 's3:TlsVersion',
    value: () => UNKNOWN,
    summary: 'unknown',
    sources: [S3_KEYS],
    why: 'the TLS version Private CA uses is not documented',
  },
  {
    key: 's3:x-amz-server-side-encryption',
    value: () => UNKNOWN,
    summary: 'unknown',
    sources: [S3_KEYS],
    why: 'Private CA does not say whether it sends an encryption header',
  },
  {
    key: 's3:x-amz-server-side-encryption-aws-kms-key-id',
    value: () => UNKNOWN,
    summary: 'unknown',
    sources: [S3_KEYS],
    why: 'Private CA does not say whether it names a KMS key',
  },
  {
    key: 's3:ExistingObjectTag/',
    prefix: true,
    value: () => UNKNOWN,
    summary: 'unknown (every tag key)',
    sources: [S3_KEYS],
    why: 'depends on the object already in the bucket, which is not read here',
  },
];

/** The context of Private CA's request for `action`; keys the table does not name are unknown. */
export function pcaRequestContext(req: PcaWriteRequest, action: string): RequestContext {
  const known = new Map<string, string[]>();
  const absent = new Set<string>();
  const presentKeys = new Set<string>();
  const absentPrefixes: string[] = [];
  const operators = new Map<string, readonly OperatorFamily[]>();
  for (const fact of PCA_REQUEST_CONTEXT) {
    const name = fact.key.toLowerCase();
    if (fact.works !== undefined) operators.set(name, fact.works);
    const value = fact.value(req, action);
    if (fact.prefix) {
      // A prefix fact says the same of every key under it; only "absent" is needed so far.
      if (value.state === 'absent') absentPrefixes.push(name);
      continue;
    }
    if (value.state === 'present') known.set(name, value.values);
    else if (value.state === 'present-unknown') presentKeys.add(name);
    else if (value.state === 'absent') absent.add(name);
  }
  return { known, absent, absentPrefixes, present: presentKeys, operators };
}
