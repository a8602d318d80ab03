/**
 * The local runner (`npm run local`, `npm run demo`): every demo scenario through the
 * same code path as `npm run local --json`, and the simulated account checked after:
 * the policy grants exactly what Private CA needs, nothing else changed, nothing is
 * written in dry-run or for a rejected event.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseAccountFile, type AccountFile } from '../../../src/workstation/local/account-file';
import { accountChanges } from '../../../src/workstation/local/account-changes';
import {
  defaultAccountFor,
  LocalInputError,
  parameterEnvironment,
  readJsonFile,
  runLocal,
  seededRandom,
  type LocalRun,
} from '../../../src/workstation/local/runner';
import { SCENARIOS } from '../../../src/workstation/local/scenarios';
import { documentedGrant as scenarioGrant } from '../../workflow/scenario';

const root = new URL('../../../', import.meta.url);
const json = (path: string) => JSON.parse(readFileSync(new URL(path, root), 'utf8'));
const CA_ARN = 'arn:aws:acm-pca:us-east-1:111122223333:certificate-authority/11223344-1234-1122-2233-112233445566';

function scenario(id: string) {
  const found = SCENARIOS.find((entry) => entry.id === id);
  if (!found) throw new Error(`no scenario ${id}`);
  return found;
}

async function runScenario(id: string): Promise<LocalRun> {
  const entry = scenario(id);
  return runLocal({
    event: json(entry.event),
    account: json(entry.account),
    params: { mode: entry.mode ?? 'apply' },
    ...(entry.approver ? { approver: entry.approver } : {}),
  });
}

function statements(file: AccountFile, bucket: string): Array<Record<string, unknown>> {
  const policy = file.buckets.find((entry) => entry.Name === bucket)!.Policy;
  if (policy === null) return [];
  return (typeof policy === 'string' ? JSON.parse(policy) : policy).Statement;
}

/** The statement the Private CA documentation gives, for one CA and one bucket, under the Sid the workflow writes. */
const documentedGrant = (bucket: string) => ({ ...scenarioGrant(CA_ARN, bucket), Sid: 'AllowAcmPcaWrite11223344123411222233112233445566' });

