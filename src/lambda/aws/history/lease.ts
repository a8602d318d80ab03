/**
 * A lease on one bucket, in the history table, so that policy changes to a bucket
 * several CAs share happen one at a time: read, merge, write, read back, then let go.
 *
 * Acquire is a conditional PutItem that succeeds when nobody holds the lease, when the
 * holder's lease has expired (a crashed execution), or when the holder is us (a retry
 * of our own step). Release is a DeleteItem conditional on still being the holder. A
 * lease lasts twice the repair function's timeout, so it outlives any invocation that
 * holds it, and no longer.
 */
import { ConditionalCheckFailedException, DeleteItemCommand, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { dynamoDb } from '../clients/dynamodb';
import { now } from '../../runtime/clock';
import { DEFAULT_LEASE_SECONDS } from '../../runtime/config';
import { awsErrorName, BucketBusy, rethrowAws } from '../../../core/errors';
import { logger } from '../../runtime/powertools';
import { epochSeconds, leaseKey, marshalItem, unmarshalItem } from '../../../core/history-item';

export interface LeaseOptions {
  table: string;
  bucket: string;
  /** Who asks: the execution ARN (a retry of the same step takes its own lease again). */
  holder: string;
  seconds?: number;
}

async function currentHolder(table: string, bucket: string): Promise<{ holder: string; expiresAt: number } | null> {
  try {
    const { Item } = await dynamoDb().send(new GetItemCommand({ TableName: table, Key: { pk: { S: leaseKey(bucket) } }, ConsistentRead: true }));
    if (!Item) return null;
    const item = unmarshalItem(Item) as { holder: string; expiresAt: number };
    return { holder: item.holder, expiresAt: item.expiresAt };
  } catch {
    return null; // Only for the message; the lease is busy either way.
  }
}

export async function acquireLease({ table, bucket, holder, seconds = DEFAULT_LEASE_SECONDS }: LeaseOptions): Promise<void> {
  const time = now();
  try {
    await dynamoDb().send(
      new PutItemCommand({
        TableName: table,
        Item: marshalItem({ pk: leaseKey(bucket), type: 'lease', bucket, holder, acquiredAt: time.toISOString(), expiresAt: epochSeconds(time) + seconds }),
        ConditionExpression: 'attribute_not_exists(pk) OR expiresAt < :now OR holder = :holder',
        ExpressionAttributeValues: { ':now': { N: String(epochSeconds(time)) }, ':holder': { S: holder } },
      }),
    );
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException || awsErrorName(error) === 'ConditionalCheckFailedException') {
      const current = await currentHolder(table, bucket);
      const who = current ? `${current.holder} until ${new Date(current.expiresAt * 1000).toISOString()}` : 'another execution';
      throw new BucketBusy(`the policy of ${bucket} is being changed by ${who}; will retry`);
    }
    rethrowAws(error, `acquire the lease on ${bucket}`);
  }
}

/** Let go of the lease. Never throws: a lease we could not delete expires by itself. */
export async function releaseLease({ table, bucket, holder }: LeaseOptions): Promise<'released' | 'lost' | 'left-to-expire'> {
  try {
    await dynamoDb().send(
      new DeleteItemCommand({
        TableName: table,
        Key: { pk: { S: leaseKey(bucket) } },
        ConditionExpression: 'holder = :holder',
        ExpressionAttributeValues: { ':holder': { S: holder } },
      }),
    );
    return 'released';
  } catch (error) {
    if (awsErrorName(error) === 'ConditionalCheckFailedException') {
      logger.warn('the bucket lease had expired and was taken by another execution before this one let go', { bucket, holder });
      return 'lost';
    }
    logger.warn('the bucket lease could not be released; it expires by itself', { bucket, holder, error });
    return 'left-to-expire';
  }
}

/** Run `work` holding the lease on `bucket`; BucketBusy when someone else holds it. */
export async function withBucketLease<T>(options: LeaseOptions, work: () => Promise<T>): Promise<T> {
  await acquireLease(options);
  try {
    return await work();
  } finally {
    await releaseLease(options);
  }
}
