/**
 * Parsing of the ARNs a Private CA event carries. Account, region and partition are
 * read from the CA's ARN, never guessed; the documentation's placeholders
 * ("region", "account", "CA_ID") are reported as such.
 */
import type { Partition } from './types';

export interface CaArn {
  arn: string;
  partition: Partition;
  region: string;
  account: string;
  caId: string;
}

export interface CertificateArn extends CaArn {
  certificateId: string;
}

const PARTITIONS: readonly Partition[] = ['aws', 'aws-cn', 'aws-us-gov'];
const REGION = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;
const ACCOUNT = /^\d{12}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const CERTIFICATE_ID = /^[0-9a-f]{32}$/;

/** The result of a parse: the value, or a sentence saying what is wrong with it. */
export type Parsed<T> = { ok: true; value: T } | { ok: false; problem: string };

export function isUuid(value: string): boolean {
  return UUID.test(value);
}

export function isAccountId(value: string): boolean {
  return ACCOUNT.test(value);
}

export function isRegion(value: string): boolean {
  return REGION.test(value);
}

function parseArnPrefix(arn: unknown, what: string): Parsed<{ partition: Partition; region: string; account: string; resource: string }> {
  if (typeof arn !== 'string' || arn.length === 0) {
    return { ok: false, problem: `${what} is missing` };
  }
  const parts = arn.split(':');
  if (parts.length < 6 || parts[0] !== 'arn') {
    return { ok: false, problem: `${what} "${arn}" is not an ARN` };
  }
  const [, partition, service, region, account] = parts as [string, string, string, string, string];
  const resource = parts.slice(5).join(':');
  if (!PARTITIONS.includes(partition as Partition)) {
    return { ok: false, problem: `${what} "${arn}" has unknown partition "${partition}"` };
  }
  if (service !== 'acm-pca') {
    return { ok: false, problem: `${what} "${arn}" is not a Private CA ARN (service "${service}")` };
  }
  if (!isRegion(region)) {
    return { ok: false, problem: `${what} "${arn}" has placeholder or invalid region "${region}"` };
  }
  if (!isAccountId(account)) {
    return { ok: false, problem: `${what} "${arn}" has placeholder or invalid account "${account}"` };
  }
  return { ok: true, value: { partition: partition as Partition, region, account, resource } };
}

export function parseCaArn(arn: unknown, what = 'CA ARN'): Parsed<CaArn> {
  const prefix = parseArnPrefix(arn, what);
  if (!prefix.ok) return prefix;
  const { resource, ...rest } = prefix.value;
  const match = /^certificate-authority\/(.+)$/.exec(resource);
  if (!match || !isUuid(match[1]!)) {
    return { ok: false, problem: `${what} "${String(arn)}" has placeholder or invalid CA id in "${resource}"` };
  }
  return { ok: true, value: { arn: arn as string, ...rest, caId: match[1]! } };
}

export function parseCertificateArn(arn: unknown, what = 'certificate ARN'): Parsed<CertificateArn> {
  const prefix = parseArnPrefix(arn, what);
  if (!prefix.ok) return prefix;
  const { resource, ...rest } = prefix.value;
  const match = /^certificate-authority\/([^/]+)\/certificate\/([^/]+)$/.exec(resource);
  if (!match) {
    return { ok: false, problem: `${what} "${String(arn)}" is not a Private CA certificate ARN` };
  }
  const [, caId, certificateId] = match as unknown as [string, string, string];
  if (!isUuid(caId)) {
    return { ok: false, problem: `${what} "${String(arn)}" has placeholder or invalid CA id "${caId}"` };
  }
  if (!CERTIFICATE_ID.test(certificateId)) {
    return { ok: false, problem: `${what} "${String(arn)}" has placeholder or invalid certificate id "${certificateId}"` };
  }
  return { ok: true, value: { arn: arn as string, ...rest, caId, certificateId } };
}

/** `arn:<partition>:s3:::<bucket>` */
export function bucketArn(partition: Partition, bucket: string): string {
  return `arn:${partition}:s3:::${bucket}`;
}