describe('runLocal: the report `npm run local --json` prints', () => {
  it.each(SCENARIOS.map((entry) => [entry.id]))('%s: status, outcome, states, calls and the account after', async (id) => {
    // Act
    const run = await runScenario(id);
    const { report } = run;
    // Assert
    expect(Object.keys(report).sort()).toEqual(['account', 'calls', 'executionArn', 'history', 'outcome', 'states', 'status']);
    // The history table: the event claimed and completed, unless it was rejected (nothing claimed).
    const claimed = report.outcome?.status !== 'REJECTED';
    expect(report.history).toEqual(
      claimed ? [expect.objectContaining({ pk: `EVENT#${report.outcome?.eventId}`, status: report.outcome?.status, executionArn: report.executionArn })] : [],
    );
    expect(report.status).toBe(scenario(id).expect.executionStatus);
    expect(report.outcome?.status).toBe(scenario(id).expect.status);
    expect(report.states[0]).toMatchObject({ name: 'ClassifyEvent', type: 'Task', attempts: 1, error: null });
    expect(report.states.map((state) => state.name)).toEqual(run.view.states.map((state) => state.name));
    for (const call of report.calls)
      expect(call).toEqual({
        service: expect.stringMatching(/^(S3|ACM PCA|SNS)$/),
        operation: expect.stringMatching(/^[A-Z][A-Za-z0-9]+$/),
        input: expect.any(Object),
        error: expect.toSatisfy((error) => error === null || typeof error === 'string'),
        at: expect.any(String),
      });
    expect(parseAccountFile(report.account)).toEqual(report.account);
    expect(JSON.parse(JSON.stringify(report))).toEqual(report);
  });

  it('adds exactly the documented Private CA statement and keeps every other statement as it was', async () => {
    const run = await runScenario('crl-missing-grant');
    const before = statements(run.before, 'pca-crl-111122223333');
    const after = statements(run.report.account, 'pca-crl-111122223333');
    expect(after).toEqual([...before, documentedGrant('pca-crl-111122223333')]);
    // And Private CA, retrying by itself, wrote its CRL while the workflow waited for the proof.
    expect(accountChanges(run.before, run.report.account)).toEqual([
      { resource: 's3://pca-crl-111122223333', what: 'bucket policy changed' },
      { resource: 's3://pca-crl-111122223333', what: expect.stringMatching(/^object crl\/11223344-1234-1122-2233-112233445566\.crl rewritten/) },
    ]);
    expect(run.report.calls.filter((call) => call.operation === 'PutBucketPolicy')).toHaveLength(1);
  });

  it('switches only the CRL object ACL of a PUBLIC_READ CA, and adds the grant', async () => {
    const run = await runScenario('crl-public-read-acls-disabled');
    const ca = (file: AccountFile) => file.certificateAuthorities[0]!.RevocationConfiguration!;
    expect(ca(run.report.account)).toEqual({
      ...ca(run.before),
      CrlConfiguration: { ...ca(run.before).CrlConfiguration, S3ObjectAcl: 'BUCKET_OWNER_FULL_CONTROL' },
    });
    expect(statements(run.report.account, 'pca-crl-111122223333')).toEqual([
      ...statements(run.before, 'pca-crl-111122223333'),
      documentedGrant('pca-crl-111122223333'),
    ]);
    expect(
      accountChanges(run.before, run.report.account)
        .map((change) => change.what.replace(/ \(.*$/, ''))
        .sort(),
    ).toEqual(['RevocationConfiguration changed', 'bucket policy changed', 'object crl/11223344-1234-1122-2233-112233445566.crl rewritten']);
  });

  it('repairs the audit bucket and re-requests the report, which Private CA then writes', async () => {
    const run = await runScenario('audit-report-repaired');
    expect(statements(run.report.account, 'pca-audit-111122223333')).toEqual([documentedGrant('pca-audit-111122223333')]);
    const changes = accountChanges(run.before, run.report.account).map((change) => change.what);
    expect(changes).toEqual([
      'bucket policy created',
      expect.stringMatching(/^object audit-report\/11223344-1234-1122-2233-112233445566\/.+\.json written/),
      expect.stringMatching(/^audit report .+ requested \(SUCCESS\)$/),
    ]);
  });

  it.each([['crl-missing-grant-dry-run'], ['crl-explicit-deny'], ['certificate-issuance'], ['ca-creation']])(
    '%s: writes nothing; the only change is the notification',
    async (id) => {
      const run = await runScenario(id);
      expect(accountChanges(run.before, run.report.account)).toEqual([
        { resource: 'SNS', what: expect.stringMatching(/^notification sent: \[pca-remediation\] /) },
      ]);
    },
  );

  it('for a rejected event calls nothing and changes nothing', async () => {
    const run = await runScenario('malformed-event');
    expect(run.report.calls).toEqual([]);
    expect(run.report.account).toEqual(run.before);
  });

  it('lets Private CA recover by itself and changes nothing but the CRL Private CA writes', async () => {
    const run = await runScenario('crl-internal-recovers');
    expect(accountChanges(run.before, run.report.account)).toEqual([
      { resource: 's3://pca-crl-111122223333', what: expect.stringMatching(/^object crl\/11223344-1234-1122-2233-112233445566\.crl rewritten/) },
    ]);
    expect(run.report.states.find((state) => state.name === 'CheckCrlRepublished')).toMatchObject({ attempts: expect.any(Number), error: null });
    const check = run.report.states.find((state) => state.name === 'CheckCrlRepublished')!;
    expect(check.retries).toHaveLength(check.attempts - 1);
    expect(check.retries.every((retry) => retry.error === 'CrlNotYetPublished' && retry.delaySeconds >= 0 && retry.delaySeconds <= 900)).toBe(true);
  });

  it('repeats exactly with the same jitter seed and execution name, and differs with another seed', async () => {
    const entry = scenario('crl-internal-persists');
    const run = (seed: number) => runLocal({ event: json(entry.event), account: json(entry.account), random: seededRandom(seed), executionName: 'repeat' });
    const first = await run(7);
    expect((await run(7)).report).toEqual(first.report);
    expect((await run(8)).report.states).not.toEqual(first.report.states);
  });
});

describe('the default account for an event', () => {
  it("is the example account of the event's kind", () => {
    const { file, kind, source } = defaultAccountFor(json('events/crl-s3-permission-failure.json'));
    expect(kind).toBe('CRL_S3_PERMISSION');
    expect(source).toBe('events/accounts/crl-missing-grant.json (the example for CRL_S3_PERMISSION)');
    expect(file).toEqual(parseAccountFile(json('events/accounts/crl-missing-grant.json')));
  });

  it("moves to the event's account, region and CA, so a user's own event runs without an account file", async () => {
    const mine = JSON.parse(
      readFileSync(new URL('events/crl-s3-permission-failure.json', root), 'utf8')
        .replaceAll('111122223333', '444455556666')
        .replaceAll('us-east-1', 'eu-west-1')
        .replaceAll('11223344-1234-1122-2233-112233445566', '99998888-7777-6666-5555-444433332222'),
    );
    const run = await runLocal({ event: mine });
    expect(run.report.outcome?.status).toBe('REMEDIATED');
    expect(run.report.executionArn).toMatch(/^arn:aws:states:eu-west-1:444455556666:execution:/);
    const grant = statements(run.report.account, 'pca-crl-444455556666').at(-1)!;
    expect(grant.Condition).toEqual({
      StringEquals: {
        'aws:SourceAccount': '444455556666',
        'aws:SourceArn': 'arn:aws:acm-pca:eu-west-1:444455556666:certificate-authority/99998888-7777-6666-5555-444433332222',
      },
    });
  });

  it('is an empty account for an event that will be rejected', () => {
    const { file, kind } = defaultAccountFor({ hello: 'world' });
    expect(kind).toBe('UNRECOGNIZED');
    expect(file).toMatchObject({ certificateAuthorities: [], buckets: [] });
  });
});

describe('bad input', () => {
  it('names a parameter with a bad value, as the deployment would', () => {
    expect(() => parameterEnvironment({ mode: 'maybe' }, '')).toThrow(
      new LocalInputError('parameter mode: must be "apply", "dry-run" or "approve", not "maybe"'),
    );
    expect(() => parameterEnvironment({ allowCaUpdates: 'yes' }, '')).toThrow(/^parameter allowCaUpdates: must be "true" or "false"/);
    expect(() => parameterEnvironment({ allowedBuckets: 'Not_A_Bucket' }, '')).toThrow(
      /parameter allowedBuckets: "Not_A_Bucket" is not a valid S3 bucket name/,
    );
    expect(() => parameterEnvironment({ crlRecoveryWindowMinutes: '0' }, '')).toThrow(/parameter crlRecoveryWindowMinutes: must be a positive whole number/);
  });

  it('names the file that is missing or not JSON', () => {
    expect(() => readJsonFile('events/nope.json', 'event file')).toThrow(new LocalInputError('event file events/nope.json: no such file'));
    expect(() => readJsonFile(new URL('README.md', root).pathname, 'account file')).toThrow(/^account file .*README\.md is not JSON: /);
  });

  it('names the JSON path of a bad account file and runs nothing', async () => {
    const file = json('events/accounts/crl-missing-grant.json');
    file.buckets[0].PublicAccessBlockConfiguration.BlockPublicAcls = 'yes';
    await expect(runLocal({ event: json('events/crl-s3-permission-failure.json'), account: file })).rejects.toThrow(
      /\$\.buckets\[0\]\.PublicAccessBlockConfiguration\.BlockPublicAcls/,
    );
  });
});
