/**
 * The history table: one DynamoDB table (partition key `pk`, TTL attribute `expiresAt`)
 * that holds two kinds of item.
 *
 * - `EVENT#<event id>`: one per Private CA event the workflow acted on. ClaimEvent
 *   writes it (conditional PutItem) before anything else happens, so a second delivery
 *   of the same event finds it and ends DUPLICATE. RecordOutcome completes it with the
 *   outcome and, for every change made, the value before and after. `npm run rollback`
 *   reads it.
 * - `LEASE#bucket#<bucket>`: held while one execution changes that bucket's policy, so
 *   changes to a bucket shared by several CAs happen one at a time. It expires, so an
 *   execution that crashed cannot hold it forever.
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import type { AppliedAction, FailureKind, OutcomeStatus, PlannedAction, Classification } from './types';

export const EVENT_KEY_PREFIX = 'EVENT#';
export const LEASE_KEY_PREFIX = 'LEASE#bucket#';

export const eventKey = (eventId: string) => `${EVENT_KEY_PREFIX}${eventId}`;
export const leaseKey = (bucket: string) => `${LEASE_KEY_PREFIX}${bucket}`;

/** What ClaimEvent writes, prepared by ClassifyEvent so that every field is a string the ASL can map. */
export interface EventClaim {
  pk: string;
  eventId: string;
  kind: FailureKind;
  detailType: string;
  eventTime: string;
  certificateAuthorityArn: string;
  /** When ClassifyEvent ran: the start of the remediation. */
  startedAt: string;
  /** Epoch seconds (DynamoDB TTL), as a string for the `N` attribute type. */
  expiresAt: string;
}

/** One change as the history keeps it: enough to show it and to undo it. */
export interface HistoryChange {
  type: PlannedAction['type'];
  resource: string;
  description: string;
  before: string | null;
  after: string;
  appliedAt: string;
  verified: boolean;
}

export interface RollbackRecord {
  at: string;
  by: string;
  restored: Array<{ type: string; resource: string }>;
}

/** An event item: the claim as ClaimEvent wrote it, completed by RecordOutcome. */
export interface HistoryItem extends Omit<EventClaim, 'expiresAt'> {
  /** IN_PROGRESS from the claim until RecordOutcome writes the outcome. */
  status: OutcomeStatus | 'IN_PROGRESS';
  executionArn: string;
  finishedAt?: string;
  summary?: string;
  changes?: HistoryChange[];
  /** Changes planned but not made (dry run, or a person must act first). */
  planned?: Array<Omit<HistoryChange, 'appliedAt' | 'verified'>>;
  findings?: string[];
  /** Whether the outcome called for a notification (a person must act, or a dry run planned changes). */
  notificationDue?: boolean;
  rolledBack?: RollbackRecord;
  expiresAt: number;
}

export function epochSeconds(time: Date): number {
  return Math.floor(time.getTime() / 1000);
}

/** The claim for an event the workflow will act on; null for a rejected one (nothing is claimed). */
export function claimFor(classification: Classification, now: Date, days: number): EventClaim | null {
  if (classification.kind === 'UNRECOGNIZED') return null;
  return {
    pk: eventKey(classification.eventId),
    eventId: classification.eventId,
    kind: classification.kind,
    detailType: classification.detailType ?? '',
    eventTime: classification.eventTime ?? '',
    certificateAuthorityArn: classification.certificateAuthorityArn ?? '',
    startedAt: now.toISOString(),
    expiresAt: String(epochSeconds(now) + days * 86_400),
  };
}

export function historyChange(action: AppliedAction): HistoryChange {
  return {
    type: action.type,
    resource: action.resource,
    description: action.description,
    before: action.before,
    after: action.after,
    appliedAt: action.appliedAt,
    verified: action.verified,
  };
}

/** JSON-like value → DynamoDB attribute value (strings, numbers, booleans, null, lists, maps). */
export function marshal(value: unknown): AttributeValue {
  if (value === null || value === undefined) return { NULL: true };
  if (typeof value === 'string') return { S: value };
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError(`cannot store ${value} in DynamoDB`);
    return { N: String(value) };
  }
  if (typeof value === 'boolean') return { BOOL: value };
  if (Array.isArray(value)) return { L: value.map(marshal) };
  if (typeof value === 'object') {
    return {
      M: Object.fromEntries(
        Object.entries(value)
          .filter(([, item]) => item !== undefined)
          .map(([key, item]) => [key, marshal(item)]),
      ),
    };
  }
  throw new TypeError(`cannot store a ${typeof value} in DynamoDB`);
}

export function unmarshal(value: AttributeValue): unknown {
  if ('S' in value && value.S !== undefined) return value.S;
  if ('N' in value && value.N !== undefined) return Number(value.N);
  if ('BOOL' in value && value.BOOL !== undefined) return value.BOOL;
  if ('NULL' in value && value.NULL !== undefined) return null;
  if ('L' in value && value.L !== undefined) return value.L.map(unmarshal);
  if ('M' in value && value.M !== undefined) return unmarshalItem(value.M);
  throw new TypeError(`unsupported DynamoDB attribute value ${JSON.stringify(value)}`);
}

export function marshalItem(item: Record<string, unknown>): Record<string, AttributeValue> {
  return (marshal(item) as { M: Record<string, AttributeValue> }).M;
}

export function unmarshalItem(item: Record<string, AttributeValue>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(item).map(([key, value]) => [key, unmarshal(value)]));
}
