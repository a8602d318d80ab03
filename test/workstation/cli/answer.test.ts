/**
 * npm run approve / npm run decline against mocked AWS clients (CloudFormation for the
 * stack's outputs, DynamoDB for the history item, STS for the caller, Step Functions for
 * the answer): what is sent, and every refusal, which sends nothing.
 */
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { SendTaskFailureCommand, SendTaskSuccessCommand, SFNClient, TaskTimedOut } from '@aws-sdk/client-sfn';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { answerCommand, type AnswerClients } from '../../../src/workstation/cli/answer';
import { marshalItem } from '../../../src/core/history-item';
import type { ClientStub } from '../../lambda/handlers/fixtures';

const EVENT_ID = '9f1c2e4a-0000-4000-8000-000000000001';
const TOKEN = 'AQCEAAAAKgAAAAMAAAAA-secret-task-token';
const APPROVER = 'arn:aws:sts::111122223333:assumed-role/SecurityReviewer/alice';
const EXECUTION = 'arn:aws:states:eu-west-1:111122223333:execution:pca-remediation-dev:run-1';
const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };
const clients: AnswerClients = {
  cloudFormation: new CloudFormationClient({ region: 'eu-west-1', credentials }),
  dynamoDb: new DynamoDBClient({ region: 'eu-west-1', credentials }),
  sfn: new SFNClient({ region: 'eu-west-1', credentials }),
  sts: new STSClient({ region: 'eu-west-1', credentials }),
};
// The clients' types do not match aws-sdk-client-mock's (other smithy generations): typed as the handler tests type them.
const cfn = mockClient(CloudFormationClient as never) as unknown as ClientStub;
const ddb = mockClient(DynamoDBClient as never) as unknown as ClientStub;
const sfn = mockClient(SFNClient as never) as unknown as ClientStub;
const sts = mockClient(STSClient as never) as unknown as ClientStub;

function item(overrides: Record<string, unknown> = {}, approval: Record<string, unknown> = {}) {
  return marshalItem({
    pk: `EVENT#${EVENT_ID}`,
    eventId: EVENT_ID,
    status: 'IN_PROGRESS',
    executionArn: EXECUTION,
    approval: {
      status: 'WAITING',
      round: 1,
      digest: 'ab'.repeat(32),
      askedAt: '2026-11-20T10:02:00.000Z',
      expiresAt: new Date(Date.now() + 3_600_000).toISOString(),
      plan: [
        { type: 'PutBucketPolicy', resource: 'arn:aws:s3:::pca-crl-111122223333', description: 'Add statement AllowAcmPcaWrite…', before: '{}', after: '{}' },
      ],
      taskToken: TOKEN,
      ...approval,
    },
    ...overrides,
  });
}

const answer = (command: 'approve' | 'decline', ...args: string[]) =>
  answerCommand(command, [EVENT_ID, '--region', 'eu-west-1', ...args], { clients: async () => clients });

beforeEach(() => {
  for (const mock of [cfn, ddb, sfn, sts]) mock.reset();
  cfn.on(DescribeStacksCommand).resolves({
    Stacks: [
      {
        StackName: 'pca-remediation-dev',
        StackStatus: 'UPDATE_COMPLETE',
        CreationTime: new Date(),
        Outputs: [
          { OutputKey: 'RemediationStateMachineArn', OutputValue: 'arn:aws:states:eu-west-1:111122223333:stateMachine:pca-remediation-dev' },
          { OutputKey: 'HistoryTableName', OutputValue: 'pca-remediation-dev-HistoryTable-X' },
        ],
      },
    ],
  });
  sts.on(GetCallerIdentityCommand).resolves({ Arn: APPROVER, Account: '111122223333', UserId: 'AROA:alice' });
  sfn.on(SendTaskSuccessCommand).resolves({});
  sfn.on(SendTaskFailureCommand).resolves({});
});

