/**
 * The account file's schema, written once with zod: the fields, their types, the values
 * they may take and how times are read. `parseAccountFile` (./account-file.ts) checks a
 * file with it, then applies the rules that tie fields together (ARNs in the file's own
 * account and region, names used once, a certificate under its own CA). `npm run schema`
 * publishes it as JSON Schema (schemas/account-file.schema.json, `accountFileJsonSchema`)
 * for editors; every example account file names that file in `"$schema"`.
 *
 * Messages keep the loader's style: each names what is wrong and, for a field name the
 * file does not know, the fields it may have. The path is added by ./account-file.ts.
 */
import { BUCKET_NAME } from '../../lambda/runtime/config';
import { z } from 'zod';
import { parseCaArn, parseCertificateArn } from '../../core/arn';
import { describe } from './account-file-fields';
import { FAULT_KINDS, FAULTABLE_SERVICES } from './faults';

export const CA_STATUSES = ['CREATING', 'PENDING_CERTIFICATE', 'ACTIVE', 'DELETED', 'DISABLED', 'EXPIRED', 'FAILED'] as const;
export const S3_OBJECT_ACLS = ['PUBLIC_READ', 'BUCKET_OWNER_FULL_CONTROL'] as const;
export const PARTITIONS = ['aws', 'aws-cn', 'aws-us-gov'] as const;

/** Where the published schema lives, from the repository root; example files name it in `$schema`. */
export const SCHEMA_FILE = 'schemas/account-file.schema.json';

const ACCOUNT_ID = /^\d{12}$/;
const REGION = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

// ---- Field kinds, each with the loader's message -------------------------------------

/** An object with exactly these fields: a misspelt field is an error naming the valid ones. */
function fields<T extends z.ZodRawShape>(shape: T, description?: string) {
  const names = Object.keys(shape).filter((name) => name !== '$schema');
  const schema = z.strictObject(shape, {
    error: (issue) =>
      issue.code === 'unrecognized_keys' ? `is not a known field (expected one of ${names.join(', ')})` : `must be an object, not ${describe(issue.input)}`,
  });
  return description ? schema.describe(description) : schema;
}

const anyObject = (description: string) =>
  z.record(z.string(), z.unknown(), { error: (issue) => `must be an object, not ${describe(issue.input)}` }).describe(description);

const list = <T extends z.ZodType>(item: T) => z.array(item, { error: (issue) => `must be a list, not ${describe(issue.input)}` });

const text = () => {
  const problem = (issue: { input?: unknown }) => `must be a non-empty string, not ${describe(issue.input)}`;
  return z.string({ error: problem }).min(1, { error: problem });
};

const boolean = () => z.boolean({ error: (issue) => `must be true or false, not ${describe(issue.input)}` });

const oneOf = <const T extends readonly [string, ...string[]]>(values: T) =>
  z.enum(values, { error: (issue) => `must be one of ${values.join(', ')}, not ${describe(issue.input)}` });

const pattern = (regex: RegExp, problem: (value: unknown) => string) =>
  z.string({ error: (issue) => problem(issue.input) }).regex(regex, { error: (issue) => problem(issue.input) });

const accountId = () => pattern(ACCOUNT_ID, (value) => `must be a 12-digit account id, not ${describe(value)}`).describe('A 12-digit AWS account id.');

function integer(min: number, max: number) {
  const problem = (issue: { input?: unknown }) => `must be a whole number from ${min} to ${max}, not ${describe(issue.input)}`;
  return z.number({ error: problem }).int({ error: problem }).min(min, { error: problem }).max(max, { error: problem });
}

function numberBetween(min: number, max: number) {
  const problem = (issue: { input?: unknown }) => `must be a number from ${min} to ${max}, not ${describe(issue.input)}`;
  return z.number({ error: problem }).min(min, { error: problem }).max(max, { error: problem });
}

/** A time, as ISO 8601 (AWS CLI v2) or epoch seconds (AWS CLI v1 for JSON services), read as an ISO string. */
const timestamp = () =>
  z
    .union([z.string(), z.number()], { error: (issue) => `must be an ISO 8601 time or epoch seconds, not ${describe(issue.input)}` })
    .transform((value, context) => {
      const time = new Date(typeof value === 'number' ? value * 1000 : value);
      if (Number.isNaN(time.getTime())) {
        context.issues.push({ code: 'custom', input: value, message: `must be an ISO 8601 time or epoch seconds, not ${describe(value)}` });
        return z.NEVER;
      }
      return time.toISOString();
    })
    .describe('An ISO 8601 time, or epoch seconds.');

/** Absent or null: not set (null in the parsed file). */
const nullable = <T extends z.ZodType>(schema: T) => schema.nullish().transform((value) => value ?? null);

