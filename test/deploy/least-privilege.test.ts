/**
 * The packaged template (one `sls package`, offline; one more with notificationEmail)
 * grants least privilege, encrypts what it stores, and passes @aws/cloudformation-validate
 * with no warning beyond the accepted ones docs/deploy.md lists. Every rule is a pure
 * function in ./least-privilege; the mutation tables below feed it deliberately
 * broken copies of the real template, so each rule is shown to fail when it should.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { RegoEngine, TemplateFile, type Engine, type StandardDiagnostic } from '@aws/cloudformation-validate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  encryptionViolations,
  identityPolicyStatements,
  identityPolicyViolations,
  keyPolicyViolations,
  RESOURCE_STAR_ALLOWED,
  resourcePolicyViolations,
  violations,
} from './least-privilege';
import { packageService, resourcesOfType, ROOT, type Packaged, type Template } from './package';
import { createRequire } from 'node:module';

const { approverPolicyTemplate } = createRequire(import.meta.url)('../../deploy/approver-policy.cjs') as {
  approverPolicyTemplate: (stage: string) => { Statement: Statement[] };
};

type Statement = Record<string, unknown>;
type Rule = (template: Template) => string[];

let packaged: Packaged;
beforeAll(() => {
  packaged = packageService();
});

/** A deep copy of the packaged template, changed by `change`. */
function mutated(change: (template: Template) => void): Template {
  const copy = structuredClone(packaged.template);
  change(copy);
  return copy;
}

const resourceOf = (template: Template, id: string) => {
  const resource = template.Resources[id];
  if (!resource) throw new Error(`the packaged template has no ${id}`);
  return resource;
};
const statementsOfRole = (template: Template, role: string) => resourceOf(template, role).Properties.Policies[0].PolicyDocument.Statement as Statement[];
const statementOfRole = (template: Template, role: string, sid: string) => {
  const statement = statementsOfRole(template, role).find((candidate) => candidate.Sid === sid);
  if (!statement) throw new Error(`${role} has no statement ${sid}`);
  return statement;
};
/** The first statement of `role` granting `action`; generated roles have no Sids. */
const statementGranting = (template: Template, role: string, action: string) => {
  const statement = statementsOfRole(template, role).find((candidate) => ([] as unknown[]).concat(candidate.Action).includes(action));
  if (!statement) throw new Error(`${role} grants no ${action}`);
  return statement;
};
const addToRole = (role: string, statement: Statement) => (template: Template) => void statementsOfRole(template, role).push(statement);
const keyStatements = (template: Template) => resourceOf(template, 'NotificationKey').Properties.KeyPolicy.Statement as Statement[];

const ALL_BUCKETS = { 'Fn::Sub': 'arn:${AWS::Partition}:s3:::*' };
const THIS_ACCOUNT = { StringEquals: { 's3:ResourceAccount': { Ref: 'AWS::AccountId' } } };
const HISTORY_TABLE = { 'Fn::GetAtt': ['HistoryTable', 'Arn'] };

