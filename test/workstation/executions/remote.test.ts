/**
 * The deployed side of `npm run invoke` and `npm run executions`, with CloudFormation
 * and Step Functions stubbed by aws-sdk-client-mock; histories and lists in the shapes
 * GetExecutionHistory and ListExecutions return.
 */
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import {
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  ListExecutionsCommand,
  SFNClient,
  StartExecutionCommand,
  type ExecutionStatus,
  type HistoryEvent,
} from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { readFileSync } from 'node:fs';
import { beforeEach, describe, expect, it } from 'vitest';
import { executionConsoleUrl, stateMachineConsoleUrl } from '../../../src/workstation/executions/console';
import {
  checkEvent,
  executionName,
  findDeployment,
  followExecution,
  listExecutions,
  parseSince,
  readHistory,
  RemoteError,
  rerunOf,
  startExecution,
} from '../../../src/workstation/executions/remote';
import { classifyEvent } from '../../../src/core/classify-event';
import { executionsTable } from '../../../src/workstation/executions/table';
import { PLAIN } from '../../../src/workstation/executions/render';
import { executionView } from '../../../src/workstation/executions/view';
import type { ClientStub } from '../../lambda/handlers/fixtures';

const cfnMock = mockClient(CloudFormationClient as never) as unknown as ClientStub;
const sfnMock = mockClient(SFNClient as never) as unknown as ClientStub;
const cloudFormation = new CloudFormationClient({ region: 'eu-west-1', credentials: { accessKeyId: 'x', secretAccessKey: 'y' } });
const sfn = new SFNClient({ region: 'eu-west-1', credentials: { accessKeyId: 'x', secretAccessKey: 'y' } });

const MACHINE = 'arn:aws:states:eu-west-1:111122223333:stateMachine:pca-remediation-dev';
const EXECUTION = 'arn:aws:states:eu-west-1:111122223333:execution:pca-remediation-dev:invoke-1';
const sample = (file: string) => JSON.parse(readFileSync(new URL(`../../../events/${file}`, import.meta.url), 'utf8'));
const named = (name: string, message: string) => Object.assign(new Error(message), { name });

beforeEach(() => {
  cfnMock.reset();
  sfnMock.reset();
});

describe('findDeployment', () => {
  it('reads the state machine and the other outputs from stack pca-remediation-<stage>', async () => {
    cfnMock.on(DescribeStacksCommand, { StackName: 'pca-remediation-dev' }).resolves({
      Stacks: [
        {
          StackName: 'pca-remediation-dev',
          StackStatus: 'UPDATE_COMPLETE',
          CreationTime: new Date(),
          Outputs: [
            { OutputKey: 'RemediationStateMachineArn', OutputValue: MACHINE },
            { OutputKey: 'StateMachineConsoleUrl', OutputValue: stateMachineConsoleUrl(MACHINE) },
            { OutputKey: 'NotificationTopicArn', OutputValue: 'arn:aws:sns:eu-west-1:111122223333:t' },
            { OutputKey: 'DeadLetterQueueUrl', OutputValue: 'https://sqs.eu-west-1.amazonaws.com/111122223333/q' },
            { OutputKey: 'HistoryTableName', OutputValue: 'pca-remediation-dev-HistoryTable-1ABC' },
          ],
        },
      ],
    });
    await expect(findDeployment(cloudFormation, 'dev')).resolves.toEqual({
      stackName: 'pca-remediation-dev',
      region: 'eu-west-1',
      stateMachineArn: MACHINE,
      consoleUrl: `https://console.aws.amazon.com/states/home?region=eu-west-1#/statemachines/view/${MACHINE}`,
      notificationTopicArn: 'arn:aws:sns:eu-west-1:111122223333:t',
      deadLetterQueueUrl: 'https://sqs.eu-west-1.amazonaws.com/111122223333/q',
      historyTableName: 'pca-remediation-dev-HistoryTable-1ABC',
    });
  });

  it('says how to deploy when there is no stack', async () => {
    cfnMock.on(DescribeStacksCommand).rejects(named('ValidationError', 'Stack with id pca-remediation-prod does not exist'));
    await expect(findDeployment(cloudFormation, 'prod')).rejects.toThrow(
      new RemoteError(
        'no stack pca-remediation-prod in eu-west-1: deploy it with `npx sls deploy --stage prod --region eu-west-1`, or pass the --stage and --region you deployed with.',
      ),
    );
  });

  it('says what to set when there are no credentials', async () => {
    cfnMock.on(DescribeStacksCommand).rejects(named('CredentialsProviderError', 'Could not load credentials from any providers'));
    const error = await findDeployment(cloudFormation, 'dev').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(RemoteError);
    expect((error as Error).message).toMatch(/no usable AWS credentials.*AWS_PROFILE/);
  });

  it('says the deployment is unfinished or old when the output is missing', async () => {
    cfnMock
      .on(DescribeStacksCommand)
      .resolves({ Stacks: [{ StackName: 'pca-remediation-dev', StackStatus: 'CREATE_IN_PROGRESS', CreationTime: new Date(), Outputs: [] }] });
    await expect(findDeployment(cloudFormation, 'dev')).rejects.toThrow(/has no output RemediationStateMachineArn: its deployment has not finished or failed/);
  });
});

