// One IAM role per concern, least privilege. serverless.yml includes the result in
// `resources`: `${file(./deploy/iam-roles.cjs)}`.
//
// Every role may write its functions' logs and X-Ray traces. Beyond that:
//   ClassifyRole  nothing (classification is pure)
//   ReadRole      read CAs, audit reports, certificates; read bucket settings and CRL objects
//   RepairRole    add to bucket policies (allowed buckets only), update CAs' CRL ACL, and
//                 take and release bucket leases (LEASE# items of the history table only)
//   AuditRole     request audit reports
//   RecordRole    publish to the notification topic; read and complete event items
//                 (EVENT# items of the history table only)
//   ApprovalRole  mode approve: keep a request's task token in its event item (UpdateItem,
//                 EVENT# items only) and publish the request to the notification topic.
//                 It never sends the task result: the approver does (docs/approval.md).
//   SweepRole     only with the sweepSchedule parameter: list CAs, describe them, read
//                 bucket settings, start this stack's state machine
// Private CA actions are limited to CAs of this account and region; S3 actions to
// buckets owned by this account (s3:ResourceAccount), and PutBucketPolicy further to
// the allowedBuckets parameter when it is set.

// S3's bucket name rule, shared with src/lambda/runtime/config.ts and the account file's schema.
const { PARAMETERS } = require('./parameters.cjs');
const BUCKET_NAME = new RegExp(require('./bucket-name.json').pattern);
const { checkStageName, generatedNames } = require('./names.cjs');

const CA_ARN = { 'Fn::Sub': 'arn:${AWS::Partition}:acm-pca:${AWS::Region}:${AWS::AccountId}:certificate-authority/*' };
const HISTORY_TABLE = { 'Fn::GetAtt': ['HistoryTable', 'Arn'] };
/** Only items whose partition key starts with `prefix` (dynamodb:LeadingKeys). */
const itemsStartingWith = (prefix) => ({ 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [`${prefix}*`] } });
const THIS_ACCOUNT = { StringEquals: { 's3:ResourceAccount': { Ref: 'AWS::AccountId' } } };
/** What InspectBucket reads of a bucket (src/lambda/aws/bucket-state.ts). */
const BUCKET_SETTINGS_READS = ['s3:GetBucketPolicy', 's3:GetBucketPublicAccessBlock', 's3:GetBucketOwnershipControls', 's3:GetEncryptionConfiguration'];

/** The ARNs of the allowed buckets (every bucket when none is named), with `suffix` (`/*` for their objects). */
function bucketArns(allowedBuckets, suffix = '') {
  const names = String(allowedBuckets ?? '')
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '' && name !== '*');
  for (const name of names) {
    if (!BUCKET_NAME.test(name)) {
      throw new Error(`allowedBuckets: "${name}" is not a valid S3 bucket name`);
    }
  }
  if (names.length === 0) return [{ 'Fn::Sub': `arn:\${AWS::Partition}:s3:::*${suffix}` }];
  return names.map((name) => ({ 'Fn::Sub': `arn:\${AWS::Partition}:s3:::${name}${suffix}` }));
}

