/**
 * The buckets of the account file, in the shapes S3's Get* calls return.
 */
import { isAccountId, isRegion } from '../lib/arn';
import type { BucketEntry, PublicAccessBlockConfiguration, ServerSideEncryptionRule } from './account-file';
import {
  anyObject,
  boolean,
  defined,
  describe,
  fail,
  list,
  nullable,
  object,
  oneOf,
  optionalBoolean,
  optionalString,
  string,
  timestamp,
  type Json,
} from './account-file-fields';

const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

export function parseBucket(value: unknown, path: string, home: { account: string; region: string }): BucketEntry {
  const b = object(value, path, [
    'Name',
    'Owner',
    'Region',
    'Policy',
    'PublicAccessBlockConfiguration',
    'OwnershipControls',
    'ServerSideEncryptionConfiguration',
    'Objects',
  ]);
  const name = string(b.Name, `${path}.Name`);
  if (!BUCKET_NAME.test(name)) fail(`${path}.Name`, `"${name}" is not a valid S3 bucket name`);
  const owner = b.Owner === undefined ? home.account : string(b.Owner, `${path}.Owner`);
  if (!isAccountId(owner)) fail(`${path}.Owner`, `must be a 12-digit account id, not ${describe(owner)}`);
  const region = b.Region === undefined ? home.region : string(b.Region, `${path}.Region`);
  if (!isRegion(region)) fail(`${path}.Region`, `must be an AWS region, not ${describe(region)}`);
  return {
    Name: name,
    Owner: owner,
    Region: region,
    Policy: nullable(b.Policy, (p) => parsePolicy(p, `${path}.Policy`)),
    PublicAccessBlockConfiguration: nullable(b.PublicAccessBlockConfiguration, (p) => parsePublicAccessBlock(p, `${path}.PublicAccessBlockConfiguration`)),
    OwnershipControls: nullable(b.OwnershipControls, (o) => parseOwnershipControls(o, `${path}.OwnershipControls`)),
    ServerSideEncryptionConfiguration: nullable(b.ServerSideEncryptionConfiguration, (s) =>
      parseEncryption(s, `${path}.ServerSideEncryptionConfiguration`),
    ),
    Objects: parseObjects(b.Objects, `${path}.Objects`),
  };
}

function parsePolicy(value: unknown, path: string): string | Json {
  if (typeof value === 'string') {
    let document: unknown;
    try {
      document = JSON.parse(value);
    } catch (error) {
      fail(path, `is not valid JSON (${(error as Error).message})`);
    }
    anyObject(document, path);
    return value;
  }
  return anyObject(value, path);
}

export function parsePublicAccessBlock(value: unknown, path: string): PublicAccessBlockConfiguration {
  const fields = ['BlockPublicAcls', 'IgnorePublicAcls', 'BlockPublicPolicy', 'RestrictPublicBuckets'] as const;
  const p = object(value, path, fields);
  return defined(Object.fromEntries(fields.map((f) => [f, optionalBoolean(p[f], `${path}.${f}`)])));
}

function parseOwnershipControls(value: unknown, path: string): NonNullable<BucketEntry['OwnershipControls']> {
  const o = object(value, path, ['Rules']);
  const rules = list(o.Rules, `${path}.Rules`);
  if (rules.length !== 1) fail(`${path}.Rules`, `must hold exactly one rule, not ${rules.length}`);
  const rule = object(rules[0], `${path}.Rules[0]`, ['ObjectOwnership']);
  const ownership = oneOf(rule.ObjectOwnership, `${path}.Rules[0].ObjectOwnership`, [
    'BucketOwnerEnforced',
    'BucketOwnerPreferred',
    'ObjectWriter',
  ] as const);
  return { Rules: [{ ObjectOwnership: ownership }] };
}

function parseEncryption(value: unknown, path: string): NonNullable<BucketEntry['ServerSideEncryptionConfiguration']> {
  const s = object(value, path, ['Rules']);
  const rules = list(s.Rules, `${path}.Rules`).map((r, i): ServerSideEncryptionRule => {
    const rulePath = `${path}.Rules[${i}]`;
    const rule = object(r, rulePath, ['ApplyServerSideEncryptionByDefault', 'BucketKeyEnabled']);
    const byDefault =
      rule.ApplyServerSideEncryptionByDefault === undefined
        ? undefined
        : object(rule.ApplyServerSideEncryptionByDefault, `${rulePath}.ApplyServerSideEncryptionByDefault`, [
            'SSEAlgorithm',
            'KMSMasterKeyID',
          ]);
    return defined({
      ApplyServerSideEncryptionByDefault: byDefault
        ? defined({
            SSEAlgorithm: oneOf(byDefault.SSEAlgorithm, `${rulePath}.ApplyServerSideEncryptionByDefault.SSEAlgorithm`, [
              'AES256',
              'aws:kms',
              'aws:kms:dsse',
            ] as const),
            KMSMasterKeyID: optionalString(byDefault.KMSMasterKeyID, `${rulePath}.ApplyServerSideEncryptionByDefault.KMSMasterKeyID`),
          })
        : undefined,
      BucketKeyEnabled: rule.BucketKeyEnabled === undefined ? undefined : boolean(rule.BucketKeyEnabled, `${rulePath}.BucketKeyEnabled`),
    });
  });
  return { Rules: rules };
}

function parseObjects(value: unknown, path: string): Record<string, string> {
  if (value === undefined || value === null) return {};
  const objects = anyObject(value, path);
  return Object.fromEntries(Object.entries(objects).map(([key, modified]) => [key, timestamp(modified, `${path}["${key}"]`)]));
}