// ---- Certificate authorities ---------------------------------------------------------

const crlConfiguration = fields({
  Enabled: boolean(),
  ExpirationInDays: integer(1, 5000).optional(),
  CustomCname: text().optional(),
  S3BucketName: text().optional(),
  S3ObjectAcl: oneOf(S3_OBJECT_ACLS).optional(),
  CrlDistributionPointExtensionConfiguration: fields({ OmitExtension: boolean() }).optional(),
  CrlType: oneOf(['COMPLETE', 'PARTITIONED']).optional(),
  CustomPath: text().optional(),
}).superRefine((crl, context) => {
  if (crl.Enabled && crl.S3BucketName === undefined) context.addIssue({ code: 'custom', path: ['S3BucketName'], message: 'is required when Enabled is true' });
});

/** Also checks UpdateCertificateAuthority's input, so the file and the API agree. */
export const revocationConfigurationSchema = fields({
  CrlConfiguration: crlConfiguration.optional(),
  OcspConfiguration: fields({ Enabled: boolean(), OcspCustomCname: text().optional() }).optional(),
});

const auditReport = fields({
  AuditReportId: text().regex(UUID, { error: (issue) => `must be a lower-case UUID, not ${describe(issue.input)}` }),
  AuditReportStatus: oneOf(['CREATING', 'SUCCESS', 'FAILED']),
  S3BucketName: text(),
  S3Key: text(),
  CreatedAt: timestamp(),
});

const certificate = fields({
  CertificateArn: text()
    .transform((value, context) => {
      const parsed = parseCertificateArn(value, 'CertificateArn');
      if (parsed.ok) return parsed.value.arn;
      context.issues.push({ code: 'custom', input: value, message: parsed.problem });
      return z.NEVER;
    })
    .describe('arn:<partition>:acm-pca:<region>:<account>:certificate-authority/<CA id>/certificate/<id>'),
  Status: oneOf(['ISSUED', 'FAILED', 'PENDING']),
  Certificate: text().optional(),
  CertificateChain: text().optional(),
}).superRefine((entry, context) => {
  if (entry.Status === 'ISSUED' && entry.Certificate === undefined)
    context.addIssue({ code: 'custom', path: ['Certificate'], message: 'is required when Status is ISSUED' });
});

const caSimulation = fields(
  {
    CrlFailureAt: nullable(timestamp()).describe('When the last CRL write failed; Private CA retries every 15 minutes from here.'),
    CrlInternalFailureUntil: nullable(
      z.union([z.literal('forever'), timestamp()], { error: (issue) => `must be an ISO 8601 time or epoch seconds, not ${describe(issue.input)}` }),
    ).describe('Until when CRL writes fail internally whatever the bucket ("forever": never recovers).'),
    AuditReportOutcome: oneOf(['SUCCESS', 'FAILED']).optional(),
    AuditReportSecondsToComplete: integer(0, 86_400).optional(),
    LastAuditReportRequestedAt: nullable(timestamp()),
    UpdateTestsBucketWrite: boolean().optional(),
  },
  'How the simulated Private CA behaves for this CA.',
);

const caArn = text()
  .transform((value, context) => {
    const parsed = parseCaArn(value, 'Arn');
    if (parsed.ok) return parsed.value;
    context.issues.push({ code: 'custom', input: value, message: parsed.problem });
    return z.NEVER;
  })
  .describe("arn:<partition>:acm-pca:<region>:<account>:certificate-authority/<CA id>, in the file's own account and region.");

const certificateAuthority = fields(
  {
    Arn: caArn,
    OwnerAccount: accountId().optional(),
    CreatedAt: timestamp().optional(),
    LastStateChangeAt: timestamp().optional(),
    Type: oneOf(['ROOT', 'SUBORDINATE']).optional(),
    Serial: text().optional(),
    Status: oneOf(CA_STATUSES),
    NotBefore: timestamp().optional(),
    NotAfter: timestamp().optional(),
    FailureReason: oneOf(['REQUEST_TIMED_OUT', 'UNSUPPORTED_ALGORITHM', 'OTHER']).optional(),
    CertificateAuthorityConfiguration: anyObject('As DescribeCertificateAuthority returns it; not checked.').optional(),
    RevocationConfiguration: revocationConfigurationSchema.optional(),
    RestorableUntil: timestamp().optional(),
    KeyStorageSecurityStandard: text().optional(),
    UsageMode: text().optional(),
    AuditReports: list(auditReport).default([]),
    Certificates: list(certificate).default([]),
    Simulation: caSimulation.optional(),
  },
  "A certificate authority as DescribeCertificateAuthority returns it, plus the simulation's own fields.",
);

// ---- Buckets -------------------------------------------------------------------------

