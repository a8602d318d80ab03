import { ConditionalCheckFailedException, GetItemCommand, UpdateItemCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { AuthorizationErrorException, PublishCommand, ThrottledException } from '@aws-sdk/client-sns';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { handler } from '../../../src/lambda/handlers/record-outcome';
import { classifyEvent } from '../../../src/core/classify-event';
import { resetClients } from '../../../src/lambda/aws/clients/registry';
import { resetClock, setClock } from '../../../src/lambda/runtime/clock';
import { claimFor, unmarshal } from '../../../src/core/history-item';
import type { WorkflowState } from '../../../src/core/outcome';
import { logger, metrics } from '../../../src/lambda/runtime/powertools';
import type { AppliedAction, OutcomeRecord, OutcomeStatus } from '../../../src/core/types';
import {
  CA_ARN,
  CRL_BUCKET,
  crlInspection,
  EVENTS,
  HISTORY_TABLE,
  lambdaContext,
  mockDynamoDb,
  mockSns,
  stubDeploymentEnv,
  CLASSIFICATIONS,
  TOPIC_ARN,
} from './fixtures';

const snsMock = mockSns();
const NOW = new Date('2026-11-20T10:30:00.000Z');
const EXECUTION_ARN = 'arn:aws:states:us-east-1:111122223333:execution:pca-remediation:7d5b4c1e-0003';
const classification = CLASSIFICATIONS.crlS3Permission;

const bucketMissing = { code: 'BUCKET_MISSING', severity: 'action-required' as const, message: `Bucket ${CRL_BUCKET} does not exist.` };
const applied: AppliedAction = {
  type: 'PutBucketPolicy',
  resource: `arn:aws:s3:::${CRL_BUCKET}`,
  description: 'Add statement AllowAcmPcaWrite granting acm-pca.amazonaws.com access',
  before: null,
  after: '{"Version":"2012-10-17","Statement":[]}',
  appliedAt: NOW.toISOString(),
  verified: true,
};

const STATES: Record<string, WorkflowState> = {
  needsAttention: { event: EVENTS.crlS3Permission, classification, inspection: crlInspection([], { next: 'attention', findings: [bucketMissing] }) },
  remediated: { event: EVENTS.crlS3Permission, classification, inspection: crlInspection([applied]), repair: { actions: [applied], findings: [] } },
  alreadyCompliant: { event: EVENTS.crlS3Permission, classification, inspection: crlInspection([], { next: 'compliant' }) },
  rejected: { event: { source: 'aws.s3' }, classification: classifyEvent({ source: 'aws.s3' }) },
  escalated: {
    event: EVENTS.crlS3Permission,
    classification,
    inspection: crlInspection([applied]),
    exhausted: { Error: 'BucketPolicyChanged', Cause: JSON.stringify({ errorType: 'BucketPolicyChanged', errorMessage: 'another writer' }) },
  },
  failed: { event: EVENTS.crlS3Permission, classification, error: { Error: 'TypeError', Cause: JSON.stringify({ errorMessage: 'x is undefined' }) } },
  dryRun: { event: EVENTS.crlS3Permission, classification, inspection: crlInspection([applied], { next: 'dry-run', mode: 'dry-run' }) },
};

function record(state: WorkflowState): Promise<OutcomeRecord> {
  return handler({ state, executionArn: EXECUTION_ARN }, lambdaContext('RecordOutcome'));
}

beforeEach(() => {
  snsMock.reset();
  resetClients();
  stubDeploymentEnv({ NOTIFICATION_TOPIC_ARN: TOPIC_ARN });
  setClock({ now: () => NOW });
  snsMock.on(PublishCommand).resolves({ MessageId: 'f3a1c2d4-0000-4000-8000-000000000001' });
});

afterEach(() => {
  resetClock();
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
});

describe('RecordOutcome: notification', () => {
  it('sunny day: NEEDS_ATTENTION publishes one message to the topic and says so', async () => {
    // Act
    const outcome = await record(STATES.needsAttention!);
    // Assess
    expect(outcome).toMatchObject({
      status: 'NEEDS_ATTENTION',
      kind: 'CRL_S3_PERMISSION',
      certificateAuthorityArn: CA_ARN,
      executionArn: EXECUTION_ARN,
      recordedAt: NOW.toISOString(),
      notified: true,
    });
    const publishes = snsMock.commandCalls(PublishCommand);
    expect(publishes).toHaveLength(1);
    const { TopicArn, Subject, Message } = publishes[0]!.args[0].input;
    expect(TopicArn).toBe(TOPIC_ARN);
    expect(Subject).toMatch(/^\[pca-remediation\] NEEDS_ATTENTION: CRL_S3_PERMISSION /);
    // SNS: "must be less than 100 characters long".
    expect(Subject!.length).toBeLessThan(100);
    expect(Message).toContain(bucketMissing.message);
    expect(Message).toContain(EXECUTION_ARN);
  });

  it.each([
    ['needsAttention', 'NEEDS_ATTENTION', true],
    ['escalated', 'ESCALATED', true],
    ['failed', 'FAILED', true],
    ['dryRun', 'DRY_RUN', true],
    ['remediated', 'REMEDIATED', false],
    ['alreadyCompliant', 'ALREADY_COMPLIANT', false],
    ['rejected', 'REJECTED', false],
  ] as Array<[string, OutcomeStatus, boolean]>)('%s → %s, notified: %s', async (name, status, notified) => {
    const outcome = await record(STATES[name]!);
    expect(outcome.status).toBe(status);
    expect(outcome.notified).toBe(notified);
    expect(snsMock.commandCalls(PublishCommand)).toHaveLength(notified ? 1 : 0);
  });

  it('a long CA id still gives a subject SNS accepts (under 100 characters, one line)', async () => {
    const longArn = `arn:aws:acm-pca:us-east-1:111122223333:certificate-authority/${'f'.repeat(200)}`;
    await record({ ...STATES.failed!, classification: { ...classification, certificateAuthorityArn: longArn } });
    const subject = snsMock.commandCalls(PublishCommand)[0]!.args[0].input.Subject!;
    expect(subject).toMatch(/^\[pca-remediation\] FAILED: CRL_S3_PERMISSION f+$/);
    expect(subject.length).toBeLessThan(100);
  });

  it('no topic configured → nothing published, notified false', async () => {
    stubDeploymentEnv({ NOTIFICATION_TOPIC_ARN: '' });
    const outcome = await record(STATES.needsAttention!);
    expect(outcome).toMatchObject({ status: 'NEEDS_ATTENTION', notified: false });
    expect(snsMock.calls()).toHaveLength(0);
  });

  it('client error: SNS AuthorizationError → the outcome is logged, then the handler rejects with it', async () => {
    snsMock
      .on(PublishCommand)
      .rejects(new AuthorizationErrorException({ $metadata: { httpStatusCode: 403 }, message: 'User is not authorized to perform SNS:Publish' }));
    const info = vi.spyOn(logger, 'info');
    const error = vi.spyOn(logger, 'error');
    await expect(record(STATES.needsAttention!)).rejects.toMatchObject({ name: 'AuthorizationErrorException' });
    expect(info).toHaveBeenCalledWith('remediation outcome', expect.objectContaining({ status: 'NEEDS_ATTENTION', notified: false }));
    expect(error).toHaveBeenCalledWith('the outcome notification could not be sent', expect.anything());
  });

  it('throttling: SNS ThrottledException → rejects AwsTransientError', async () => {
    snsMock.on(PublishCommand).rejects(new ThrottledException({ $metadata: { httpStatusCode: 400 }, message: 'Rate exceeded' }));
    await expect(record(STATES.needsAttention!)).rejects.toMatchObject({ name: 'AwsTransientError' });
  });
});

describe('RecordOutcome: log line and metric', () => {
  it('counts one Remediations metric with the kind and status as dimensions', async () => {
    const addDimensions = vi.spyOn(metrics, 'addDimensions');
    const addMetric = vi.spyOn(metrics, 'addMetric');
    await record(STATES.remediated!);
    expect(addDimensions).toHaveBeenCalledWith({ kind: 'CRL_S3_PERMISSION', status: 'REMEDIATED' });
    expect(addMetric).toHaveBeenCalledTimes(1);
    expect(addMetric).toHaveBeenCalledWith('Remediations', 'Count', 1);
  });

  it('writes one "remediation outcome" JSON line with the whole record, its message as "summary"', async () => {
    // Arrange: a fresh handler whose logger prints at INFO (dev mode prints with the global console).
    const printed = vi.spyOn(console, 'info').mockImplementation(() => undefined);
    vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'INFO');
    vi.resetModules();
    const fresh = await import('../../../src/lambda/handlers/record-outcome');
    try {
      // Act
      const outcome = await fresh.handler({ state: STATES.remediated!, executionArn: EXECUTION_ARN }, lambdaContext('RecordOutcome'));
      // Assert: the line as CloudWatch Logs would receive it.
      const lines = printed.mock.calls.map(([text]) => JSON.parse(String(text))).filter((line) => line.message === 'remediation outcome');
      expect(lines).toHaveLength(1);
      const { message, ...fields } = outcome;
      expect(lines[0]).toMatchObject({ ...JSON.parse(JSON.stringify(fields)), summary: message, level: 'INFO' });
      expect(lines[0].summary).toContain(applied.description);
    } finally {
      printed.mockRestore();
    }
  });

  it('an unclassifiable event is still recorded (REJECTED) under kind UNRECOGNIZED', async () => {
    const addDimensions = vi.spyOn(metrics, 'addDimensions');
    const outcome = await record(STATES.rejected!);
    expect(outcome).toMatchObject({ status: 'REJECTED', kind: 'UNRECOGNIZED', findings: [expect.objectContaining({ code: 'EVENT_REJECTED' })] });
    expect(addDimensions).toHaveBeenCalledWith({ kind: 'UNRECOGNIZED', status: 'REJECTED' });
  });

  // Regression: a repair that changed nothing used to be reported as "Repaired: ." with no actions.
  it('a repair that changed nothing is not reported as "Repaired: ."', async () => {
    const outcome = await record({ ...STATES.remediated!, repair: { actions: [], findings: [] } });
    expect(outcome.message).not.toMatch(/^Repaired: \./);
  });

  // Regression: planned (unapplied) actions used to be listed as "Changes:" in the notification.
  it('a NEEDS_ATTENTION notification does not present planned actions as changes made', async () => {
    const { appliedAt: _appliedAt, verified: _verified, ...planned } = applied;
    await record({ ...STATES.needsAttention!, inspection: crlInspection([planned], { next: 'attention', findings: [bucketMissing] }) });
    const message = snsMock.commandCalls(PublishCommand)[0]!.args[0].input.Message!;
    expect(message).toContain('nothing was changed');
    expect(message).not.toMatch(/^Changes:$/m);
  });

  it('no state in the input → rejects InvalidStepInput naming it', async () => {
    await expect(handler({ executionArn: EXECUTION_ARN }, lambdaContext('RecordOutcome'))).rejects.toMatchObject({
      name: 'InvalidStepInput',
      message: expect.stringContaining('"state"'),
    });
  });
});