describe('least privilege in the packaged template', () => {
  it('inspects the policies of every role, including those serverless-step-functions generates', () => {
    const inspected = new Set(identityPolicyStatements(packaged.template).map((statement) => statement.resource));
    const roles = resourcesOfType(packaged.template, 'AWS::IAM::Role').map(([id]) => id);
    expect(roles).toEqual(expect.arrayContaining(['RemediationStateMachineRole', 'RemediationEventToStepFunctionsRole', 'RepairRole']));
    expect([...inspected].sort()).toEqual(roles.sort());
  });

  it('grants no action wildcard and scopes S3 writes, Private CA writes, DynamoDB and StartExecution', () => {
    expect(identityPolicyViolations(packaged.template)).toEqual([]);
  });

  it('lets only the account root administer the notification key, and alarms use it for this account only', () => {
    expect(keyPolicyViolations(packaged.template)).toEqual([]);
  });

  it('grants nothing to everyone, and services only for this account, in queue, topic and bucket policies', () => {
    expect(resourcePolicyViolations(packaged.template)).toEqual([]);
  });

  it('encrypts every queue, topic and table, recovers tables to a point in time, and expires every log group', () => {
    expect(encryptionViolations(packaged.template)).toEqual([]);
  });

  it("holds the approver's policy (deploy/approver-policy.cjs, docs/approval.md) to the same rules, and ApprovalRole to what the pattern needs", () => {
    const withApprover = mutated((t) => {
      t.Resources.ApproverPolicy = { Type: 'AWS::IAM::ManagedPolicy', Properties: { PolicyDocument: approverPolicyTemplate('test') } };
    });
    expect(identityPolicyStatements(withApprover).map((statement) => statement.resource)).toContain('ApproverPolicy');
    expect(violations(withApprover)).toEqual([]);
    // Scoped like every other grant: the same policy on every table, or its writes on everything, is refused.
    const broken = mutated((t) => {
      const policy = approverPolicyTemplate('test');
      policy.Statement[1]!.Resource = '*';
      t.Resources.ApproverPolicy = { Type: 'AWS::IAM::ManagedPolicy', Properties: { PolicyDocument: policy } };
    });
    expect(identityPolicyViolations(broken)).toContainEqual(
      expect.stringMatching(/ApproverPolicy policy statement ReadApprovalRequests: dynamodb:GetItem on "\*"; limit it to a table of this stack/),
    );
  });

  it('gives a reason, citing the AWS documentation, for every action allowed on Resource "*"', () => {
    for (const [action, reason] of Object.entries(RESOURCE_STAR_ALLOWED)) expect(reason, action).toMatch(/docs\.aws\.amazon\.com\/\S+/);
  });
});

