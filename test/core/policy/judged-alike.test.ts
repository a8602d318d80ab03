/**
 * Every bucket policy of the repository's account files (test/fixtures/accounts and
 * events/accounts, the demo's scenarios) and the policy the merge would write for it,
 * judged by the product's analyzer and by iam-simulate for each CA of the file, for its
 * CRL and for an audit report, in a handful of worlds each. Same rule as the property
 * test (test/property/judge.ts): the product may ask a person, it may not say "allowed"
 * where IAM denies nor "denied" where IAM allows.
 */
import { readdirSync, readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mergePcaGrant, type PcaWriteRequest } from '../../../src/core/policy';
import { SCENARIOS } from '../../../src/workstation/local/scenarios';
import { labeledDenies, POLICY_SEED, writeScenario } from '../../property/arbitraries';
import { compare, worldArb } from '../../property/judge';

const ROOT = new URL('../../../', import.meta.url);
const ACCOUNT_DIRS = ['test/fixtures/accounts', 'events/accounts'];
const WORLDS = 12;

interface AccountJson {
  partition?: string;
  certificateAuthorities: Array<{ Arn: string; RevocationConfiguration?: { CrlConfiguration?: { S3ObjectAcl?: string; CustomPath?: string } } }>;
  buckets: Array<{ Name: string; Owner?: string; Policy: unknown }>;
}

interface Case {
  name: string;
  text: string | null;
  request: PcaWriteRequest;
}

/** Private CA's request for a CA and a bucket, built from the CA's ARN (not by the product). */
function requestOf(
  caArn: string,
  bucket: string,
  owner: string | undefined,
  purpose: 'CRL' | 'AUDIT_REPORT',
  acl: string | undefined,
  customPath: string | undefined,
): PcaWriteRequest {
  const [, partition, , , account, resource] = caArn.split(':') as [string, string, string, string, string, string];
  const caId = resource.split('/')[1]!;
  const crlDir = customPath ? customPath.replace(/^\/+|\/+$/g, '') : 'crl';
  const request: PcaWriteRequest = {
    partition: partition as PcaWriteRequest['partition'],
    bucket,
    caArn,
    account,
    caId,
    objectKeys:
      purpose === 'CRL' ? ['acm-pca-permission-test-key', `${crlDir}/${caId}.crl`] : [`audit-report/${caId}/0f6c3c2e-1d2b-4c5a-9e8f-7a6b5c4d3e2f.json`],
    objectAcl: purpose === 'CRL' && acl !== 'BUCKET_OWNER_FULL_CONTROL' ? 'public-read' : 'bucket-owner-full-control',
  };
  if (owner !== undefined) request.bucketOwner = owner;
  return request;
}

function accountFileCases(): Case[] {
  const cases: Case[] = [];
  for (const dir of ACCOUNT_DIRS) {
    for (const file of readdirSync(new URL(dir, ROOT)).filter((name) => name.endsWith('.json'))) {
      const account = JSON.parse(readFileSync(new URL(`${dir}/${file}`, ROOT), 'utf8')) as AccountJson;
      for (const bucket of account.buckets) {
        const text = bucket.Policy === null ? null : typeof bucket.Policy === 'string' ? bucket.Policy : JSON.stringify(bucket.Policy);
        for (const ca of account.certificateAuthorities) {
          const crl = ca.RevocationConfiguration?.CrlConfiguration;
          for (const purpose of ['CRL', 'AUDIT_REPORT'] as const) {
            for (const owner of [bucket.Owner, undefined]) {
              const request = requestOf(ca.Arn, bucket.Name, owner, purpose, crl?.S3ObjectAcl, crl?.CustomPath);
              const name = `${dir}/${file}: bucket ${bucket.Name}, ${purpose} of ${ca.Arn.split('/')[1]}${owner ? '' : ', owner not known'}`;
              cases.push({ name, text, request });
              const merged = mergePcaGrant(text, request);
              if (merged.changed) cases.push({ name: `${name}, after the merge`, text: merged.policy, request });
            }
          }
        }
      }
    }
  }
  return cases;
}

/** The labelled Denies the property tests use, each alone and beside the documented grant, for one generated CA. */
function labeledDenyCases(): Case[] {
  const [scenario] = fc.sample(writeScenario, { numRuns: 1, seed: POLICY_SEED });
  return labeledDenies(scenario!).map(({ label, statement }) => {
    const merged = mergePcaGrant(JSON.stringify({ Version: '2012-10-17', Statement: [statement] }), scenario!.request);
    return {
      name: `labelled Deny "${label}" beside the grant`,
      text: merged.changed ? merged.policy : JSON.stringify({ Version: '2012-10-17', Statement: [statement] }),
      request: scenario!.request,
    };
  });
}

function worldsOf({ text, request }: Case) {
  const policy = text === null ? null : (JSON.parse(text) as unknown);
  return fc.sample(worldArb(request, policy, { account: '444455556666', caArn: `${request.caArn.slice(0, -4)}9999` }), { numRuns: WORLDS, seed: POLICY_SEED });
}

const CASES = [...accountFileCases(), ...labeledDenyCases()];

describe('every bucket policy of the account files, the demo and the labelled Denies, judged by the product and by iam-simulate', () => {
  it('covers the account file of every demo scenario that has a bucket policy', () => {
    for (const scenario of SCENARIOS) {
      const account = JSON.parse(readFileSync(new URL(scenario.account, ROOT), 'utf8')) as AccountJson;
      if (account.buckets.some((bucket) => bucket.Policy !== null))
        expect(
          CASES.some((c) => c.name.startsWith(`${scenario.account}:`)),
          scenario.account,
        ).toBe(true);
    }
  });

  it.each(CASES.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    for (const world of worldsOf(c)) {
      const result = compare(c.text, c.request, world);
      expect(result.disagreement, `${result.disagreement}\nworld: ${JSON.stringify(world)}`).toBeUndefined();
      expect(result.exception).toBeUndefined();
    }
  });
});
