/**
 * `sls package` runs offline here, and the template it builds is checked: the
 * trigger, the dead-letter queue, alarms, logging, tracing, and least privilege.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { beforeAll, describe, expect, it } from 'vitest';
import { stateMachineConsoleUrl } from '../../src/workstation/executions/console';
import { OUTPUTS } from '../../src/workstation/executions/remote';
import { DEFAULT_LEASE_SECONDS } from '../../src/lambda/runtime/config';
import { matchesPattern, packageService, resourcesOfType, ROOT, type Packaged, type Template } from './package';

const { TASK_TIMEOUT_MARGIN_SECONDS } = createRequire(import.meta.url)('../../deploy/limits.cjs') as { TASK_TIMEOUT_MARGIN_SECONDS: number };

const sample = (path: string) => JSON.parse(readFileSync(`${ROOT}events/${path}`, 'utf8')) as Record<string, unknown>;
const published = readdirSync(`${ROOT}events/published`);
const failures = [
  ...published.filter((file) => file.includes('failure')).map((file) => `published/${file}`),
  ...readdirSync(`${ROOT}events`).filter((file) => file.endsWith('.json')),
];
const successes = published.filter((file) => file.includes('success')).map((file) => `published/${file}`);

type Statement = { Effect: string; Action: string | string[]; Resource: unknown; Condition?: Record<string, unknown> };
const actionsOf = (statement: Statement) => (Array.isArray(statement.Action) ? statement.Action : [statement.Action]);

let packaged: Packaged;
beforeAll(() => {
  packaged = packageService();
});

/**
 * Every Task state of the packaged definition, with the Lambda function its Resource (or,
 * for the callback pattern, its Parameters.FunctionName) resolves to (none for a service integration).
 */
function taskStates(template: Template) {
  const [, machine] = resourcesOfType(template, 'AWS::StepFunctions::StateMachine')[0]!;
  const [text, references] = machine.Properties.DefinitionString['Fn::Sub'] as [string, Record<string, { 'Fn::GetAtt'?: [string, string] }>];
  const definition = JSON.parse(text) as {
    States: Record<string, { Type: string; Resource?: string; TimeoutSeconds?: number; Parameters?: { FunctionName?: string } }>;
  };
  return Object.entries(definition.States)
    .filter(([, state]) => state.Type === 'Task')
    .map(([name, state]) => {
      const invoked = state.Resource === 'arn:aws:states:::lambda:invoke.waitForTaskToken' ? state.Parameters?.FunctionName : state.Resource;
      const placeholder = /^\$\{(\w+)\}$/.exec(invoked ?? '')?.[1];
      const logicalId = placeholder ? references[placeholder]?.['Fn::GetAtt']?.[0] : undefined;
      const fn = logicalId ? template.Resources[logicalId] : undefined;
      return { name, state, logicalId, fn };
    });
}

function roleStatements(): Array<[string, Statement]> {
  return resourcesOfType(packaged.template, 'AWS::IAM::Role').flatMap(([name, role]) =>
    (role.Properties.Policies as Array<{ PolicyDocument: { Statement: Statement[] } }>).flatMap((policy) =>
      policy.PolicyDocument.Statement.map((statement) => [name, statement] as [string, Statement]),
    ),
  );
}

