/**
 * Reading and completing the event items of the history table (see item.ts).
 * ClaimEvent creates an item in the state machine itself (a DynamoDB PutItem task);
 * RecordOutcome completes it here; `npm run rollback` reads it and marks it rolled back.
 */
import { GetItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { dynamoDb } from '../clients/dynamodb';
import { awsErrorName, rethrowAws } from '../../../core/errors';
import type { HistoryApproval } from '../../../core/approval';
import type { AppliedAction, OutcomeRecord } from '../../../core/types';
import { eventKey, historyChange, marshal, unmarshalItem, type HistoryItem } from '../../../core/history-item';

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
  const planned = record.actions
    .filter((action) => !applied(action))
    .map(({ type, resource, description, before, after }) => ({ type, resource, description, before, after }));
  try {
    await dynamoDb().send(
      new UpdateItemCommand({
        TableName: table,
        Key: { pk: { S: eventKey(record.eventId) } },
        UpdateExpression:
          'SET #status = :status, finishedAt = :finishedAt, summary = :summary, changes = :changes, planned = :planned, findings = :findings, notificationDue = :notificationDue',
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
  } catch (error) {
    if (awsErrorName(error) === 'ConditionalCheckFailedException') return 'not-claimed';
    return rethrowAws(error, `record the outcome of event ${record.eventId} in the history table`);
  }
  if (record.mode === 'approve') await closeApproval(table, record);
  return 'recorded';
}

/**
 * Mode approve: the question in the item gets its answer (who, why, when) and loses its
 * task token, which is of no use once the execution ends. Only where a question was
 * asked (the item has `approval`).
 */
async function closeApproval(table: string, record: OutcomeRecord): Promise<void> {
  const answer = record.approval;
  const status = answer === undefined ? 'CLOSED' : ({ approved: 'APPROVED', declined: 'DECLINED', expired: 'EXPIRED' } as const)[answer.decision];
  try {
    await dynamoDb().send(
      new UpdateItemCommand({
        TableName: table,
        Key: { pk: { S: eventKey(record.eventId) } },
        UpdateExpression:
          'SET approval.#status = :status, approval.approver = :approver, approval.reason = :reason, approval.answeredAt = :answeredAt REMOVE approval.taskToken',
        ConditionExpression: 'attribute_exists(approval) AND executionArn = :execution',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: {
          ':status': marshal(status),
          ':approver': marshal(answer?.approver ?? null),
          ':reason': marshal(answer?.reason ?? null),
          ':answeredAt': marshal(answer?.answeredAt ?? null),
          ':execution': marshal(record.executionArn ?? ''),
        },
      }),
    );
  } catch (error) {
    if (awsErrorName(error) === 'ConditionalCheckFailedException') return; // Nothing was asked.
    rethrowAws(error, `record the answer to the request for approval of event ${record.eventId}`);
  }
}

/**
 * Mode approve: keep the question in the event's item, with its task token, so that
 * `npm run approve -- <event id>` finds it. Conditional on the item being this
 * execution's claim (a retry of the step writes it again with its new token).
 */
export async function recordApprovalRequest(table: string, eventId: string, executionArn: string, approval: HistoryApproval): Promise<void> {
  try {
    await dynamoDb().send(
      new UpdateItemCommand({
        TableName: table,
        Key: { pk: { S: eventKey(eventId) } },
        UpdateExpression: 'SET approval = :approval',
        ConditionExpression: 'executionArn = :execution AND #status = :inProgress',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':approval': marshal(approval), ':execution': marshal(executionArn), ':inProgress': marshal('IN_PROGRESS') },
      }),
    );
  } catch (error) {
    if (awsErrorName(error) === 'ConditionalCheckFailedException') {
      throw new Error(`the history item of event ${eventId} is not this execution's claim in progress; the question was not recorded or sent`);
    }
    rethrowAws(error, `record the request for approval of event ${eventId} in the history table`);
  }
}