function role(service, stage, concern, functions, statements) {
  const logGroups = functions.map((fn) => ({
    'Fn::Sub': `arn:\${AWS::Partition}:logs:\${AWS::Region}:\${AWS::AccountId}:log-group:/aws/lambda/${service}-${stage}-${fn}:*`,
  }));
  return {
    Type: 'AWS::IAM::Role',
    Properties: {
      Description: `${service}-${stage}: ${concern}`,
      AssumeRolePolicyDocument: {
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
      },
      Policies: [
        {
          PolicyName: 'least-privilege',
          PolicyDocument: {
            Version: '2012-10-17',
            Statement: [
              { Sid: 'WriteOwnLogs', Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: logGroups },
              // X-Ray has no resource-level permissions.
              { Sid: 'WriteTraces', Effect: 'Allow', Action: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'], Resource: '*' },
              ...statements,
            ],
          },
        },
      ],
    },
  };
}

const RATE = /^rate\(([1-9]\d*) (minute|minutes|hour|hours|day|days)\)$/;
const CRON = /^cron\((\S+) (\S+) (\S+) (\S+) (\S+) (\S+)\)$/;

/**
 * The sweepSchedule parameter: '' (no sweep), or an EventBridge schedule expression
 * (docs.aws.amazon.com/eventbridge/latest/userguide/eb-scheduled-rule-pattern.html):
 * `rate(1 hour)`, `rate(6 hours)` (the unit singular for 1, plural otherwise), or a
 * six-field `cron(...)` with `?` in exactly one of day-of-month and day-of-week.
 */
function parseSweepSchedule(value) {
  const schedule = String(value ?? '').trim();
  if (schedule === '') return '';
  const problem = `sweepSchedule must be empty (no sweep), "rate(<n> minutes|hours|days)" or "cron(<6 fields>)", not "${schedule}"`;
  const rate = RATE.exec(schedule);
  if (rate) {
    const [, count, unit] = rate;
    const singular = unit.replace(/s$/, '');
    const expected = count === '1' ? `rate(1 ${singular})` : `rate(${count} ${singular}s)`;
    if (schedule !== expected) throw new Error(`${problem}: write "${expected}"`);
    return schedule;
  }
  const cron = CRON.exec(schedule);
  if (cron) {
    const [, , , dayOfMonth, , dayOfWeek] = cron;
    if ((dayOfMonth === '?') === (dayOfWeek === '?')) throw new Error(`${problem}: exactly one of day-of-month (3rd field) and day-of-week (5th) must be "?"`);
    return schedule;
  }
  throw new Error(problem);
}

/**
 * The longest approvalTimeoutHours: Step Functions' "Maximum task execution time" (and
 * "Maximum execution time") of a Standard workflow is 1 year
 * (https://docs.aws.amazon.com/step-functions/latest/dg/limits.html); 365 × 24 hours.
 * src/lambda/runtime/config.ts has the same number (MAX_APPROVAL_TIMEOUT_HOURS).
 */
const MAX_APPROVAL_TIMEOUT_HOURS = 8760;

/** approvalTimeoutHours as a number: a whole number of hours from 1 to MAX_APPROVAL_TIMEOUT_HOURS. */
function checkApprovalTimeoutHours(value) {
  const text = String(value ?? '24').trim();
  const hours = Number(text);
  if (!/^[0-9]+$/.test(text) || hours < 1 || hours > MAX_APPROVAL_TIMEOUT_HOURS) {
    throw new Error(
      `approvalTimeoutHours must be a whole number of hours from 1 to ${MAX_APPROVAL_TIMEOUT_HOURS} (Step Functions waits at most a year for a task), not "${value}"`,
    );
  }
  return hours;
}

/** Refuse a bad deployment parameter at package time, before anything is deployed. */
function checkParameters(params) {
  for (const parameter of PARAMETERS) {
    const problem = parameter.check(params[parameter.name]);
    if (problem) throw new Error(problem);
  }
  checkApprovalTimeoutHours(params.approvalTimeoutHours);
  parseSweepSchedule(params.sweepSchedule);
}

async function roles({ resolveVariable }) {
  const service = 'pca-remediation';
  const stage = await resolveVariable('sls:stage');
  const allowedBuckets = await resolveVariable('param:allowedBuckets');
  const sweepSchedule = await resolveVariable('param:sweepSchedule');
  // Every parameter of the table, checked before anything is packaged.
  const values = {};
  for (const { name } of PARAMETERS) values[name] = await resolveVariable(`param:${name}`);
  checkParameters(values);
  // Every name that holds the stage must fit AWS's limit for its kind (deploy/names.cjs).
  checkStageName(stage, await generatedNames(resolveVariable));
  const allBuckets = { 'Fn::Sub': 'arn:${AWS::Partition}:s3:::*' };
  const allObjects = { 'Fn::Sub': 'arn:${AWS::Partition}:s3:::*/*' };
  return {
    Resources: {
      ClassifyRole: role(service, stage, 'classify events', ['classifyEvent'], []),
      ReadRole: role(
        service,
        stage,
        'read CAs and bucket settings',
        ['inspectBucket', 'checkCrlRepublished', 'checkAuditReport', 'diagnoseCertificateIssuance', 'diagnoseCaCreation'],
        [
          {
            Sid: 'ReadCertificateAuthorities',
            Effect: 'Allow',
            Action: ['acm-pca:DescribeCertificateAuthority', 'acm-pca:DescribeCertificateAuthorityAuditReport', 'acm-pca:GetCertificate'],
            Resource: CA_ARN,
          },
          {
            Sid: 'ReadBucketSettings',
            Effect: 'Allow',
            Action: [...BUCKET_SETTINGS_READS, 's3:ListBucket'],
            Resource: allBuckets,
            Condition: THIS_ACCOUNT,
          },
          // HeadObject on CRL objects (LastModified); ListBucket above makes a missing object 404, not 403.
          { Sid: 'ReadCrlObjects', Effect: 'Allow', Action: ['s3:GetObject'], Resource: allObjects, Condition: THIS_ACCOUNT },
        ],
      ),
      RepairRole: role(service, stage, 'repair bucket policies and CA CRL settings', ['repairBucket'], repairStatements(allowedBuckets)),
      AuditRole: role(
        service,
        stage,
        'request audit reports',
        ['requestAuditReport'],
        [{ Sid: 'RequestAuditReports', Effect: 'Allow', Action: ['acm-pca:CreateCertificateAuthorityAuditReport'], Resource: CA_ARN }],
      ),
      RecordRole: role(
        service,
        stage,
        'publish outcomes',
        ['recordOutcome'],
        [
          { Sid: 'PublishOutcomes', Effect: 'Allow', Action: ['sns:Publish'], Resource: { Ref: 'NotificationTopic' } },
          { Sid: 'EncryptForTopic', Effect: 'Allow', Action: ['kms:GenerateDataKey', 'kms:Decrypt'], Resource: { 'Fn::GetAtt': ['NotificationKey', 'Arn'] } },
          {
            Sid: 'CompleteEventHistory',
            Effect: 'Allow',
            Action: ['dynamodb:GetItem', 'dynamodb:UpdateItem'],
            Resource: HISTORY_TABLE,
            Condition: itemsStartingWith('EVENT#'),
          },
        ],
      ),
      ApprovalRole: role(service, stage, 'request approvals', ['requestApproval'], approvalStatements()),
      ...(parseSweepSchedule(sweepSchedule) === '' ? {} : { SweepRole: sweepRole(service, stage) }),
    },
  };
}

/**
 * What RepairRole may do (the local simulation reads these too, to decide whether the
 * role passes Private CA's test of the caller: src/workstation/local/caller.ts).
 */
function repairStatements(allowedBuckets) {
  const allBuckets = { 'Fn::Sub': 'arn:${AWS::Partition}:s3:::*' };
  return [
    {
      Sid: 'UpdateCertificateAuthorities',
      Effect: 'Allow',
      Action: ['acm-pca:DescribeCertificateAuthority', 'acm-pca:UpdateCertificateAuthority'],
      Resource: CA_ARN,
    },
    { Sid: 'ReadBucketPolicies', Effect: 'Allow', Action: ['s3:GetBucketPolicy'], Resource: allBuckets, Condition: THIS_ACCOUNT },
    { Sid: 'WriteAllowedBucketPolicies', Effect: 'Allow', Action: ['s3:PutBucketPolicy'], Resource: bucketArns(allowedBuckets), Condition: THIS_ACCOUNT },
    // UpdateCertificateAuthority refuses a caller that may not write to the CRL bucket
    // ("Both AWS Private CA and the IAM principal must have permission to write to the S3
    // bucket that you specify", docs.aws.amazon.com/privateca/latest/APIReference/API_UpdateCertificateAuthority.html).
    // The role never writes an object itself: this is only for that check, on the buckets
    // it may repair, owned by this account. Which S3 action the check asks for is not
    // documented; "write" is s3:PutObject in S3's terms (see docs/aws-facts.md).
    { Sid: 'PassPrivateCaCallerCheck', Effect: 'Allow', Action: ['s3:PutObject'], Resource: bucketArns(allowedBuckets, '/*'), Condition: THIS_ACCOUNT },
    {
      Sid: 'HoldBucketLeases',
      Effect: 'Allow',
      Action: ['dynamodb:PutItem', 'dynamodb:DeleteItem', 'dynamodb:GetItem'],
      Resource: HISTORY_TABLE,
      Condition: itemsStartingWith('LEASE#bucket#'),
    },
  ];
}

/**
 * What ApprovalRole may do: write the request (with its task token) into the event's item,
 * and publish it. The role exists in every mode (the function is deployed with the others)
 * but is only used in mode approve.
 */
function approvalStatements() {
  return [
    { Sid: 'RecordApprovalRequests', Effect: 'Allow', Action: ['dynamodb:UpdateItem'], Resource: HISTORY_TABLE, Condition: itemsStartingWith('EVENT#') },
    { Sid: 'PublishApprovalRequests', Effect: 'Allow', Action: ['sns:Publish'], Resource: { Ref: 'NotificationTopic' } },
    { Sid: 'EncryptForTopic', Effect: 'Allow', Action: ['kms:GenerateDataKey', 'kms:Decrypt'], Resource: { 'Fn::GetAtt': ['NotificationKey', 'Arn'] } },
  ];
}

/** The scheduled sweep (deploy/sweep.cjs): read what InspectCrlBucket reads, and start the workflow. */
function sweepRole(service, stage) {
  return role(
    service,
    stage,
    'sweep CRL buckets and start remediations',
    ['sweep'],
    [
      // ListCertificateAuthorities has no resource type: the Service Authorization Reference
      // (docs.aws.amazon.com/service-authorization/latest/reference/list_awsprivatecertificateauthority.html)
      // lists none for it, and "AWS Private CA API operations and permissions"
      // (docs.aws.amazon.com/privateca/latest/userguide/api-permissions.html) gives its
      // Resources as N/A, so IAM accepts only "*". It returns this account's CAs only.
      { Sid: 'ListCertificateAuthorities', Effect: 'Allow', Action: ['acm-pca:ListCertificateAuthorities'], Resource: '*' },
      { Sid: 'DescribeCertificateAuthorities', Effect: 'Allow', Action: ['acm-pca:DescribeCertificateAuthority'], Resource: CA_ARN },
      // Only what InspectBucket reads: the sweep never reads objects (no s3:GetObject or s3:ListBucket).
      {
        Sid: 'ReadBucketSettings',
        Effect: 'Allow',
        Action: BUCKET_SETTINGS_READS,
        Resource: { 'Fn::Sub': 'arn:${AWS::Partition}:s3:::*' },
        Condition: THIS_ACCOUNT,
      },
      // Ref of an AWS::StepFunctions::StateMachine is its ARN; serverless-step-functions names it after `id`.
      { Sid: 'StartRemediations', Effect: 'Allow', Action: ['states:StartExecution'], Resource: { Ref: 'RemediationStateMachine' } },
    ],
  );
}

module.exports = roles;
module.exports.bucketArns = bucketArns;
module.exports.repairStatements = repairStatements;
module.exports.parseSweepSchedule = parseSweepSchedule;
module.exports.checkParameters = checkParameters;
module.exports.checkApprovalTimeoutHours = checkApprovalTimeoutHours;
module.exports.MAX_APPROVAL_TIMEOUT_HOURS = MAX_APPROVAL_TIMEOUT_HOURS;