describe('each rule reports a broken copy of the template', () => {
  it.each<[string, Rule, (template: Template) => void, RegExp]>([
    [
      'Action "*" in a role',
      identityPolicyViolations,
      addToRole('ClassifyRole', { Sid: 'Everything', Effect: 'Allow', Action: '*', Resource: '*' }),
      /ClassifyRole policy "least-privilege" statement Everything: grants every action of every service/,
    ],
    [
      's3:* in a role',
      identityPolicyViolations,
      addToRole('ReadRole', { Sid: 'Everything', Effect: 'Allow', Action: 's3:*', Resource: ALL_BUCKETS, Condition: THIS_ACCOUNT }),
      /ReadRole .* statement Everything: grants every s3 action \("s3:\*"\)/,
    ],
    [
      'acm-pca:* in a role',
      identityPolicyViolations,
      (t) => {
        statementOfRole(t, 'RepairRole', 'UpdateCertificateAuthorities').Action = 'acm-pca:*';
      },
      /RepairRole .* UpdateCertificateAuthorities: grants every acm-pca action/,
    ],
    [
      'dynamodb:* in a role',
      identityPolicyViolations,
      (t) => {
        statementOfRole(t, 'RecordRole', 'CompleteEventHistory').Action = ['dynamodb:*'];
      },
      /RecordRole .* CompleteEventHistory: grants every dynamodb action/,
    ],
    [
      'states:* in the EventBridge role',
      identityPolicyViolations,
      (t) => {
        statementGranting(t, 'RemediationEventToStepFunctionsRole', 'states:StartExecution').Action = ['states:*'];
      },
      /RemediationEventToStepFunctionsRole .* statement #\d+: grants every states action/,
    ],
    [
      's3:Put* instead of s3:PutBucketPolicy',
      identityPolicyViolations,
      (t) => {
        statementOfRole(t, 'RepairRole', 'WriteAllowedBucketPolicies').Action = ['s3:Put*'];
      },
      /WriteAllowedBucketPolicies: "s3:Put\*" is a wildcard that can match mutating s3 actions/,
    ],
    [
      's3:*Object, a wildcard that starts with no verb',
      identityPolicyViolations,
      addToRole('ReadRole', { Effect: 'Allow', Action: 's3:*Object', Resource: ALL_BUCKETS, Condition: THIS_ACCOUNT }),
      /"s3:\*Object" is a wildcard that can match mutating/,
    ],
    [
      'kms:GenerateDataKey* in a role (only key policies may use it)',
      identityPolicyViolations,
      (t) => {
        statementOfRole(t, 'RecordRole', 'EncryptForTopic').Action = ['kms:GenerateDataKey*', 'kms:Decrypt'];
      },
      /EncryptForTopic: "kms:GenerateDataKey\*" is a wildcard/,
    ],
    [
      'PutBucketPolicy on Resource "*"',
      identityPolicyViolations,
      (t) => {
        statementOfRole(t, 'RepairRole', 'WriteAllowedBucketPolicies').Resource = '*';
      },
      /WriteAllowedBucketPolicies: Resource "\*" for s3:PutBucketPolicy, which are not in RESOURCE_STAR_ALLOWED/,
    ],
    [
      'PutBucketPolicy without the s3:ResourceAccount condition',
      identityPolicyViolations,
      (t) => void delete statementOfRole(t, 'RepairRole', 'WriteAllowedBucketPolicies').Condition,
      /WriteAllowedBucketPolicies: s3:PutBucketPolicy can change buckets of other accounts/,
    ],
    [
      'the caller-check s3:PutObject without the s3:ResourceAccount condition',
      identityPolicyViolations,
      (t) => void delete statementOfRole(t, 'RepairRole', 'PassPrivateCaCallerCheck').Condition,
      /PassPrivateCaCallerCheck: s3:PutObject can change buckets of other accounts/,
    ],
    [
      'the caller-check s3:PutObject on Resource "*"',
      identityPolicyViolations,
      (t) => {
        statementOfRole(t, 'RepairRole', 'PassPrivateCaCallerCheck').Resource = '*';
      },
      /PassPrivateCaCallerCheck: Resource "\*" for s3:PutObject, which are not in RESOURCE_STAR_ALLOWED/,
    ],
    [
      'PutBucketPolicy with s3:ResourceAccount set to a literal account',
      identityPolicyViolations,
      (t) => {
        statementOfRole(t, 'RepairRole', 'WriteAllowedBucketPolicies').Condition = { StringEquals: { 's3:ResourceAccount': '111122223333' } };
      },
      /s3:PutBucketPolicy can change buckets of other accounts/,
    ],
    [
      'a lower-case s3:putbucketpolicy without the condition',
      identityPolicyViolations,
      addToRole('RepairRole', { Effect: 'Allow', Action: 's3:putbucketpolicy', Resource: ALL_BUCKETS }),
      /s3:putbucketpolicy can change buckets of other accounts/,
    ],
    [
      's3:DeleteObject on a bucket name with a wildcard',
      identityPolicyViolations,
      addToRole('RepairRole', { Effect: 'Allow', Action: 's3:DeleteObject', Resource: { 'Fn::Sub': 'arn:${AWS::Partition}:s3:::crl-*/*' } }),
      /s3:DeleteObject can change buckets of other accounts/,
    ],
    [
      'UpdateCertificateAuthority on Resource "*"',
      identityPolicyViolations,
      (t) => {
        statementOfRole(t, 'RepairRole', 'UpdateCertificateAuthorities').Resource = '*';
      },
      /UpdateCertificateAuthorities: acm-pca:UpdateCertificateAuthority on "\*"; limit it to this account's CAs/,
    ],
    [
      'UpdateCertificateAuthority on the CAs of every account',
      identityPolicyViolations,
      (t) => {
        statementOfRole(t, 'RepairRole', 'UpdateCertificateAuthorities').Resource = 'arn:aws:acm-pca:*:*:certificate-authority/*';
      },
      /UpdateCertificateAuthorities: acm-pca:UpdateCertificateAuthority on "arn:aws:acm-pca:\*:\*:certificate-authority\/\*"; limit it to this account's CAs/,
    ],
    [
      'IssueCertificate on Resource "*"',
      identityPolicyViolations,
      addToRole('AuditRole', { Sid: 'Issue', Effect: 'Allow', Action: 'acm-pca:IssueCertificate', Resource: '*' }),
      /AuditRole .* Issue: acm-pca:IssueCertificate on "\*"; limit it to this account's CAs/,
    ],
    [
      'DynamoDB on Resource "*"',
      identityPolicyViolations,
      (t) => {
        statementOfRole(t, 'RepairRole', 'HoldBucketLeases').Resource = '*';
      },
      /HoldBucketLeases: dynamodb:PutItem, dynamodb:DeleteItem, dynamodb:GetItem on "\*"; limit it to a table of this stack/,
    ],
    [
      'DynamoDB on a table of another stack',
      identityPolicyViolations,
      (t) => {
        statementOfRole(t, 'RecordRole', 'CompleteEventHistory').Resource = {
          'Fn::Sub': 'arn:${AWS::Partition}:dynamodb:${AWS::Region}:${AWS::AccountId}:table/someone-elses-table',
        };
      },
      /CompleteEventHistory: dynamodb:GetItem, dynamodb:UpdateItem on .*someone-elses-table.*; limit it to a table of this stack/,
    ],
    [
      'DynamoDB on every table of the account',
      identityPolicyViolations,
      (t) => {
        statementGranting(t, 'RemediationStateMachineRole', 'dynamodb:PutItem').Resource = [
          { 'Fn::Sub': 'arn:${AWS::Partition}:dynamodb:${AWS::Region}:${AWS::AccountId}:table/*' },
        ];
      },
      /RemediationStateMachineRole .* statement #\d+: .*dynamodb:PutItem.* on .*table\/\*/,
    ],
    [
      'StartExecution on Resource "*"',
      identityPolicyViolations,
      (t) => {
        statementGranting(t, 'RemediationEventToStepFunctionsRole', 'states:StartExecution').Resource = '*';
      },
      /RemediationEventToStepFunctionsRole .* statement #\d+: states:StartExecution on "\*"; limit it to this stack's state machine/,
    ],
    [
      'StartExecution on every state machine',
      identityPolicyViolations,
      addToRole('RecordRole', {
        Sid: 'Sweep',
        Effect: 'Allow',
        Action: 'states:StartExecution',
        Resource: { 'Fn::Sub': 'arn:${AWS::Partition}:states:${AWS::Region}:${AWS::AccountId}:stateMachine:*' },
      }),
      /RecordRole .* Sweep: states:StartExecution on .*stateMachine:\*/,
    ],
    [
      'sns:Publish on Resource "*"',
      identityPolicyViolations,
      (t) => {
        statementOfRole(t, 'RecordRole', 'PublishOutcomes').Resource = '*';
      },
      /PublishOutcomes: Resource "\*" for sns:Publish/,
    ],
    [
      'the approval requests written on every table',
      identityPolicyViolations,
      (t) => {
        statementOfRole(t, 'ApprovalRole', 'RecordApprovalRequests').Resource = '*';
      },
      /ApprovalRole .* RecordApprovalRequests: dynamodb:UpdateItem on "\*"; limit it to a table of this stack/,
    ],
    [
      'the approval requests published on every topic',
      identityPolicyViolations,
      (t) => {
        statementOfRole(t, 'ApprovalRole', 'PublishApprovalRequests').Resource = '*';
      },
      /PublishApprovalRequests: Resource "\*" for sns:Publish/,
    ],
    [
      'NotAction in an Allow',
      identityPolicyViolations,
      addToRole('ClassifyRole', { Effect: 'Allow', NotAction: 'iam:*', Resource: '*' }),
      /ClassifyRole .* NotAction in an Allow/,
    ],
    [
      'a conditional statement',
      identityPolicyViolations,
      addToRole('ClassifyRole', { 'Fn::If': ['HasNotificationEmail', { Effect: 'Allow', Action: 's3:*', Resource: '*' }, { Ref: 'AWS::NoValue' }] }),
      /ClassifyRole .* statement #\d+: a conditional or non-object statement cannot be inspected/,
    ],
    [
      'an AWS managed policy attached to a role',
      identityPolicyViolations,
      (t) => {
        resourceOf(t, 'ClassifyRole').Properties.ManagedPolicyArns = ['arn:aws:iam::aws:policy/AdministratorAccess'];
      },
      /ClassifyRole attaches the managed policy "arn:aws:iam::aws:policy\/AdministratorAccess"/,
    ],
    [
      'an AWS::IAM::Policy with s3:*',
      identityPolicyViolations,
      (t) => {
        t.Resources.ExtraPolicy = {
          Type: 'AWS::IAM::Policy',
          Properties: {
            PolicyName: 'extra',
            Roles: [{ Ref: 'ReadRole' }],
            PolicyDocument: { Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }] },
          },
        };
      },
      /ExtraPolicy policy statement #1: grants every s3 action/,
    ],
    [
      'an AWS::IAM::ManagedPolicy with Action "*"',
      identityPolicyViolations,
      (t) => {
        t.Resources.ExtraManagedPolicy = {
          Type: 'AWS::IAM::ManagedPolicy',
          Properties: { PolicyDocument: { Statement: { Effect: 'Allow', Action: '*', Resource: '*' } } },
        };
      },
      /ExtraManagedPolicy policy statement #1: grants every action of every service/,
    ],
    [
      'kms:* in a second key-policy statement',
      keyPolicyViolations,
      (t) => {
        keyStatements(t)[1]!.Action = 'kms:*';
      },
      /NotificationKey key policy statement CloudWatchAlarmsPublish: only AccountAdministersKey may grant kms:\*/,
    ],
    [
      'the key administrator statement opened to everyone',
      keyPolicyViolations,
      (t) => {
        keyStatements(t)[0]!.Principal = { AWS: '*' };
      },
      /NotificationKey key policy statement AccountAdministersKey: must name only this account's root/,
    ],
    [
      'a service key-policy statement without aws:SourceAccount',
      keyPolicyViolations,
      (t) => void delete keyStatements(t)[1]!.Condition,
      /CloudWatchAlarmsPublish: needs Condition StringEquals aws:SourceAccount/,
    ],
    [
      'a key-policy statement for an IAM principal',
      keyPolicyViolations,
      (t) => {
        keyStatements(t)[1]!.Principal = { AWS: { 'Fn::Sub': 'arn:${AWS::Partition}:iam::${AWS::AccountId}:role/someone' } };
      },
      /CloudWatchAlarmsPublish: must name AWS services as its only principal/,
    ],
    [
      'a service that may change the key policy',
      keyPolicyViolations,
      (t) => {
        keyStatements(t)[1]!.Action = ['kms:Decrypt', 'kms:PutKeyPolicy'];
      },
      /CloudWatchAlarmsPublish: a service may only use the key for cryptography, not kms:PutKeyPolicy/,
    ],
    [
      'the dead-letter queue policy without aws:SourceArn',
      resourcePolicyViolations,
      (t) => void delete resourceOf(t, 'DeadLetterQueuePolicy').Properties.PolicyDocument.Statement[0].Condition,
      /DeadLetterQueuePolicy policy statement EventBridgeRuleDeadLetters: grants "events.amazonaws.com" without an aws:SourceArn/,
    ],
    [
      'the dead-letter queue policy open to everyone',
      resourcePolicyViolations,
      (t) => {
        resourceOf(t, 'DeadLetterQueuePolicy').Properties.PolicyDocument.Statement[0].Principal = '*';
      },
      /EventBridgeRuleDeadLetters: grants to every principal/,
    ],
    [
      'a queue without SqsManagedSseEnabled',
      encryptionViolations,
      (t) => void delete resourceOf(t, 'DeadLetterQueue').Properties.SqsManagedSseEnabled,
      /DeadLetterQueue: the queue is not encrypted/,
    ],
    [
      'a queue with SqsManagedSseEnabled false',
      encryptionViolations,
      (t) => {
        resourceOf(t, 'DeadLetterQueue').Properties.SqsManagedSseEnabled = false;
      },
      /DeadLetterQueue: the queue is not encrypted/,
    ],
    [
      'a topic without a KMS key',
      encryptionViolations,
      (t) => void delete resourceOf(t, 'NotificationTopic').Properties.KmsMasterKeyId,
      /NotificationTopic: the topic is not encrypted/,
    ],
    [
      'a table without SSESpecification',
      encryptionViolations,
      (t) => void delete resourceOf(t, 'HistoryTable').Properties.SSESpecification,
      /HistoryTable: the table is not encrypted with a KMS key/,
    ],
    [
      'a table without point-in-time recovery',
      encryptionViolations,
      (t) => {
        resourceOf(t, 'HistoryTable').Properties.PointInTimeRecoverySpecification = { PointInTimeRecoveryEnabled: false };
      },
      /HistoryTable: point-in-time recovery is off/,
    ],
    [
      'a log group without RetentionInDays',
      encryptionViolations,
      (t) => void delete resourceOf(t, 'StateMachineLogGroup').Properties.RetentionInDays,
      /StateMachineLogGroup: the log group keeps logs forever/,
    ],
  ])('reports %s', (_name, rule, change, message) => {
    const found = rule(mutated(change));
    expect(found).toContainEqual(expect.stringMatching(message));
    expect(violations(mutated(change))).toEqual(expect.arrayContaining(found));
  });

  // Every S3 verb the READ_ONLY_VERBS comment lists as mutating, on every bucket, without the account condition.
  it.each([
    's3:PutObject',
    's3:DeleteBucket',
    's3:CreateBucket',
    's3:UpdateJobStatus',
    's3:RestoreObject',
    's3:ReplicateObject',
    's3:AbortMultipartUpload',
    's3:BypassGovernanceRetention',
    's3:InitiateReplication',
    's3:PauseReplication',
    's3:TagResource',
    's3:UntagResource',
    's3:ObjectOwnerOverrideToBucketOwner',
  ])('treats %s as a write that must stay in this account', (action) => {
    expect(identityPolicyViolations(mutated(addToRole('RepairRole', { Effect: 'Allow', Action: action, Resource: ALL_BUCKETS })))).toEqual([
      expect.stringContaining(`${action} can change buckets of other accounts`),
    ]);
  });

  it.each<[string, (template: Template) => void]>([
    [
      "s3:Get* (a read-only wildcard) on this account's buckets",
      addToRole('ReadRole', { Effect: 'Allow', Action: 's3:Get*', Resource: ALL_BUCKETS, Condition: THIS_ACCOUNT }),
    ],
    [
      'PutBucketPolicy on named buckets, without the account condition',
      (t) => {
        const statement = statementOfRole(t, 'RepairRole', 'WriteAllowedBucketPolicies');
        statement.Resource = [{ 'Fn::Sub': 'arn:${AWS::Partition}:s3:::crl-one' }, { 'Fn::Sub': 'arn:${AWS::Partition}:s3:::crl-two' }];
        delete statement.Condition;
      },
    ],
    [
      'DynamoDB on an index of the history table',
      addToRole('ReadRole', { Effect: 'Allow', Action: 'dynamodb:Query', Resource: { 'Fn::Sub': '${HistoryTable.Arn}/index/*' } }),
    ],
    [
      'DynamoDB on the history table by name',
      addToRole('ReadRole', {
        Effect: 'Allow',
        Action: 'dynamodb:GetItem',
        Resource: { 'Fn::Sub': 'arn:${AWS::Partition}:dynamodb:${AWS::Region}:${AWS::AccountId}:table/${HistoryTable}' },
      }),
    ],
    [
      "StartExecution on the stack's state machine by Fn::GetAtt",
      addToRole('RecordRole', { Effect: 'Allow', Action: 'states:StartExecution', Resource: { 'Fn::GetAtt': ['RemediationStateMachine', 'Arn'] } }),
    ],
    ['ListCertificateAuthorities on Resource "*"', addToRole('ReadRole', { Effect: 'Allow', Action: 'acm-pca:ListCertificateAuthorities', Resource: '*' })],
    ['a Deny with s3:*', addToRole('ReadRole', { Effect: 'Deny', Action: 's3:*', Resource: '*', Condition: { Bool: { 'aws:SecureTransport': false } } })],
    [
      'DynamoDB on the history table given as a list',
      (t) => {
        statementOfRole(t, 'RecordRole', 'CompleteEventHistory').Resource = [HISTORY_TABLE];
      },
    ],
  ])('accepts %s', (_name, change) => {
    expect(violations(mutated(change))).toEqual([]);
  });
});

