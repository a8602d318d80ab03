/**
 * Reading and completing the event items of the history table (see item.ts).
 * ClaimEvent creates an item in the state machine itself (a DynamoDB PutItem task);
 * RecordOutcome completes it here; `npm run rollback` reads it and marks it rolled back.
 */
import { GetItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { dynamoDb } from '../clients/dynamodb';
import { awsErrorName, rethrowAws } from '../errors';
import type { AppliedAction, OutcomeRecord } from '../types';
import { eventKey, historyChange, marshal, unmarshalItem, type HistoryItem } from './item';

export async function readHistoryItem(table: string, eventId: string): Promise<HistoryItem | null> {
  try {
    const { Item } = await dynamoDb().send(new GetItemCommand({ TableName: table, Key: { pk: { S: eventKey(eventId) } }, ConsistentRead: true }));
    return Item ? (unmarshalItem(Item) as unknown as HistoryItem) : null;
  } catch (error) {
    return rethrowAws(error, `read the history of event ${eventId}`);
  }
}

const applied = (action: OutcomeRecord['actions'][number]): action is AppliedAction => 'appliedAt' in action;

/**
 * Complete the claimed item with the outcome: status, times, the changes made (before
 * and after) and those only planned. Conditional on the item being this execution's
 * claim; `not-claimed` when it is not (the claim itself never happened).
 */
export async function completeHistoryItem(table: string, record: OutcomeRecord): Promise<'recorded' | 'not-claimed'> {
  const changes = record.actions.filter(applied).map(historyChange);
  const planned = record.actions.filter((action) => !applied(action)).map(({ type, resource, description, before, after }) => ({ type, resource, description, before, after }));
  try {
    await dynamoDb().send(
      new UpdateItemCommand({
        TableName: table,
        Key: { pk: { S: eventKey(record.eventId) } },
        UpdateExpression: 'SET #status = :status, finishedAt = :finishedAt, summary = :summary, changes = :changes, planned = :planned, findings = :findings, notificationDue = :notificationDue',
        ConditionExpression: 'executionArn = :execution',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: {
          ':status': marshal(record.status),
          ':finishedAt': marshal(record.recordedAt),
          ':summary': marshal(record.message),
          ':changes': marshal(changes),
          ':planned': marshal(planned),
          ':findings': marshal(record.findings.map((finding) => finding.code)),
          ':notificationDue': marshal(record.notified),
          ':execution': marshal(record.executionArn ?? ''),
        },
      }),
    );
    return 'recorded';
  } catch (error) {
    if (awsErrorName(error) === 'ConditionalCheckFailedException') return 'not-claimed';
    return rethrowAws(error, `record the outcome of event ${record.eventId} in the history table`);
  }
}
