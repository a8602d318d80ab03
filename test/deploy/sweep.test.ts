/**
 * The optional scheduled sweep in the packaged template: with `sweepSchedule` set, one
 * function, its least-privilege role, an EventBridge schedule rule and the permission
 * to invoke it (one `sls package`, offline); without it, nothing (template.test.ts).
 * The parameter's check runs at package time; it is tested here without packaging.
 */
import { createRequire } from 'node:module';
import { beforeAll, describe, expect, it } from 'vitest';
import { violations } from './least-privilege';
import { packageService, resourcesOfType, type Packaged } from './package';

const require = createRequire(import.meta.url);
const iamRoles = require('../../deploy/iam-roles.cjs') as ((context: {
  resolveVariable: (name: string) => Promise<unknown>;
}) => Promise<{ Resources: Record<string, unknown> }>) & {
  parseSweepSchedule: (value: unknown) => string;
};
const sweepFunctions = (
  require('../../deploy/sweep.cjs') as { functions: (context: { resolveVariable: (name: string) => Promise<unknown> }) => Promise<Record<string, unknown>> }
).functions;

const DEFAULT_PARAMS: Record<string, string> = {
  mode: 'apply',
  allowedBuckets: '',
  allowCaUpdates: 'true',
  crlRecoveryWindowMinutes: '75',
  historyRetentionDays: '365',
  sweepSchedule: '',
};
/** Parameters, the stage and the service name; the rest of the configuration (self:functions, ...) is absent. */
const resolver = (params: Record<string, string>) => ({
  resolveVariable: async (name: string) =>
    (({ 'sls:stage': 'test', 'self:service': 'pca-remediation' }) as Record<string, string>)[name] ??
    { ...DEFAULT_PARAMS, ...params }[name.replace(/^param:/, '')],
});

describe('the sweepSchedule parameter', () => {
  it.each([
    '',
    '  ',
    'rate(1 minute)',
    'rate(5 minutes)',
    'rate(1 hour)',
    'rate(6 hours)',
    'rate(1 day)',
    'rate(12 days)',
    'cron(0 3 * * ? *)',
    'cron(15 10 ? * MON-FRI *)',
  ])('accepts "%s"', (value) => {
    expect(iamRoles.parseSweepSchedule(value)).toBe(value.trim());
  });

  it.each([
    ['rate(1 hours)', /write "rate\(1 hour\)"/],
    ['rate(6 hour)', /write "rate\(6 hours\)"/],
    ['rate(0 hours)', /not "rate\(0 hours\)"$/],
    ['rate(06 hours)', /not "rate\(06 hours\)"$/],
    ['rate(-1 days)', /not "rate\(-1 days\)"$/],
    ['rate(2 weeks)', /not "rate\(2 weeks\)"$/],
    ['rate(6hours)', /not "rate\(6hours\)"$/],
    ['every 6 hours', /not "every 6 hours"$/],
    ['cron(0 3 * * *)', /not "cron\(0 3 \* \* \*\)"$/],
    ['cron(0 3 * * * *)', /exactly one of day-of-month \(3rd field\) and day-of-week \(5th\) must be "\?"/],
    ['cron(0 3 ? * ? *)', /exactly one of day-of-month/],
  ])('refuses "%s", naming the parameter', (value, message) => {
    expect(() => iamRoles.parseSweepSchedule(value)).toThrow(
      /^sweepSchedule must be empty \(no sweep\), "rate\(<n> minutes\|hours\|days\)" or "cron\(<6 fields>\)"/,
    );
    expect(() => iamRoles.parseSweepSchedule(value)).toThrow(message);
  });

  it('is checked with the other parameters when the roles are built, before anything is packaged', async () => {
    await expect(iamRoles(resolver({ sweepSchedule: 'rate(6 hour)' }))).rejects.toThrow(/^sweepSchedule must be/);
  });

  it('adds no function and no role when empty, the default', async () => {
    await expect(sweepFunctions(resolver({}))).resolves.toEqual({});
    expect(Object.keys((await iamRoles(resolver({}))).Resources)).not.toContain('SweepRole');
  });
});

