/**
 * Classify an EventBridge event from Private CA into the failure kind the workflow
 * handles. Anything else (another source, a success, an unknown reason, a
 * documentation placeholder, a malformed ARN) is `UNRECOGNIZED` with the reason, so
 * the workflow records it as REJECTED and calls nothing that changes anything.
 * The scheduled sweep's CRL Generation events (SWEEP_SOURCE) are classified like
 * Private CA's own.
 */
import { isAccountId, isRegion, isUuid, parseCaArn, parseCertificateArn } from './arn';
import type { FailureKind, Classification } from './types';

export const PCA_EVENT_SOURCE = 'aws.acm-pca';

/**
 * The source of the events the scheduled sweep synthesizes for a CRL bucket Private CA
 * cannot write to (src/lambda/steps/sweep.ts), when Private CA's own event was lost. They are
 * CRL Generation events only.
 */
export const SWEEP_SOURCE = 'pca-remediation.sweep';

export const DETAIL_TYPES = {
  creation: 'ACM Private CA Creation',
  issuance: 'ACM Private CA Certificate Issuance',
  revocation: 'ACM Private CA Certificate Revocation',
  crl: 'ACM Private CA CRL Generation',
  auditReport: 'ACM Private CA Audit Report Generation',
} as const;

/** The detail-types that can carry `result: failure` (revocation cannot). */
export const FAILURE_DETAIL_TYPES = [DETAIL_TYPES.creation, DETAIL_TYPES.issuance, DETAIL_TYPES.crl, DETAIL_TYPES.auditReport] as const;

/** `detail.reason` of a CRL Generation failure, as documented, and the kind it maps to. */
export const CRL_FAILURE_REASONS: Readonly<Record<string, FailureKind>> = {
  'Failed to write CRL to S3. Check your S3 bucket permissions.': 'CRL_S3_PERMISSION',
  'Failed to write CRL to S3. Internal failure.': 'CRL_S3_INTERNAL',
  'Failed to generate CRL. Internal failure.': 'CRL_GENERATION_INTERNAL',
};

type EventRecord = Record<string, unknown>;