describe('the packaged service', () => {
  it('builds one bundle per function', () => {
    expect(packaged.artifacts.sort()).toEqual(
      [
        'checkAuditReport',
        'checkCrlRepublished',
        'classifyEvent',
        'diagnoseCaCreation',
        'diagnoseCertificateIssuance',
        'inspectBucket',
        'recordOutcome',
        'repairBucket',
        'requestApproval',
        'requestAuditReport',
      ].map((name) => `${name}.zip`),
    );
  });

  it('deploys nothing of the scheduled sweep without the sweepSchedule parameter (test/deploy/sweep.test.ts packages it)', () => {
    expect(JSON.stringify(packaged.template).toLowerCase()).not.toContain('sweep');
  });

  it('has the roles docs/deploy.md lists: the two generated ones named in the text, the function roles in its table', () => {
    const page = readFileSync(`${ROOT}docs/deploy.md`, 'utf8');
    const section = /^## What gets deployed\n([\s\S]*?)(?=^## )/m.exec(page)?.[1] ?? '';
    const tabled = [...section.matchAll(/^\| `(\w+Role)` \|/gm)].map((match) => match[1]);
    const roles = resourcesOfType(packaged.template, 'AWS::IAM::Role').map(([logicalId]) => logicalId);
    const generated = roles.filter((role) => !tabled.includes(role));
    expect(tabled.length, 'the role table of docs/deploy.md').toBeGreaterThan(0);
    expect(roles).toEqual(expect.arrayContaining(tabled));
    for (const role of generated) expect(section, `docs/deploy.md names ${role}`).toContain(`\`${role}\``);
    const count = ['no', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten'][roles.length];
    expect(section).toContain(`${count} IAM roles`);
    expect(section).toContain(`${['no', 'one', 'two', 'three', 'four', 'five', 'six', 'seven'][tabled.length]} for the functions`);
    const functions = resourcesOfType(packaged.template, 'AWS::Lambda::Function').length;
    expect(section).toContain(`${['No', 'One', 'Two', 'Three', 'Four', 'Five', 'Six', 'Seven', 'Eight', 'Nine', 'Ten'][functions]} Lambda functions`);
  });

  it("gives a bucket lease twice the repair function's timeout, so no invocation outlives its lease (src/lambda/aws/history/lease.ts)", () => {
    const [, repair] = resourcesOfType(packaged.template, 'AWS::Lambda::Function').find(([logicalId]) => logicalId === 'RepairBucketLambdaFunction')!;
    const environment = (repair.Properties.Environment as { Variables: Record<string, unknown> }).Variables;
    expect(repair.Properties.Timeout).toBeGreaterThan(0);
    expect(environment.BUCKET_LEASE_SECONDS ?? DEFAULT_LEASE_SECONDS).toBe(2 * (repair.Properties.Timeout as number));
  });

  it('runs every function on nodejs24.x, arm64, with X-Ray tracing and its own role', () => {
    const functions = resourcesOfType(packaged.template, 'AWS::Lambda::Function');
    expect(functions).toHaveLength(10);
    for (const [, fn] of functions) {
      expect(fn.Properties).toMatchObject({ Runtime: 'nodejs24.x', Architectures: ['arm64'], TracingConfig: { Mode: 'Active' } });
      expect(fn.Properties.Role).toMatchObject({ 'Fn::GetAtt': [expect.stringMatching(/^(Classify|Read|Repair|Audit|Record|Approval)Role$/), 'Arn'] });
    }
  });

  it(`gives every Lambda Task a TimeoutSeconds of at least its function's timeout + ${TASK_TIMEOUT_MARGIN_SECONDS} s (deploy/limits.cjs)`, () => {
    const tasks = taskStates(packaged.template);
    // Every Task invokes one of the packaged functions, except ClaimEvent (DynamoDB).
    expect(tasks.filter((task) => !task.fn).map((task) => [task.name, task.state.Resource])).toEqual([['ClaimEvent', 'arn:aws:states:::dynamodb:putItem']]);
    const lambdaTasks = tasks.filter((task) => task.fn);
    // 13, and in mode approve's branches AskToApprove* (requestApproval) and Reinspect* (inspectBucket), two each.
    expect(lambdaTasks).toHaveLength(17);
    for (const { name, state, logicalId, fn } of lambdaTasks) {
      expect(fn!.Type, `${name} -> ${logicalId}`).toBe('AWS::Lambda::Function');
      expect(fn!.Properties.Timeout, `${logicalId}'s Timeout`).toBeGreaterThan(0);
      expect(state.TimeoutSeconds, `${name} (${fn!.Properties.FunctionName}, timeout ${fn!.Properties.Timeout} s)`).toBeGreaterThanOrEqual(
        fn!.Properties.Timeout + TASK_TIMEOUT_MARGIN_SECONDS,
      );
    }
  });

  it("keeps a timeout margin that covers at least the 10 s Init phase Lambda leaves out of a function's timeout", () => {
    expect(TASK_TIMEOUT_MARGIN_SECONDS).toBeGreaterThanOrEqual(10);
  });

  describe('the EventBridge rule', () => {
    const rule = () => resourcesOfType(packaged.template, 'AWS::Events::Rule')[0]![1];

    it.each(failures)('accepts the failure sample %s', (file) => {
      expect(matchesPattern(rule().Properties.EventPattern, sample(file))).toBe(true);
    });

    it.each(successes)('ignores the success sample %s', (file) => {
      expect(matchesPattern(rule().Properties.EventPattern, sample(file))).toBe(false);
    });

    it('retries delivery and sends what it cannot deliver to the dead-letter queue', () => {
      const [target] = rule().Properties.Targets;
      expect(target.RetryPolicy).toEqual({ MaximumEventAgeInSeconds: 86400, MaximumRetryAttempts: 185 });
      expect(target.DeadLetterConfig).toEqual({ Arn: { 'Fn::GetAtt': ['DeadLetterQueue', 'Arn'] } });
    });

    it('lets exactly this rule write to the dead-letter queue', () => {
      const policy = packaged.template.Resources.DeadLetterQueuePolicy!.Properties.PolicyDocument.Statement[0];
      expect(policy).toMatchObject({ Effect: 'Allow', Principal: { Service: 'events.amazonaws.com' }, Action: 'sqs:SendMessage' });
      expect(policy.Condition.ArnEquals['aws:SourceArn']['Fn::Sub']).toMatch(new RegExp(`rule/${rule().Properties.Name}$`));
    });
  });

  it('alarms on failed, timed-out, aborted and throttled executions and on dead letters, to the notification topic', () => {
    const alarms = resourcesOfType(packaged.template, 'AWS::CloudWatch::Alarm').map(([, alarm]) => alarm.Properties);
    expect(alarms.map((alarm) => alarm.MetricName).sort()).toEqual([
      'ApproximateNumberOfMessagesVisible',
      'ExecutionThrottled',
      'ExecutionsAborted',
      'ExecutionsFailed',
      'ExecutionsTimedOut',
    ]);
    for (const alarm of alarms) expect(alarm.AlarmActions).toEqual([{ Ref: 'NotificationTopic' }]);
  });

  it('logs every execution, with its data, to a log group with retention, and traces it', () => {
    const [, machine] = resourcesOfType(packaged.template, 'AWS::StepFunctions::StateMachine')[0]!;
    expect(machine.Properties.StateMachineType ?? 'STANDARD').toBe('STANDARD');
    expect(machine.Properties.LoggingConfiguration).toEqual({
      Level: 'ALL',
      IncludeExecutionData: true,
      Destinations: [{ CloudWatchLogsLogGroup: { LogGroupArn: { 'Fn::GetAtt': ['StateMachineLogGroup', 'Arn'] } } }],
    });
    expect(machine.Properties.TracingConfiguration).toEqual({ Enabled: true });
    expect(packaged.template.Resources.StateMachineLogGroup!.Properties.RetentionInDays).toBe(90);
  });

  it('subscribes no email without notificationEmail, and has no condition at all', () => {
    expect(resourcesOfType(packaged.template, 'AWS::SNS::Subscription')).toEqual([]);
    expect((packaged.template as unknown as { Conditions?: unknown }).Conditions).toBeUndefined();
    expect(Object.values(packaged.template.Resources).filter((resource) => resource.Condition)).toEqual([]);
  });

  it('subscribes the notificationEmail to the notification topic, unconditionally, when it is set', () => {
    const { template } = packageService({ notificationEmail: 'pki-oncall@example.com' });
    expect(resourcesOfType(template, 'AWS::SNS::Subscription')).toEqual([
      [
        'NotificationEmailSubscription',
        { Type: 'AWS::SNS::Subscription', Properties: { TopicArn: { Ref: 'NotificationTopic' }, Protocol: 'email', Endpoint: 'pki-oncall@example.com' } },
      ],
    ]);
    expect((template as unknown as { Conditions?: unknown }).Conditions).toBeUndefined();
  });

  it('encrypts the notification topic with a key alarms can use, and the dead-letter queue', () => {
    expect(packaged.template.Resources.NotificationTopic!.Properties.KmsMasterKeyId).toEqual({ Ref: 'NotificationKey' });
    expect(packaged.template.Resources.DeadLetterQueue!.Properties.SqsManagedSseEnabled).toBe(true);
  });

  it('grants no wildcard action in any role', () => {
    const wildcards = roleStatements().filter(([, statement]) => actionsOf(statement).some((action) => action.includes('*')));
    expect(wildcards).toEqual([]);
  });

  it('limits Private CA actions to the CAs of this account and region', () => {
    for (const [, statement] of roleStatements().filter(([, s]) => actionsOf(s).some((action) => action.startsWith('acm-pca:')))) {
      expect(statement.Resource).toEqual({ 'Fn::Sub': 'arn:${AWS::Partition}:acm-pca:${AWS::Region}:${AWS::AccountId}:certificate-authority/*' });
    }
  });

  it('limits every S3 action to buckets this account owns', () => {
    const s3 = roleStatements().filter(([, s]) => actionsOf(s).some((action) => action.startsWith('s3:')));
    expect(s3.length).toBeGreaterThan(0);
    for (const [, statement] of s3) {
      expect(statement.Condition).toEqual({ StringEquals: { 's3:ResourceAccount': { Ref: 'AWS::AccountId' } } });
    }
  });

  it('gives PutBucketPolicy and UpdateCertificateAuthority only to the repair role', () => {
    const mutating = roleStatements().filter(([, s]) =>
      actionsOf(s).some((action) => ['s3:PutBucketPolicy', 'acm-pca:UpdateCertificateAuthority'].includes(action)),
    );
    expect(new Set(mutating.map(([role]) => role))).toEqual(new Set(['RepairRole']));
  });

  it('passes the deployment parameters to the handlers', () => {
    const [, inspect] = resourcesOfType(packaged.template, 'AWS::Lambda::Function').find(([name]) => name === 'InspectBucketLambdaFunction')!;
    expect(inspect.Properties.Environment.Variables).toMatchObject({
      MODE: 'apply',
      ALLOWED_BUCKETS: '',
      ALLOW_CA_UPDATES: 'true',
      CRL_RECOVERY_WINDOW_MINUTES: '75',
    });
  });

  it.each([
    ['mode', 'fix-everything', /mode must be "apply", "dry-run" or "approve", not "fix-everything"/],
    ['approvalTimeoutHours', '0', /approvalTimeoutHours must be a whole number of hours from 1 to 8760/],
    [
      'approvalTimeoutHours',
      '8761',
      /approvalTimeoutHours must be a whole number of hours from 1 to 8760 \(Step Functions waits at most a year for a task\), not "8761"/,
    ],
    ['approvalTimeoutHours', '1.5', /approvalTimeoutHours must be a whole number of hours/],
    ['allowCaUpdates', 'yes', /allowCaUpdates must be "true" or "false"/],
    ['allowedBuckets', 'Not_A_Bucket', /allowedBuckets: "Not_A_Bucket" is not a valid S3 bucket name/],
    ['crlRecoveryWindowMinutes', '-5', /crlRecoveryWindowMinutes must be a positive whole number/],
    ['sweepSchedule', 'rate(6 hour)', /sweepSchedule must be empty \(no sweep\), .*: write "rate\(6 hours\)"/],
    ['notificationEmail', 'pki-oncall', /notificationEmail must be empty \(no subscription\) or an email address, not "pki-oncall"/],
  ])('refuses to package with %s=%s, naming the parameter', (name, value, message) => {
    expect(() => packageService({ [name]: value })).toThrow(message);
  });

  it('scopes PutBucketPolicy to the allowedBuckets parameter, and takes mode=dry-run', () => {
    const scoped = packageService({ allowedBuckets: 'crl-one,crl-two', mode: 'dry-run' }).template;
    const statement = (scoped.Resources.RepairRole!.Properties.Policies[0].PolicyDocument.Statement as Statement[]).find((s) =>
      actionsOf(s).includes('s3:PutBucketPolicy'),
    )!;
    expect(statement.Resource).toEqual([{ 'Fn::Sub': 'arn:${AWS::Partition}:s3:::crl-one' }, { 'Fn::Sub': 'arn:${AWS::Partition}:s3:::crl-two' }]);
    expect(scoped.Resources.InspectBucketLambdaFunction!.Properties.Environment.Variables.MODE).toBe('dry-run');
  });

  it('packages mode=approve: the waiting Tasks invoke requestApproval with the callback pattern and time out after approvalTimeoutHours; the state machine may invoke it; its role records and publishes only', () => {
    const approving = packageService({ mode: 'approve', approvalTimeoutHours: '48' }).template;
    const waiting = taskStates(approving).filter((task) => task.state.Resource === 'arn:aws:states:::lambda:invoke.waitForTaskToken');
    expect(waiting.map((task) => [task.name, task.logicalId, task.state.TimeoutSeconds])).toEqual([
      ['AskToApproveCrlRepair', 'RequestApprovalLambdaFunction', 48 * 3600],
      ['AskToApproveAuditRepair', 'RequestApprovalLambdaFunction', 48 * 3600],
    ]);
    expect(approving.Resources.RequestApprovalLambdaFunction!.Properties.Environment.Variables).toMatchObject({
      MODE: 'approve',
      APPROVAL_TIMEOUT_HOURS: '48',
      STAGE: 'test',
    });
    const machineRole = JSON.stringify(approving.Resources.RemediationStateMachineRole!.Properties.Policies);
    expect(machineRole).toContain('"Fn::GetAtt":["RequestApprovalLambdaFunction","Arn"]');
    const approval = (approving.Resources.ApprovalRole!.Properties.Policies[0].PolicyDocument.Statement as Array<Statement & { Sid: string }>).map(
      (statement) => [statement.Sid, actionsOf(statement)],
    );
    expect(approval).toEqual([
      ['WriteOwnLogs', ['logs:CreateLogStream', 'logs:PutLogEvents']],
      ['WriteTraces', ['xray:PutTraceSegments', 'xray:PutTelemetryRecords']],
      ['RecordApprovalRequests', ['dynamodb:UpdateItem']],
      ['PublishApprovalRequests', ['sns:Publish']],
      ['EncryptForTopic', ['kms:GenerateDataKey', 'kms:Decrypt']],
    ]);
    // No function role may answer a request: only the approver sends the task result.
    expect(JSON.stringify(approving.Resources)).not.toMatch(/states:SendTask/);
  });

  it('outputs what `npx sls info --verbose` and the CLI tools read: state machine ARN, console link, topic, dead-letter queue', () => {
    const outputs = packaged.template.Outputs as Record<string, { Value: unknown }>;
    expect(outputs.RemediationStateMachineArn!.Value).toEqual({ Ref: 'RemediationStateMachine' });
    expect(outputs.NotificationTopicArn!.Value).toEqual({ Ref: 'NotificationTopic' });
    expect(outputs.DeadLetterQueueUrl!.Value).toEqual({ Ref: 'DeadLetterQueue' });
    for (const key of Object.values(OUTPUTS)) expect(outputs).toHaveProperty(key);
    // The console link resolves, in each partition, to the URL the CLI tools build.
    const [format, variables] = (
      outputs.StateMachineConsoleUrl!.Value as { 'Fn::Sub': [string, { Host: { 'Fn::FindInMap': [string, { Ref: string }, string] } }] }
    )['Fn::Sub'];
    const mapping = (packaged.template as unknown as { Mappings: Record<string, Record<string, Record<string, string>>> }).Mappings;
    const [map, , key] = variables.Host['Fn::FindInMap'];
    for (const [partition, region] of [
      ['aws', 'eu-west-1'],
      ['aws-cn', 'cn-north-1'],
      ['aws-us-gov', 'us-gov-west-1'],
    ] as const) {
      const arn = `arn:${partition}:states:${region}:111122223333:stateMachine:pca-remediation-test`;
      const resolved = format.replace('${Host}', mapping[map]![partition]![key]!).replace('${AWS::Region}', region).replace('${RemediationStateMachine}', arn);
      expect(resolved).toBe(stateMachineConsoleUrl(arn));
    }
  });
});