describe('the packaged service with sweepSchedule=rate(6 hours)', () => {
  let packaged: Packaged;
  beforeAll(() => {
    packaged = packageService({ sweepSchedule: 'rate(6 hours)' });
  });
  const resource = (id: string) => {
    const found = packaged.template.Resources[id];
    if (!found) throw new Error(`the packaged template has no ${id}`);
    return found;
  };

  it("adds exactly the sweep's function (bundled, with its log group and version), role, schedule rule and invoke permission", () => {
    expect(packaged.artifacts).toContain('sweep.zip');
    expect(packaged.artifacts).toHaveLength(11); // the ten of every deployment (template.test.ts) and the sweep's
    const sweepResources = Object.entries(packaged.template.Resources)
      .filter(([id]) => id.startsWith('Sweep'))
      .map(([id, { Type }]) => [id.replace(/^SweepLambdaVersion.*/, 'SweepLambdaVersion…'), Type]);
    expect(sweepResources.sort()).toEqual(
      [
        ['SweepEventsRuleSchedule1', 'AWS::Events::Rule'],
        ['SweepLambdaFunction', 'AWS::Lambda::Function'],
        ['SweepLambdaPermissionEventsRuleSchedule1', 'AWS::Lambda::Permission'],
        ['SweepLambdaVersion…', 'AWS::Lambda::Version'],
        ['SweepLogGroup', 'AWS::Logs::LogGroup'],
        ['SweepRole', 'AWS::IAM::Role'],
      ].sort(),
    );
    expect(resourcesOfType(packaged.template, 'AWS::Lambda::Function')).toHaveLength(11);
  });

  it("runs the sweep like the other functions, on its own role, with the state machine's ARN and the deployment's settings", () => {
    expect(resource('SweepLambdaFunction').Properties).toMatchObject({
      Handler: 'src/lambda/handlers/sweep.handler',
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      TracingConfig: { Mode: 'Active' },
      Timeout: 300,
      Role: { 'Fn::GetAtt': ['SweepRole', 'Arn'] },
      Environment: { Variables: { STATE_MACHINE_ARN: { Ref: 'RemediationStateMachine' }, MODE: 'apply', ALLOWED_BUCKETS: '', ALLOW_CA_UPDATES: 'true' } },
    });
    // Ref names the state machine serverless-step-functions builds (Ref of it is its ARN).
    expect(resource('RemediationStateMachine').Type).toBe('AWS::StepFunctions::StateMachine');
  });

  it('invokes the sweep on the schedule, and lets only that rule invoke it', () => {
    expect(resource('SweepEventsRuleSchedule1').Properties).toEqual({
      ScheduleExpression: 'rate(6 hours)',
      State: 'ENABLED',
      Name: 'pca-remediation-test-sweep',
      Description: 'Start the pca-remediation sweep of CRL buckets',
      Targets: [{ Arn: { 'Fn::GetAtt': ['SweepLambdaFunction', 'Arn'] }, Id: 'sweepSchedule' }],
    });
    expect(resource('SweepLambdaPermissionEventsRuleSchedule1').Properties).toEqual({
      FunctionName: { 'Fn::GetAtt': ['SweepLambdaFunction', 'Arn'] },
      Action: 'lambda:InvokeFunction',
      Principal: 'events.amazonaws.com',
      SourceArn: { 'Fn::GetAtt': ['SweepEventsRuleSchedule1', 'Arn'] },
    });
  });

  it("gives the sweep's role only what the sweep does: list and describe CAs, read bucket settings, start this state machine", () => {
    const statements = resource('SweepRole').Properties.Policies[0].PolicyDocument.Statement;
    expect(statements).toEqual([
      {
        Sid: 'WriteOwnLogs',
        Effect: 'Allow',
        Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        Resource: [{ 'Fn::Sub': 'arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:/aws/lambda/pca-remediation-test-sweep:*' }],
      },
      { Sid: 'WriteTraces', Effect: 'Allow', Action: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'], Resource: '*' },
      { Sid: 'ListCertificateAuthorities', Effect: 'Allow', Action: ['acm-pca:ListCertificateAuthorities'], Resource: '*' },
      {
        Sid: 'DescribeCertificateAuthorities',
        Effect: 'Allow',
        Action: ['acm-pca:DescribeCertificateAuthority'],
        Resource: { 'Fn::Sub': 'arn:${AWS::Partition}:acm-pca:${AWS::Region}:${AWS::AccountId}:certificate-authority/*' },
      },
      {
        Sid: 'ReadBucketSettings',
        Effect: 'Allow',
        Action: ['s3:GetBucketPolicy', 's3:GetBucketPublicAccessBlock', 's3:GetBucketOwnershipControls', 's3:GetEncryptionConfiguration'],
        Resource: { 'Fn::Sub': 'arn:${AWS::Partition}:s3:::*' },
        Condition: { StringEquals: { 's3:ResourceAccount': { Ref: 'AWS::AccountId' } } },
      },
      { Sid: 'StartRemediations', Effect: 'Allow', Action: ['states:StartExecution'], Resource: { Ref: 'RemediationStateMachine' } },
    ]);
  });

  it('still passes every least-privilege and encryption rule', () => {
    expect(violations(packaged.template)).toEqual([]);
  });
});