function isRecord(value: unknown): value is EventRecord {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Longest quote of a bad value in a rejection: an event can be 256 KB, the message stays short. */
export const QUOTE_LIMIT = 120;

function describe(value: unknown): string {
  if (value === undefined) return 'missing';
  const text = JSON.stringify(value) ?? String(value);
  return text.length <= QUOTE_LIMIT ? text : `${text.slice(0, QUOTE_LIMIT)}… (${text.length} characters)`;
}

class Rejection extends Error {}

function reject(problem: string): never {
  throw new Rejection(problem);
}

/** Classify `event`; never throws. */
export function classifyEvent(event: unknown): Classification {
  const eventId = isRecord(event) && typeof event.id === 'string' && event.id !== '' ? event.id : 'unknown';
  try {
    return classifyOrReject(event, eventId);
  } catch (error) {
    if (!(error instanceof Rejection)) throw error;
    const classification: Classification = { kind: 'UNRECOGNIZED', eventId, rejection: error.message };
    if (isRecord(event)) {
      if (typeof event['detail-type'] === 'string') classification.detailType = event['detail-type'].slice(0, QUOTE_LIMIT);
      if (typeof event.time === 'string') classification.eventTime = event.time;
      const first = Array.isArray(event.resources) ? event.resources[0] : undefined;
      if (typeof first === 'string') classification.certificateAuthorityArn = first;
    }
    return classification;
  }
}

function classifyOrReject(event: unknown, eventId: string): Classification {
  if (!isRecord(event)) reject(`the event is ${Array.isArray(event) ? 'a list' : describe(event)}, not a JSON object`);
  if (eventId === 'unknown') reject(`field "id" is ${describe(event.id)}; an EventBridge event has a non-empty string id`);
  if (event.source !== PCA_EVENT_SOURCE && event.source !== SWEEP_SOURCE) {
    reject(`field "source" is ${describe(event.source)}, not "${PCA_EVENT_SOURCE}" (or "${SWEEP_SOURCE}")`);
  }

  const detailType = event['detail-type'];
  if (typeof detailType !== 'string') reject(`field "detail-type" is ${describe(detailType)}`);
  if (event.source === SWEEP_SOURCE && detailType !== DETAIL_TYPES.crl) {
    reject(`the sweep ("${SWEEP_SOURCE}") reports CRL buckets only: field "detail-type" is ${describe(detailType)}, not "${DETAIL_TYPES.crl}"`);
  }
  if (detailType === DETAIL_TYPES.revocation) {
    reject('"ACM Private CA Certificate Revocation" events report successes only; there is nothing to remediate');
  }
  if (!(FAILURE_DETAIL_TYPES as readonly string[]).includes(detailType)) {
    reject(`field "detail-type" is ${describe(detailType)}, not a Private CA event this workflow handles`);
  }

  const detail = event.detail;
  if (!isRecord(detail)) reject(`field "detail" is ${describe(detail)}, not an object`);
  if (detail.result === 'success') reject(`this is a success event ("${detailType}", result "success"); there is nothing to remediate`);
  if (detail.result !== 'failure') reject(`field "detail.result" is ${describe(detail.result)}, not "failure"`);

  const time = event.time;
  if (typeof time !== 'string' || Number.isNaN(Date.parse(time)) || !/^\d{4}-\d{2}-\d{2}T/.test(time)) {
    reject(`field "time" is ${describe(time)}, not an ISO 8601 timestamp`);
  }
  const account = event.account;
  if (typeof account !== 'string' || !isAccountId(account)) {
    reject(`field "account" is ${describe(account)}: the documentation's placeholder or not a 12-digit account id`);
  }
  const region = event.region;
  if (typeof region !== 'string' || !isRegion(region)) {
    reject(`field "region" is ${describe(region)}: the documentation's placeholder or not a region name`);
  }

  const resources = event.resources;
  if (!Array.isArray(resources) || resources.length === 0) reject(`field "resources" is ${describe(resources)}; it must list the CA ARN first`);
  const ca = parseCaArn(resources[0], 'resources[0] (the CA ARN)');
  if (!ca.ok) reject(ca.problem);
  if (ca.value.account !== account) {
    reject(`the CA ARN's account ${ca.value.account} differs from the event's account ${account}`);
  }
  if (ca.value.region !== region) {
    reject(`the CA ARN's region ${ca.value.region} differs from the event's region ${region}`);
  }

  const classification: Classification = {
    kind: 'UNRECOGNIZED',
    eventId,
    eventTime: new Date(time).toISOString(),
    detailType,
    certificateAuthorityArn: ca.value.arn,
    certificateAuthorityId: ca.value.caId,
    partition: ca.value.partition,
    region: ca.value.region,
    account: ca.value.account,
  };

  switch (detailType) {
    case DETAIL_TYPES.creation:
      return { ...classification, kind: 'CA_CREATION' };
    case DETAIL_TYPES.issuance: {
      const certificate = parseCertificateArn(resources[1], 'resources[1] (the certificate ARN)');
      if (!certificate.ok) reject(certificate.problem);
      const { value: cert } = certificate;
      if (cert.caId !== ca.value.caId || cert.account !== ca.value.account || cert.region !== ca.value.region || cert.partition !== ca.value.partition) {
        reject(`the certificate ARN ${certificate.value.arn} does not belong to the CA ${ca.value.arn}`);
      }
      return { ...classification, kind: 'CERTIFICATE_ISSUANCE', certificateArn: certificate.value.arn };
    }
    case DETAIL_TYPES.crl: {
      const reason = detail.reason;
      // Own keys only: "constructor" or "__proto__" must not find Object.prototype's members.
      const kind = typeof reason === 'string' && Object.hasOwn(CRL_FAILURE_REASONS, reason) ? CRL_FAILURE_REASONS[reason] : undefined;
      if (kind === undefined) {
        reject(`field "detail.reason" is ${describe(reason)}, not one of the documented CRL failure reasons`);
      }
      return { ...classification, kind, reason: reason as string };
    }
    default: {
      const reportId = resources[1];
      if (typeof reportId !== 'string' || !isUuid(reportId)) {
        reject(`resources[1] (the audit report id) is ${describe(reportId)}: the documentation's placeholder or not a report id`);
      }
      return { ...classification, kind: 'AUDIT_REPORT', auditReportId: reportId };
    }
  }
}
