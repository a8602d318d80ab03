/**
 * RequestApproval (mode approve): the Task that waits with the callback pattern
 * (`arn:aws:states:::lambda:invoke.waitForTaskToken`) runs this function once per question.
 * It keeps the task token in the event's history item, where `npm run approve -- <event id>`
 * finds it, then notifies the question (event, CA, findings, the exact diff, the two
 * commands). The token is never in the notification, the log or the function's result.
 *
 * Why a Lambda function rather than a DynamoDB `updateItem.waitForTaskToken` Task and a
 * separate SNS Task: the notification shows the diff, which needs code to render, and the
 * item must hold the token before anyone is told, so that every command a person can run
 * finds it. One function does both, in that order.
 */
import { PublishCommand } from '@aws-sdk/client-sns';
import { approvalMessage, type HistoryApproval } from '../../core/approval';
import { sns } from '../aws/clients/sns';
import { now } from '../runtime/clock';
import { InvalidStepInput, rethrowAws } from '../../core/errors';
import { historyTableName } from '../runtime/config';
import { recordApprovalRequest } from '../aws/history/store';
import { logger } from '../runtime/powertools';
import type { Inspection, Classification } from '../../core/types';

export interface ApprovalStepInput {
  classification: Classification;
  inspection: Inspection;
  executionArn: string;
  taskToken: string;
}

export interface ApprovalSettings {
  notificationTopicArn: string;
  /** For the commands in the message. */
  stage: string;
  region: string;
}

export async function requestApproval(
  input: ApprovalStepInput,
  settings: ApprovalSettings,
): Promise<{ asked: true; round: number; digest: string; expiresAt: string; notified: boolean }> {
  const { classification, inspection, executionArn, taskToken } = input;
  const request = inspection.approval;
  if (inspection.next !== 'approve' || !request)
    throw new InvalidStepInput('RequestApproval needs an inspection with next "approve" and its question ("approval")');
  if (typeof taskToken !== 'string' || taskToken === '') throw new InvalidStepInput('RequestApproval needs "taskToken" ($$.Task.Token) in its input');
  const askedAt = now();
  const expiresAt = new Date(askedAt.getTime() + request.timeoutSeconds * 1000);
  const approval: HistoryApproval = {
    status: 'WAITING',
    round: request.round,
    digest: request.digest,
    askedAt: askedAt.toISOString(),
    expiresAt: expiresAt.toISOString(),
    plan: inspection.plan.map(({ type, resource, description, before, after }) => ({ type, resource, description, before, after })),
    taskToken,
  };
  // The token first: once a person is told, the command they run must find it.
  await recordApprovalRequest(historyTableName(), classification.eventId, executionArn, approval);
  let notified = false;
  if (settings.notificationTopicArn === '') {
    logger.warn('no notification topic: nobody is told about the request for approval; npm run executions shows it waiting', {
      eventId: classification.eventId,
    });
  } else {
    const { subject, message } = approvalMessage({
      classification,
      inspection,
      request,
      expiresAt,
      executionArn,
      where: { stage: settings.stage, region: settings.region },
    });
    try {
      await sns().send(new PublishCommand({ TopicArn: settings.notificationTopicArn, Subject: subject, Message: message }));
      notified = true;
    } catch (error) {
      rethrowAws(error, 'SNS Publish of the request for approval');
    }
  }
  logger.info('approval requested', { eventId: classification.eventId, round: request.round, digest: request.digest, expiresAt: approval.expiresAt, notified });
  return { asked: true, round: request.round, digest: request.digest, expiresAt: approval.expiresAt, notified };
}
