/**
 * Undo what one remediation changed, from its history item: the bucket policy (or the
 * CA's CRL setting) goes back to the value the remediation replaced, but only where the
 * current value is still exactly what the remediation wrote. If anything changed since
 * (another CA's grant added to the same bucket, a person's edit), nothing at all is
 * changed and the differences are returned instead.
 *
 * The same code runs against AWS (`npm run rollback -- <event id>`) and against the
 * simulated account with the history on dynalite (`--local`, and the tests): it uses
 * the clients of src/lambda/aws/clients.
 */
import { DescribeCertificateAuthorityCommand, UpdateCertificateAuthorityCommand, type RevocationConfiguration } from '@aws-sdk/client-acm-pca';
import { DeleteBucketPolicyCommand, PutBucketPolicyCommand } from '@aws-sdk/client-s3';
import { UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { parseCaArn } from '../core/arn';
import { canonicalJson } from '../core/canonical-json';
import { readPolicy } from '../lambda/aws/bucket-state';
import { acmPca } from '../lambda/aws/clients/acm-pca';
import { dynamoDb } from '../lambda/aws/clients/dynamodb';
import { s3 } from '../lambda/aws/clients/s3';
import { now } from '../lambda/runtime/clock';
import { awsErrorName } from '../core/errors';
import { eventKey, marshal, type HistoryChange, type HistoryItem } from '../core/history-item';
import { withBucketLease } from '../lambda/aws/history/lease';
import { readHistoryItem } from '../lambda/aws/history/store';

/** Why a rollback cannot be done; nothing was changed. */
export class RollbackRefused extends Error {
  override readonly name = 'RollbackRefused';
  constructor(
    message: string,
    readonly differences: Difference[] = [],
  ) {
    super(message);
  }
}

/** A change whose resource no longer holds what the remediation wrote. */
export interface Difference {
  change: HistoryChange;
  /** What the remediation wrote. */
  expected: string;
  /** What is there now (null: no policy at all). */
  current: string | null;
}

export interface RestoredChange {
  change: HistoryChange;
  /** `deleted`: the bucket had no policy before, so the policy was deleted. */
  how: 'restored' | 'deleted';
  verified: boolean;
}

export interface RollbackResult {
  item: HistoryItem;
  restored: RestoredChange[];
  /** Changes that cannot be undone (a re-requested audit report), left as they are. */
  kept: HistoryChange[];
}

export interface RollbackOptions {
  table: string;
  eventId: string;
  /** Who asks, for the history item and the bucket lease (e.g. `rollback by alice`). */
  by: string;
  /** Seconds of the bucket lease (default 120). */
  leaseSeconds?: number;
}

/** A policy text in canonical form (src/core/canonical-json.ts), so that S3 re-serialising a policy is not a difference; text that is not JSON as it is. */
function canonical(text: string | null): string | null {
  if (text === null) return null;
  try {
    return canonicalJson(JSON.parse(text));
  } catch {
    return text;
  }
}

export const sameValue = (a: string | null, b: string | null) => canonical(a) === canonical(b);

function bucketOf(change: HistoryChange): string {
  const match = /^arn:aws[a-z-]*:s3:::([^/]+)$/.exec(change.resource);
  if (!match) throw new RollbackRefused(`the change to ${change.resource} does not name a bucket; it cannot be rolled back`);
  return match[1]!;
}

function ownerOf(item: HistoryItem): string {
  const ca = parseCaArn(item.certificateAuthorityArn, 'the CA of the history item');
  if (!ca.ok) throw new RollbackRefused(`the history item of event ${item.eventId} has no usable CA ARN (${ca.problem})`);
  return ca.value.account;
}

async function currentRevocation(arn: string): Promise<RevocationConfiguration | null> {
  try {
    const { CertificateAuthority } = await acmPca().send(new DescribeCertificateAuthorityCommand({ CertificateAuthorityArn: arn }));
    return CertificateAuthority?.RevocationConfiguration ?? {};
  } catch (error) {
    if (awsErrorName(error) === 'ResourceNotFoundException') return null;
    throw error;
  }
}

async function currentValue(change: HistoryChange, owner: string): Promise<string | null> {
  if (change.type === 'PutBucketPolicy') return readPolicy(bucketOf(change), owner);
  const revocation = await currentRevocation(change.resource);
  return revocation === null ? null : JSON.stringify(revocation);
}

async function restore(change: HistoryChange, owner: string): Promise<RestoredChange> {
  if (change.type === 'PutBucketPolicy') {
    const bucket = bucketOf(change);
    if (change.before === null) await s3().send(new DeleteBucketPolicyCommand({ Bucket: bucket, ExpectedBucketOwner: owner }));
    else await s3().send(new PutBucketPolicyCommand({ Bucket: bucket, Policy: change.before, ExpectedBucketOwner: owner }));
    const readBack = await readPolicy(bucket, owner);
    return { change, how: change.before === null ? 'deleted' : 'restored', verified: sameValue(readBack, change.before) };
  }
  const before = JSON.parse(change.before ?? '{}') as RevocationConfiguration;
  try {
    await acmPca().send(new UpdateCertificateAuthorityCommand({ CertificateAuthorityArn: change.resource, RevocationConfiguration: before }));
  } catch (error) {
    // Private CA tests the bucket on every update of the CRL settings: a PUBLIC_READ setting
    // is refused while the bucket rejects public-read ACLs (Block Public Access, ACLs disabled).
    const name = awsErrorName(error);
    if (name === 'InvalidArgsException' || name === 'InvalidPolicyException' || name === 'AccessDeniedException' || name === 'InvalidStateException') {
      throw new RollbackRefused(`Private CA refused to restore the CRL settings of ${change.resource} (${name}: "${(error as Error).message}")`);
    }
    throw error;
  }
  const readBack = await currentRevocation(change.resource);
  const crl = (value: RevocationConfiguration | null) => value?.CrlConfiguration?.S3ObjectAcl ?? null;
  return { change, how: 'restored', verified: readBack !== null && crl(readBack) === (crl(before) ?? 'PUBLIC_READ') };
}

/** What the rollback would find: the item, and the differences that would stop it. */
export async function checkRollback(
  options: Pick<RollbackOptions, 'table' | 'eventId'>,
): Promise<{ item: HistoryItem; undoable: HistoryChange[]; kept: HistoryChange[]; differences: Difference[] }> {
  const item = await readHistoryItem(options.table, options.eventId);
  if (!item) throw new RollbackRefused(`no remediation of event ${options.eventId} in the history table ${options.table}`);
  if (item.status === 'IN_PROGRESS')
    throw new RollbackRefused(`the remediation of event ${options.eventId} is still running (${item.executionArn}); wait for it to end`);
  if (item.rolledBack)
    throw new RollbackRefused(`the remediation of event ${options.eventId} was already rolled back at ${item.rolledBack.at} (${item.rolledBack.by})`);
  const changes = item.changes ?? [];
  const undoable = changes.filter((change) => change.type === 'PutBucketPolicy' || change.type === 'UpdateCertificateAuthority');
  const kept = changes.filter((change) => !undoable.includes(change));
  if (undoable.length === 0)
    throw new RollbackRefused(
      `the remediation of event ${options.eventId} (${item.status}) changed nothing that can be rolled back${kept.length ? ` (${kept.map((change) => change.type).join(', ')} cannot be undone)` : ''}`,
    );
  const owner = ownerOf(item);
  const differences: Difference[] = [];
  for (const change of undoable) {
    const current = await currentValue(change, owner);
    if (!sameValue(current, change.after)) differences.push({ change, expected: change.after, current });
  }
  return { item, undoable, kept, differences };
}

/**
 * Roll back the remediation of `eventId`, all or nothing: refused (RollbackRefused with
 * the differences) unless every changed resource still holds what the remediation wrote.
 * Bucket policies are restored holding the bucket's lease, and checked again under it.
 */
export async function rollback(options: RollbackOptions): Promise<RollbackResult> {
  const { item, undoable, kept, differences } = await checkRollback(options);
  if (differences.length > 0) {
    throw new RollbackRefused(
      `${differences.length} of the ${undoable.length} change(s) of event ${options.eventId} no longer hold what the remediation wrote; nothing was changed`,
      differences,
    );
  }
  const owner = ownerOf(item);
  const restored: RestoredChange[] = [];
  // Newest change first: the CA setting was changed after the policy (the grant had to be there for Private CA's bucket test).
  for (const change of [...undoable].reverse()) {
    if (change.type !== 'PutBucketPolicy') {
      try {
        restored.push(await restore(change, owner));
      } catch (error) {
        if (!(error instanceof RollbackRefused)) throw error;
        throw new RollbackRefused(`${error.message}; ${restored.length ? `${restored.length} change(s) were already restored` : 'nothing was changed'}`);
      }
      continue;
    }
    const lease = { table: options.table, bucket: bucketOf(change), holder: `${options.by} (event ${options.eventId})`, seconds: options.leaseSeconds };
    restored.push(
      await withBucketLease(lease, async () => {
        const current = await currentValue(change, owner);
        if (!sameValue(current, change.after)) {
          throw new RollbackRefused(
            `the policy of ${bucketOf(change)} changed while the rollback started${restored.length ? `; ${restored.length} change(s) were already restored` : ''}`,
            [{ change, expected: change.after, current }],
          );
        }
        return restore(change, owner);
      }),
    );
  }
  await dynamoDb().send(
    new UpdateItemCommand({
      TableName: options.table,
      Key: { pk: { S: eventKey(options.eventId) } },
      UpdateExpression: 'SET rolledBack = :rolledBack',
      ConditionExpression: 'attribute_not_exists(rolledBack)',
      ExpressionAttributeValues: {
        ':rolledBack': marshal({
          at: now().toISOString(),
          by: options.by,
          restored: restored.map(({ change, how }) => ({ type: change.type, resource: change.resource, how })),
        }),
      },
    }),
  );
  return { item, restored, kept };
}