describe('starting an execution', () => {
  it('refuses, before calling AWS, an event the workflow would only reject', () => {
    expect(() => checkEvent(sample('published/crl-s3-permission-failure.json'), 'x.json')).toThrow(
      /x\.json is not a Private CA failure event this workflow handles: .*placeholder.*Nothing was started/,
    );
    expect(() => checkEvent(sample('crl-s3-permission-failure.json'), 'x.json')).not.toThrow();
  });

  it('sends the event as the input, under a name Step Functions accepts', async () => {
    sfnMock.on(StartExecutionCommand).resolves({ executionArn: EXECUTION, startDate: new Date() });
    const event = sample('crl-s3-permission-failure.json');
    const name = executionName(event, new Date('2026-11-21T09:30:05.123Z'));
    expect(name).toBe('invoke-7d5b4c1e-0c59-4f0b-9a53-1b7e1c0a0003-20261121T093005Z');
    expect(name).toMatch(/^[A-Za-z0-9_-]{1,80}$/);
    await expect(startExecution(sfn, MACHINE, event, name)).resolves.toMatchObject({ executionArn: EXECUTION });
    expect(sfnMock.commandCalls(StartExecutionCommand)[0]!.args[0].input).toEqual({ stateMachineArn: MACHINE, name, input: JSON.stringify(event) });
  });

  it('links the execution in the console of its partition and region', () => {
    expect(executionConsoleUrl(EXECUTION)).toBe(`https://console.aws.amazon.com/states/home?region=eu-west-1#/v2/executions/details/${EXECUTION}`);
    expect(executionConsoleUrl('arn:aws-cn:states:cn-north-1:111122223333:execution:m:e')).toMatch(
      /^https:\/\/console\.amazonaws\.cn\/states\/home\?region=cn-north-1#/,
    );
  });
});

const t = (seconds: number) => new Date(Date.parse('2026-11-21T09:30:00Z') + seconds * 1000);
const outcome = {
  status: 'REMEDIATED',
  kind: 'CRL_S3_PERMISSION',
  message: 'Repaired',
  findings: [],
  actions: [],
  nextSteps: [],
  mode: 'apply',
  notified: false,
};
const fullHistory: HistoryEvent[] = [
  { id: 1, previousEventId: 0, timestamp: t(0), type: 'ExecutionStarted', executionStartedEventDetails: { input: '{}' } },
  { id: 2, previousEventId: 1, timestamp: t(0), type: 'TaskStateEntered', stateEnteredEventDetails: { name: 'ClassifyEvent', input: '{}' } },
  { id: 3, previousEventId: 2, timestamp: t(0), type: 'LambdaFunctionScheduled', lambdaFunctionScheduledEventDetails: { resource: 'f' } },
  { id: 4, previousEventId: 3, timestamp: t(1), type: 'LambdaFunctionStarted' },
  { id: 5, previousEventId: 4, timestamp: t(1), type: 'LambdaFunctionSucceeded', lambdaFunctionSucceededEventDetails: { output: '{}' } },
  {
    id: 6,
    previousEventId: 5,
    timestamp: t(1),
    type: 'TaskStateExited',
    stateExitedEventDetails: { name: 'ClassifyEvent', output: JSON.stringify({ outcome }) },
  },
  { id: 7, previousEventId: 6, timestamp: t(2), type: 'ExecutionSucceeded', executionSucceededEventDetails: { output: JSON.stringify({ outcome }) } },
];

