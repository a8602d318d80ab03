/**
 * At-least-once delivery and the remediation history, through the real state machine
 * with the history table on dynalite: the event is claimed before anything is done, a
 * second delivery ends DUPLICATE with no change and no notification, and the item keeps
 * kind, CA, outcome, execution, times and every change's before and after.
 */
import { readFileSync } from 'node:fs';
import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { bindReferences, loadDefinition } from '../../src/workstation/executions/definition';
import { marshalItem } from '../../src/core/history-item';
import { createHistoryTable, localClient } from '../../src/workstation/local/history-table';
import { account, BUCKET, CA_ARN, event, policyOf, runScenario } from './scenario';

const permissionEvent = event('crl-s3-permission-failure.json');
const eventId = permissionEvent.id as string;
const START = '2026-11-20T10:02:00Z';

describe('the history table', () => {
  it('holds one item per event: kind, CA, outcome, execution, times, and the policy before and after', async () => {
    const file = account();
    const before = JSON.stringify(policyOf(file as never));

    const run = await runScenario(permissionEvent, file, { start: START });

    expect(run.outcome.status).toBe('REMEDIATED');
    const items = await run.history.items();
    expect(items).toHaveLength(1);
    const item = items[0]!;
    expect(item).toMatchObject({
      pk: `EVENT#${eventId}`,
      type: 'event',
      eventId,
      kind: 'CRL_S3_PERMISSION',
      detailType: 'ACM Private CA CRL Generation',
      certificateAuthorityArn: CA_ARN,
      status: 'REMEDIATED',
      executionArn: run.execution.executionArn,
      startedAt: new Date(START).toISOString(),
      finishedAt: run.outcome.recordedAt,
      summary: run.outcome.message,
      planned: [],
      notificationDue: false,
    });
    // DynamoDB TTL: epoch seconds, 365 days (the default historyRetentionDays) after the claim.
    expect(item.expiresAt).toBe(Math.floor(Date.parse(START) / 1000) + 365 * 86_400);
    const [change] = item.changes as Array<Record<string, unknown>>;
    expect(change).toMatchObject({ type: 'PutBucketPolicy', resource: `arn:aws:s3:::${BUCKET}`, before, verified: true });
    expect(JSON.parse(change!.after as string)).toEqual(policyOf(run.after));
  });

  it('keeps the CA setting before and after for a CRL ACL change', async () => {
    const file = JSON.parse(readFileSync(new URL('../../events/accounts/crl-public-read-acls-disabled.json', import.meta.url), 'utf8'));
    const run = await runScenario(permissionEvent, file);
    expect(run.outcome.status).toBe('REMEDIATED');
    const [item] = await run.history.items();
    const changes = item!.changes as Array<{ type: string; before: string; after: string }>;
    const caChange = changes.find((change) => change.type === 'UpdateCertificateAuthority')!;
    expect(JSON.parse(caChange.before)).toMatchObject({ CrlConfiguration: { S3ObjectAcl: 'PUBLIC_READ' } });
    expect(JSON.parse(caChange.after)).toMatchObject({ CrlConfiguration: { S3ObjectAcl: 'BUCKET_OWNER_FULL_CONTROL' } });
  });

  it('records a dry run as DRY_RUN with the planned change and no change made', async () => {
    const run = await runScenario(permissionEvent, account(), { env: { MODE: 'dry-run' } });
    const [item] = await run.history.items();
    expect(item).toMatchObject({ status: 'DRY_RUN', changes: [], notificationDue: true });
    expect(item!.planned).toEqual([expect.objectContaining({ type: 'PutBucketPolicy', resource: `arn:aws:s3:::${BUCKET}` })]);
  });

  it('claims nothing for a rejected event', async () => {
    const run = await runScenario(event('published/crl-s3-permission-failure.json'), account());
    expect(run.outcome.status).toBe('REJECTED');
    expect(await run.history.items()).toEqual([]);
  });
});