const policyDocument = z
  .union([z.string(), z.record(z.string(), z.unknown())], { error: (issue) => `must be an object, not ${describe(issue.input)}` })
  .transform((value, context) => {
    let document = value;
    if (typeof value === 'string') {
      try {
        document = JSON.parse(value);
      } catch (error) {
        context.issues.push({ code: 'custom', input: value, message: `is not valid JSON (${(error as Error).message})` });
        return z.NEVER;
      }
    }
    if (typeof document !== 'object' || document === null || Array.isArray(document)) {
      context.issues.push({ code: 'custom', input: value, message: `must be an object, not ${describe(document)}` });
      return z.NEVER;
    }
    return value as string | Record<string, unknown>;
  });

const publicAccessBlock = fields({
  BlockPublicAcls: boolean().optional(),
  IgnorePublicAcls: boolean().optional(),
  BlockPublicPolicy: boolean().optional(),
  RestrictPublicBuckets: boolean().optional(),
});

const ownershipControls = fields({
  Rules: list(fields({ ObjectOwnership: oneOf(['BucketOwnerEnforced', 'BucketOwnerPreferred', 'ObjectWriter']) })).length(1, {
    error: (issue) => `must hold exactly one rule, not ${Array.isArray(issue.input) ? issue.input.length : 0}`,
  }),
});

const encryption = fields({
  Rules: list(
    fields({
      ApplyServerSideEncryptionByDefault: fields({ SSEAlgorithm: oneOf(['AES256', 'aws:kms', 'aws:kms:dsse']), KMSMasterKeyID: text().optional() }).optional(),
      BucketKeyEnabled: boolean().optional(),
    }),
  ),
});

const bucket = fields(
  {
    Name: z
      .string({ error: (issue) => `must be a non-empty string, not ${describe(issue.input)}` })
      .regex(BUCKET_NAME, { error: (issue) => `"${String(issue.input)}" is not a valid S3 bucket name` }),
    Owner: accountId().optional().describe("Account id of the bucket owner (default: the file's account)."),
    Region: pattern(REGION, (value) => `must be an AWS region, not ${describe(value)}`)
      .optional()
      .describe("Default: the file's region."),
    Policy: nullable(policyDocument.describe('The policy text as S3 returns it, or the document itself; absent or null: no policy.')),
    PublicAccessBlockConfiguration: nullable(publicAccessBlock),
    OwnershipControls: nullable(ownershipControls),
    ServerSideEncryptionConfiguration: nullable(encryption),
    Objects: z
      .record(z.string(), timestamp(), { error: (issue) => `must be an object, not ${describe(issue.input)}` })
      .nullish()
      .transform((value) => value ?? {})
      .describe('Object key → LastModified.'),
  },
  "A bucket, in the shapes S3's Get* calls return.",
);

// ---- The file --------------------------------------------------------------------------

const faults = fields({
  Rate: numberBetween(0, 1),
  Kinds: list(oneOf(FAULT_KINDS)).min(1, { error: () => `must list at least one of ${FAULT_KINDS.join(', ')}` }),
  Seed: integer(0, 0xffffffff),
  Services: list(oneOf(FAULTABLE_SERVICES)).optional(),
  Operations: list(text()).optional(),
});

const notification = fields({
  TopicArn: text().optional(),
  Subject: text().optional(),
  Message: text(),
  PublishedAt: timestamp(),
});

export const accountFileSchema = fields(
  {
    $schema: z.string().optional().describe(`The JSON Schema this file follows (${SCHEMA_FILE}), for editors.`),
    account: accountId(),
    region: pattern(REGION, (value) => `must be an AWS region such as us-east-1, not ${describe(value)}`),
    partition: oneOf(PARTITIONS).default('aws'),
    certificateAuthorities: list(certificateAuthority).default([]),
    buckets: list(bucket).default([]),
    notifications: list(notification).default([]),
    AccountPublicAccessBlock: publicAccessBlock.optional().describe("The account-level Block Public Access settings (S3 Control's GetPublicAccessBlock)."),
    Simulation: fields({ Faults: faults.optional() }, 'How the simulated account itself behaves: faults injected into the calls it answers.').optional(),
  },
  'An AWS account as the local runner and the workflow tests see it (src/workstation/local/account-file.ts).',
);

/** The schema as JSON Schema (draft 2020-12), for editors: what the file may contain, not the rules between fields. */
export function accountFileJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(accountFileSchema, { target: 'draft-2020-12', io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  return { ...schema, title: 'pca-remediation account file' };
}

/** The published file's text (npm run schema): the JSON Schema, two-space indented, one newline at the end. */
export function accountFileSchemaText(): string {
  return `${JSON.stringify(accountFileJsonSchema(), null, 2)}\n`;
}