describe('reading executions', () => {
  it('reads every page of a long history', async () => {
    sfnMock
      .on(GetExecutionHistoryCommand)
      .resolvesOnce({ events: fullHistory.slice(0, 4), nextToken: 'page-2' })
      .resolvesOnce({ events: fullHistory.slice(4) });
    await expect(readHistory(sfn, EXECUTION)).resolves.toEqual(fullHistory);
    const inputs = sfnMock.commandCalls(GetExecutionHistoryCommand).map((entry) => entry.args[0].input);
    expect(inputs).toEqual([
      { executionArn: EXECUTION, nextToken: undefined, maxResults: 1000, includeExecutionData: true },
      { executionArn: EXECUTION, nextToken: 'page-2', maxResults: 1000, includeExecutionData: true },
    ]);
  });

  it('follows a running execution until it succeeds, reporting progress', async () => {
    sfnMock.on(DescribeExecutionCommand).resolvesOnce({ status: 'RUNNING' }).resolvesOnce({ status: 'RUNNING' }).resolves({ status: 'SUCCEEDED' });
    sfnMock
      .on(GetExecutionHistoryCommand)
      .resolvesOnce({ events: fullHistory.slice(0, 2) })
      .resolvesOnce({ events: fullHistory.slice(0, 5) })
      .resolves({ events: fullHistory });
    const slept: number[] = [];
    const progress: number[] = [];
    const result = await followExecution(sfn, EXECUTION, {
      intervalMs: 10,
      sleep: async (ms) => void slept.push(ms),
      onProgress: (events) => progress.push(events.length),
    });
    expect(result.status).toBe('SUCCEEDED');
    expect(progress).toEqual([2, 5, 7]);
    expect(slept).toEqual([10, 10]);
    expect(executionView(result.history)).toMatchObject({ status: 'SUCCEEDED', outcome: { status: 'REMEDIATED' } });
  });

  it('returns a failed execution with its error', async () => {
    const failed: HistoryEvent[] = [
      ...fullHistory.slice(0, 2),
      { id: 3, previousEventId: 2, timestamp: t(5), type: 'ExecutionFailed', executionFailedEventDetails: { error: 'States.Runtime', cause: 'broken' } },
    ];
    sfnMock.on(DescribeExecutionCommand).resolves({ status: 'FAILED' });
    sfnMock.on(GetExecutionHistoryCommand).resolves({ events: failed });
    const result = await followExecution(sfn, EXECUTION, { sleep: async () => undefined });
    expect(result.status).toBe('FAILED');
    expect(executionView(result.history)).toMatchObject({ status: 'FAILED', error: { error: 'States.Runtime', cause: 'broken' } });
  });

  it('says so when the execution does not exist', async () => {
    sfnMock.on(DescribeExecutionCommand).rejects(named('ExecutionDoesNotExist', 'Execution Does Not Exist'));
    await expect(followExecution(sfn, EXECUTION)).rejects.toThrow(new RemoteError(`describing ${EXECUTION}: no such execution (Execution Does Not Exist).`));
  });
});