describe('a duplicate delivery', () => {
  it('ends DUPLICATE, naming the execution that handled the event: no AWS call, no notification, the history unchanged', async () => {
    const first = await runScenario(permissionEvent, account());
    const itemsAfterFirst = await first.history.items();
    const callsBefore = first.simulation.calls.length;
    const notificationsBefore = first.simulation.toAccountFile().notifications.length;

    const second = await runScenario(permissionEvent, undefined, { simulation: first.simulation, history: first.history });

    expect(second.execution.status).toBe('SUCCEEDED');
    expect(second.outcome.status).toBe('DUPLICATE');
    expect(second.outcome.message).toContain(first.execution.executionArn);
    expect(second.outcome.message).toContain('outcome REMEDIATED');
    expect(second.outcome.notified).toBe(false);
    expect(second.states).toEqual([
      'ClassifyEvent',
      'IsThereAFailureToHandle?',
      'ClaimEvent',
      'RecordOutcome',
      'DidTheRemediationFail?',
      'RemediationFinished',
    ]);
    expect(first.simulation.calls.slice(callsBefore)).toEqual([]);
    expect(second.after.notifications).toHaveLength(notificationsBefore);
    expect(await first.history.items()).toEqual(itemsAfterFirst);
  });

  it('is recognised while the first execution still runs (its item IN_PROGRESS)', async () => {
    const history = await createHistoryTable();
    await localClient(history.endpoint).send(
      new PutItemCommand({
        TableName: history.name,
        Item: marshalItem({
          pk: `EVENT#${eventId}`,
          type: 'event',
          eventId,
          status: 'IN_PROGRESS',
          executionArn: 'arn:aws:states:us-east-1:111122223333:execution:pca-remediation-dev:first',
          expiresAt: 1,
        }),
      }),
    );
    const run = await runScenario(permissionEvent, account(), { history });
    expect(run.outcome.status).toBe('DUPLICATE');
    expect(run.outcome.message).toContain('execution:pca-remediation-dev:first (still running)');
    expect(run.mutatingCalls).toEqual([]);
    expect(run.simulation.calls).toEqual([]);
  });
});

describe('the claim as the definition writes it, against dynalite', () => {
  const { definition } = loadDefinition();

  async function claim(table: string, endpoint: string, executionArn: string) {
    // The PutItem ClaimEvent sends, with its paths resolved as Step Functions would.
    const parameters = bindReferences(definition.States.ClaimEvent!.Parameters, { HistoryTable: table }) as {
      Item: Record<string, Record<string, string>>;
      ConditionExpression: string;
      ExpressionAttributeValues: Record<string, unknown>;
    };
    const values: Record<string, string> = {
      '$.claim.pk': `EVENT#${eventId}`,
      '$.claim.eventId': eventId,
      '$.claim.kind': 'CRL_S3_PERMISSION',
      '$.claim.detailType': 'x',
      '$.claim.eventTime': 'x',
      '$.claim.certificateAuthorityArn': CA_ARN,
      '$.claim.expiresAt': '1',
      '$$.Execution.Id': executionArn,
      '$.claim.startedAt': START,
    };
    const resolve = (attribute: Record<string, string>) =>
      Object.fromEntries(Object.entries(attribute).map(([key, value]) => (key.endsWith('.$') ? [key.slice(0, -2), values[value]] : [key, value])));
    const Item = Object.fromEntries(Object.entries(parameters.Item).map(([name, attribute]) => [name, resolve(attribute)]));
    const ExpressionAttributeValues = { ':execution': { S: executionArn } };
    return localClient(endpoint).send(
      new PutItemCommand({ TableName: table, Item: Item as never, ConditionExpression: parameters.ConditionExpression, ExpressionAttributeValues }),
    );
  }

  it('succeeds once, again for the same execution (a retry of ClaimEvent), and never for another', async () => {
    const { name, endpoint } = await createHistoryTable();
    await expect(claim(name, endpoint, 'arn:execution:a')).resolves.toBeDefined();
    await expect(claim(name, endpoint, 'arn:execution:a')).resolves.toBeDefined();
    await expect(claim(name, endpoint, 'arn:execution:b')).rejects.toMatchObject({ name: 'ConditionalCheckFailedException' });
  });
});