describe('RecordOutcome: the history table', () => {
  const dynamoMock = mockDynamoDb();
  const claim = claimFor(classification, NOW, 365)!;
  const claimed = (state: WorkflowState): WorkflowState => ({ ...state, claim });

  beforeEach(() => {
    dynamoMock.reset();
    dynamoMock.on(UpdateItemCommand).resolves({});
  });

  it("completes this execution's item: status, times, summary, and each change's before and after", async () => {
    const outcome = await record(claimed(STATES.remediated!));
    const [update] = dynamoMock.commandCalls(UpdateItemCommand);
    const input = update!.args[0].input as {
      TableName: string;
      Key: unknown;
      ConditionExpression: string;
      ExpressionAttributeValues: Record<string, AttributeValue>;
    };
    expect(input.TableName).toBe(HISTORY_TABLE);
    expect(input.Key).toEqual({ pk: { S: `EVENT#${classification.eventId}` } });
    // Only the claim of this very execution is completed.
    expect(input.ConditionExpression).toBe('executionArn = :execution');
    expect(input.ExpressionAttributeValues[':execution']).toEqual({ S: EXECUTION_ARN });
    const values = Object.fromEntries(Object.entries(input.ExpressionAttributeValues).map(([key, value]) => [key, unmarshal(value)]));
    expect(values).toMatchObject({
      ':status': 'REMEDIATED',
      ':finishedAt': NOW.toISOString(),
      ':summary': outcome.message,
      ':planned': [],
      ':notificationDue': false,
    });
    expect(values[':changes']).toEqual([
      {
        type: 'PutBucketPolicy',
        resource: applied.resource,
        description: applied.description,
        before: null,
        after: applied.after,
        appliedAt: applied.appliedAt,
        verified: true,
      },
    ]);
  });

  it('writes the history before notifying, so a throttled write is retried without a second notification', async () => {
    dynamoMock
      .on(UpdateItemCommand)
      .rejects(Object.assign(new Error('slow down'), { name: 'ProvisionedThroughputExceededException', $metadata: { httpStatusCode: 400 } }));
    await expect(record(claimed(STATES.needsAttention!))).rejects.toMatchObject({ name: 'AwsTransientError' });
    expect(snsMock.commandCalls(PublishCommand)).toHaveLength(0);
  });

  it('an item this execution did not claim is left alone, and the outcome still recorded', async () => {
    dynamoMock.on(UpdateItemCommand).rejects(new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} }));
    await expect(record(claimed(STATES.remediated!))).resolves.toMatchObject({ status: 'REMEDIATED' });
  });

  it('a duplicate delivery reads the item to name the execution that has the event, notifies nobody and writes nothing', async () => {
    dynamoMock.on(GetItemCommand).resolves({
      Item: {
        pk: { S: `EVENT#${classification.eventId}` },
        status: { S: 'IN_PROGRESS' },
        executionArn: { S: 'arn:aws:states:us-east-1:111122223333:execution:pca-remediation:first' },
      },
    });
    const outcome = await record({
      ...STATES.alreadyCompliant!,
      claim,
      inspection: undefined,
      duplicate: { Error: 'DynamoDB.ConditionalCheckFailedException', Cause: 'The conditional request failed' },
    });
    expect(outcome).toMatchObject({ status: 'DUPLICATE', notified: false, actions: [], nextSteps: [] });
    expect(outcome.message).toContain('execution:pca-remediation:first (still running)');
    expect(dynamoMock.commandCalls(UpdateItemCommand)).toHaveLength(0);
    expect(snsMock.commandCalls(PublishCommand)).toHaveLength(0);
  });

  it('a rejected event was never claimed: no call to the table', async () => {
    await record(STATES.rejected!);
    expect(dynamoMock.calls()).toHaveLength(0);
  });
});