describe('npm run approve', () => {
  it('reads the question from the history table, names the caller, and sends SendTaskSuccess with the stored token and the answer; the token is not printed', async () => {
    ddb.on(GetItemCommand).resolves({ Item: item() });
    const run = await answer('approve', '--reason', 'reviewed the diff');
    expect(run.code).toBe(0);
    expect(ddb.commandCalls(GetItemCommand)[0]!.args[0].input).toMatchObject({
      TableName: 'pca-remediation-dev-HistoryTable-X',
      Key: { pk: { S: `EVENT#${EVENT_ID}` } },
      ConsistentRead: true,
    });
    const sent = sfn.commandCalls(SendTaskSuccessCommand);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.args[0].input.taskToken).toBe(TOKEN);
    expect(JSON.parse(sent[0]!.args[0].input.output!)).toMatchObject({
      decision: 'approved',
      approver: APPROVER,
      reason: 'reviewed the diff',
      digest: 'ab'.repeat(32),
      round: 1,
    });
    expect(sfn.commandCalls(SendTaskFailureCommand)).toHaveLength(0);
    expect(run.stdout).toContain(`approved event ${EVENT_ID} (question 1, digest abababababab) as ${APPROVER}`);
    expect(run.stdout).not.toContain(TOKEN);
  });

  it.each([
    ['an unknown event', undefined, /^no event 9f1c2e4a-.* in the history table/],
    [
      'an event whose remediation ended',
      item({ status: 'REMEDIATED' }, { status: 'APPROVED', approver: APPROVER }),
      /is not waiting for approval: its remediation ended REMEDIATED \(answered by arn:aws:sts/,
    ],
    [
      'an event that asked nothing',
      marshalItem({ pk: `EVENT#${EVENT_ID}`, status: 'IN_PROGRESS', executionArn: EXECUTION }),
      /is not waiting for approval \(its execution .* is still running, and has asked nothing\)/,
    ],
    ['an expired request', item({}, { expiresAt: '2026-11-21T10:02:00.000Z' }), /expired at 2026-11-21T10:02:00.000Z; nothing was sent/],
  ])('%s: one line, nothing sent', async (_what, stored, message) => {
    ddb.on(GetItemCommand).resolves(stored ? { Item: stored } : {});
    const error = await answer('approve').then(
      () => null,
      (failure: Error) => failure,
    );
    expect(error?.name).toBe('RemoteError');
    expect(error?.message).toMatch(message);
    expect(sfn.calls()).toHaveLength(0);
  });

  it('a request answered already (Step Functions: TaskTimedOut): one line naming it, nothing changed', async () => {
    ddb.on(GetItemCommand).resolves({ Item: item() });
    sfn.on(SendTaskSuccessCommand).rejects(new TaskTimedOut({ message: 'Task Timed Out', $metadata: {} }));
    const error = await answer('approve').then(
      () => null,
      (failure: Error) => failure,
    );
    expect(error?.name).toBe('RemoteError');
    expect(error?.message).toMatch(/expired or was already answered \(TaskTimedOut\); nothing changed for event/);
    expect(error?.message).not.toContain(TOKEN);
  });
});

describe('npm run decline', () => {
  it('sends SendTaskFailure ApprovalDeclined with who and why as the cause', async () => {
    ddb.on(GetItemCommand).resolves({ Item: item() });
    const run = await answer('decline', '--reason', 'change freeze');
    expect(run.code).toBe(0);
    const sent = sfn.commandCalls(SendTaskFailureCommand);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.args[0].input).toMatchObject({ taskToken: TOKEN, error: 'ApprovalDeclined' });
    expect(JSON.parse(sent[0]!.args[0].input.cause!)).toMatchObject({ decision: 'declined', approver: APPROVER, reason: 'change freeze' });
    expect(sfn.commandCalls(SendTaskSuccessCommand)).toHaveLength(0);
  });

  it('without --reason: a usage error before any AWS call', async () => {
    const error = await answer('decline').then(
      () => null,
      (failure: Error) => failure,
    );
    expect(error?.name).toBe('UsageError');
    expect(cfn.calls().length + ddb.calls().length + sfn.calls().length + sts.calls().length).toBe(0);
  });
});