describe('@aws/cloudformation-validate on the packaged template', () => {
  /**
   * The warnings accepted, all from what osls and serverless-step-functions generate, not
   * from this project's configuration; docs/deploy.md lists them with the same reasons
   * ("Template validation"). Any other warning fails the test: this version of the
   * validator reports some real mistakes only as warnings (an unknown Lambda Runtime is
   * W3030), so ignoring warnings wholesale would hide them.
   */
  const ACCEPTED_WARNINGS: Array<{ ruleId: string; matches: (diagnostic: StandardDiagnostic) => boolean; reason: string }> = [
    {
      ruleId: 'W3005',
      matches: (d) => ['AWS::Lambda::Function', 'AWS::StepFunctions::StateMachine'].includes(d.entity?.resourceType ?? ''),
      reason:
        "osls adds DependsOn on a function's role, serverless-step-functions on the state machine's role, beside the GetAtt that already orders them: redundant and harmless",
    },
    {
      ruleId: 'W3011',
      matches: (d) => d.entity?.resourceType === 'AWS::Lambda::Version',
      reason:
        'osls retains old function versions (DeletionPolicy: Retain); a version is immutable and a code change creates a new logical id, so there is no replacement for UpdateReplacePolicy to guard',
    },
  ];

  let engine: Engine;
  beforeAll(() => {
    engine = new RegoEngine();
  });
  afterAll(() => engine?.free());

  const describeDiagnostic = (d: StandardDiagnostic) =>
    `${d.severity} ${d.ruleId} ${d.entity?.logicalId ?? '-'}${d.propertyPath ? ` ${d.propertyPath}` : ''}: ${d.message}`;
  const isError = (d: StandardDiagnostic) => d.severity === 'ERROR' || d.severity === 'FATAL';
  const isAccepted = (d: StandardDiagnostic) => !isError(d) && ACCEPTED_WARNINGS.some((known) => known.ruleId === d.ruleId && known.matches(d));
  const isUnexpected = (d: StandardDiagnostic) => !isAccepted(d);
  const validate = (path: string) => engine.validateStandard(new TemplateFile(path), { severityLevel: 'WARN' });
  const validateChanged = (change: (template: Template) => void) => {
    const path = join(packaged.directory, 'broken-template.json');
    writeFileSync(path, JSON.stringify(mutated(change)));
    return validate(path);
  };

  it('finds no error and no warning beyond the accepted ones', () => {
    const report = validate(join(packaged.directory, 'cloudformation-template-update-stack.json'));
    expect(report.status).toBe('OK');
    expect(report.diagnostics.filter(isError).map(describeDiagnostic)).toEqual([]);
    expect(report.diagnostics.filter(isUnexpected).map(describeDiagnostic)).toEqual([]);
  });

  it("still meets every accepted warning, so the list (and docs/deploy.md's) names none that is gone", () => {
    const report = validate(join(packaged.directory, 'cloudformation-template-update-stack.json'));
    for (const known of ACCEPTED_WARNINGS)
      expect(
        report.diagnostics.some((d) => d.ruleId === known.ruleId && known.matches(d)),
        known.ruleId,
      ).toBe(true);
  });

  it('finds no error and no warning beyond the accepted ones with notificationEmail set: the subscription has no condition', () => {
    const withEmail = packageService({ notificationEmail: 'pki-oncall@example.com' });
    expect(withEmail.template.Resources.NotificationEmailSubscription).toBeDefined();
    const report = validate(join(withEmail.directory, 'cloudformation-template-update-stack.json'));
    expect(report.diagnostics.filter(isUnexpected).map(describeDiagnostic)).toEqual([]);
  });

  it('lists in docs/deploy.md exactly the accepted warnings, each with its reason', () => {
    const page = readFileSync(join(ROOT, 'docs', 'deploy.md'), 'utf8');
    const section = /^## Template validation\n([\s\S]*?)(?=^## )/m.exec(page)?.[1];
    expect(section, 'docs/deploy.md section "## Template validation"').toBeDefined();
    const listed = [...section!.matchAll(/^\| `(W\d{4})` \|/gm)].map((match) => match[1]);
    expect(listed).toEqual(ACCEPTED_WARNINGS.map((known) => known.ruleId));
  });

  it('would report a constant condition (W8003), as it did for the old HasNotificationEmail', () => {
    const report = validateChanged((t) => {
      (t as Template & { Conditions?: unknown }).Conditions = { HasNotificationEmail: { 'Fn::Not': [{ 'Fn::Equals': ['', ''] }] } };
      resourceOf(t, 'NotificationTopic').Condition = 'HasNotificationEmail';
    });
    expect(report.diagnostics.filter(isUnexpected).map(describeDiagnostic)).toContainEqual(expect.stringMatching(/^WARN W8003 HasNotificationEmail/));
  });

  it.each<[string, (template: Template) => void, RegExp]>([
    [
      'a table without its required KeySchema',
      (t) => void delete resourceOf(t, 'HistoryTable').Properties.KeySchema,
      /^FATAL F3003 HistoryTable Properties: 'KeySchema' is a required property/,
    ],
    [
      'a queue setting of the wrong type',
      (t) => {
        resourceOf(t, 'DeadLetterQueue').Properties.SqsManagedSseEnabled = 'maybe';
      },
      /^FATAL F3012 DeadLetterQueue Properties.SqsManagedSseEnabled: 'maybe' is not of type 'boolean'/,
    ],
    [
      'a reference to a resource that does not exist',
      addToRole('ReadRole', { Effect: 'Allow', Action: 's3:GetObject', Resource: { 'Fn::GetAtt': ['NoSuchBucket', 'Arn'] } }),
      /^FATAL F1020 ReadRole: Fn::GetAtt references non-existent resource 'NoSuchBucket'/,
    ],
    [
      'a Lambda function with an unknown Runtime (a warning in this version)',
      (t) => {
        resourceOf(t, 'ClassifyEventLambdaFunction').Properties.Runtime = 'nodejs99.x';
      },
      /^WARN W3030 ClassifyEventLambdaFunction Properties.Runtime: 'nodejs99.x' is not one of/,
    ],
  ])('fails on %s', (_name, change, finding) => {
    const report = validateChanged(change);
    expect(report.diagnostics.filter(isUnexpected).map(describeDiagnostic)).toContainEqual(expect.stringMatching(finding));
  });
});

describe('the approver policy in docs/approval.md', () => {
  it('is the one deploy/approver-policy.cjs renders, so the page and the test say the same', () => {
    const { approverPolicyDocument } = createRequire(import.meta.url)('../../deploy/approver-policy.cjs') as { approverPolicyDocument: () => unknown };
    const page = readFileSync(join(ROOT, 'docs/approval.md'), 'utf8');
    const block = /## The approver's least-privilege policy[\s\S]*?```json\n([\s\S]*?)\n```/.exec(page)?.[1];
    expect(block).toBeDefined();
    expect(JSON.parse(block!)).toEqual(approverPolicyDocument());
  });
});