describe('listing executions', () => {
  const listed = (index: number, status: ExecutionStatus = 'SUCCEEDED') => ({
    executionArn: `${EXECUTION}-${index}`,
    stateMachineArn: MACHINE,
    name: `e${index}`,
    status,
    startDate: t(-index * 3600),
    stopDate: status === 'RUNNING' ? undefined : t(-index * 3600 + 42),
  });

  it('pages through the list, stops at the limit, and reads kind, CA and outcome from each execution', async () => {
    sfnMock
      .on(ListExecutionsCommand)
      .resolvesOnce({ executions: [listed(0), listed(1)], nextToken: 'next' })
      .resolvesOnce({ executions: [listed(2, 'RUNNING'), listed(3)], nextToken: 'more' });
    sfnMock.on(DescribeExecutionCommand).callsFake((input) => ({
      executionArn: input.executionArn,
      status: 'SUCCEEDED',
      input: JSON.stringify(sample('crl-s3-permission-failure.json')),
      output: input.executionArn!.endsWith('-2') ? undefined : JSON.stringify({ outcome }),
    }));
    const rows = await listExecutions(sfn, MACHINE, { limit: 3, status: undefined });
    expect(rows.map((row) => [row.name, row.status, row.kind, row.certificateAuthorityId, row.outcome])).toEqual([
      ['e0', 'SUCCEEDED', 'CRL_S3_PERMISSION', '11223344-1234-1122-2233-112233445566', 'REMEDIATED'],
      ['e1', 'SUCCEEDED', 'CRL_S3_PERMISSION', '11223344-1234-1122-2233-112233445566', 'REMEDIATED'],
      ['e2', 'RUNNING', 'CRL_S3_PERMISSION', '11223344-1234-1122-2233-112233445566', null],
    ]);
    expect(sfnMock.commandCalls(ListExecutionsCommand).map((entry) => entry.args[0].input.nextToken)).toEqual([undefined, 'next']);
    const table = executionsTable(rows, PLAIN, t(0));
    expect(table[0]).toMatch(/^started +status +kind +CA +outcome +took +console$/);
    expect(table[1]).toContain('REMEDIATED');
    expect(table[1]).toContain('42s');
    expect(table[3]).toMatch(/RUNNING .* … /);
  });

  it('shows a running execution that waits for approval, and for how long (mode approve)', async () => {
    sfnMock.on(ListExecutionsCommand).resolves({ executions: [listed(0, 'RUNNING'), listed(1, 'RUNNING')] });
    sfnMock
      .on(DescribeExecutionCommand)
      .callsFake((input) => ({ executionArn: input.executionArn, status: 'RUNNING', input: JSON.stringify(sample('crl-s3-permission-failure.json')) }));
    sfnMock.on(GetExecutionHistoryCommand).callsFake((input) =>
      input.executionArn!.endsWith('-0')
        ? {
            events: [
              { id: 9, type: 'TaskSubmitted', timestamp: t(-3 * 3600 - 715) },
              { id: 7, type: 'TaskStateEntered', timestamp: t(-3 * 3600 - 720), stateEnteredEventDetails: { name: 'AskToApproveCrlRepair' } },
            ],
          }
        : {
            events: [
              { id: 12, type: 'TaskStateEntered', timestamp: t(-60), stateEnteredEventDetails: { name: 'CheckCrlWrittenAfterRepair' } },
              { id: 11, type: 'TaskStateExited', timestamp: t(-61) },
            ],
          },
    );
    const rows = await listExecutions(sfn, MACHINE, { limit: 20 });
    expect(rows.map((row) => row.waitingForApprovalSince)).toEqual([t(-3 * 3600 - 720), null]);
    expect(sfnMock.commandCalls(GetExecutionHistoryCommand)[0]!.args[0].input).toMatchObject({ reverseOrder: true });
    const table = executionsTable(rows, PLAIN, t(0));
    expect(table[1]).toContain('waiting for approval 3h 12m');
    expect(table[2]).toMatch(/RUNNING .* … /);
  });

  it('stops at executions older than --since and passes the status filter', async () => {
    sfnMock.on(ListExecutionsCommand).resolves({ executions: [listed(0, 'FAILED'), listed(5, 'FAILED'), listed(30, 'FAILED')], nextToken: 'never-read' });
    sfnMock.on(DescribeExecutionCommand).resolves({ status: 'FAILED', input: '{"source":"aws.s3"}' });
    const rows = await listExecutions(sfn, MACHINE, { limit: 20, status: 'FAILED', since: parseSince('1d', t(0)) });
    expect(rows.map((row) => row.name)).toEqual(['e0', 'e5']);
    expect(rows[0]).toMatchObject({ kind: 'UNRECOGNIZED', outcome: null });
    expect(sfnMock.commandCalls(ListExecutionsCommand)).toHaveLength(1);
    expect(sfnMock.commandCalls(ListExecutionsCommand)[0]!.args[0].input).toMatchObject({ stateMachineArn: MACHINE, statusFilter: 'FAILED', maxResults: 20 });
  });

  it('reads --since as a duration or an ISO time, and names a bad one', () => {
    expect(parseSince('12h', t(0))).toEqual(t(-12 * 3600));
    expect(parseSince('30m', t(0))).toEqual(t(-1800));
    expect(parseSince('2026-11-20T10:00:00Z')).toEqual(new Date('2026-11-20T10:00:00Z'));
    expect(() => parseSince('yesterday')).toThrow(/--since yesterday: give a duration such as 1d/);
  });
});

describe('rerunOf', () => {
  it('gives the event a new id beside the claimed one, keeping everything else', () => {
    const event = sample('crl-s3-permission-failure.json');
    const rerun = rerunOf(event, new Date('2026-11-21T09:30:05.123Z')) as Record<string, unknown>;
    expect(rerun).toEqual({ ...event, id: `${event.id}/rerun-20261121T093005Z` });
    expect(classifyEvent(rerun)).toMatchObject({ kind: 'CRL_S3_PERMISSION', eventId: `${event.id}/rerun-20261121T093005Z` });
  });
});
