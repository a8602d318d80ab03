/**
 * SNS Publish: the message is appended to the account's notifications, so a run's
 * output shows what a person would have received. Topics are not modelled: any topic
 * ARN is accepted. The checks are Publish's own limits.
 */
import { randomUUID } from 'node:crypto';
import { snsErrors } from './aws-errors';
import type { Operation } from './simulation-model';

const MAX_MESSAGE_BYTES = 256 * 1024;
const TOPIC_ARN = /^arn:aws(-cn|-us-gov)?:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}(\.fifo)?$/;

const publish: Operation = (context, input) => {
  const { TopicArn, TargetArn, PhoneNumber, Message, Subject } = input;
  if (TopicArn === undefined && TargetArn === undefined && PhoneNumber === undefined) {
    throw snsErrors.invalidParameter('Invalid parameter: TopicArn or TargetArn Reason: no value for required parameter');
  }
  if (TopicArn !== undefined && (typeof TopicArn !== 'string' || !TOPIC_ARN.test(TopicArn))) {
    throw snsErrors.invalidParameter('Invalid parameter: TopicArn');
  }
  if (typeof Message !== 'string' || Message.length === 0) throw snsErrors.invalidParameter('Invalid parameter: Empty message');
  if (Buffer.byteLength(Message, 'utf8') > MAX_MESSAGE_BYTES) {
    throw snsErrors.invalidParameter('Invalid parameter: Message too long');
  }
  if (Subject !== undefined) {
    // "UTF-8 text with no line breaks or control characters, and less than 100 characters long."
    if (
      typeof Subject !== 'string' ||
      Subject.length === 0 ||
      [...Subject].length >= 100 ||
      [...Subject].some((character) => character < ' ' || character === '\u007f')
    ) {
      throw snsErrors.invalidParameter('Invalid parameter: Subject');
    }
  }
  context.model.notifications.push({
    ...(typeof TopicArn === 'string' ? { TopicArn } : {}),
    ...(typeof Subject === 'string' ? { Subject } : {}),
    Message,
    PublishedAt: context.now.toISOString(),
  });
  return { MessageId: randomUUID() };
};

export const snsOperations: Record<string, Operation> = { Publish: publish };
