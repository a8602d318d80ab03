/**
 * Rolling back a remediation, locally: the remediation runs through the real workflow
 * (simulated account, history on dynalite), then `rollback` restores what it replaced,
 * only where the current value is still what it wrote.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { rollback, RollbackRefused } from '../../src/workstation/rollback';
import { runStorm, stormAccount, stormBucket, stormEvent } from '../../src/workstation/local/storm';
import { account, BUCKET, CA_ARN, event, policyOf, runScenario, type Scenario } from './scenario';

const permissionEvent = event('crl-s3-permission-failure.json');
const eventId = permissionEvent.id as string;
const exampleAccount = (name: string) => JSON.parse(readFileSync(new URL(`../../events/accounts/${name}.json`, import.meta.url), 'utf8'));

function policyText(run: Scenario, bucket = BUCKET): string | null {
  return run.simulation.toAccountFile().buckets.find((item) => item.Name === bucket)!.Policy as string | null;
}

async function refusal(promise: Promise<unknown>): Promise<RollbackRefused> {
  const error = await promise.then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(RollbackRefused);
  return error as RollbackRefused;
}

describe('npm run rollback, locally', () => {
  it('restores the policy the remediation replaced, byte for byte, and marks the history item', async () => {
    const file = account();
    const original = JSON.stringify(policyOf(file as never));
    const run = await runScenario(permissionEvent, file);
    expect(run.outcome.status).toBe('REMEDIATED');
    const callsBefore = run.simulation.calls.length;

    const result = await rollback({ table: run.history.name, eventId, by: 'rollback by test' });

    expect(result.restored).toEqual([expect.objectContaining({ how: 'restored', verified: true })]);
    expect(policyText(run)).toBe(original);
    const writes = run.simulation.calls.slice(callsBefore).filter((call) => call.operation === 'PutBucketPolicy');
    expect(writes.map((call) => call.input.Policy)).toEqual([original]);
    const [item] = (await run.history.items()).filter((entry) => String(entry.pk).startsWith('EVENT#'));
    expect(item!.rolledBack).toMatchObject({
      by: 'rollback by test',
      restored: [{ type: 'PutBucketPolicy', resource: `arn:aws:s3:::${BUCKET}`, how: 'restored' }],
    });
    expect(item!.status).toBe('REMEDIATED');
  });

  it('deletes the policy when the bucket had none before', async () => {
    const file = account();
    file.buckets[0].Policy = null;
    const run = await runScenario(permissionEvent, file);
    expect(run.outcome.status).toBe('REMEDIATED');

    const result = await rollback({ table: run.history.name, eventId, by: 'test' });

    expect(result.restored).toEqual([expect.objectContaining({ how: 'deleted', verified: true })]);
    expect(policyText(run)).toBeNull();
  });

  it("restores the CA's CRL setting, then the policy, both changed by one remediation (newest first)", async () => {
    // Private CA's bucket test would refuse PUBLIC_READ on this bucket (ACLs disabled): see the next test.
    const file = exampleAccount('crl-public-read-acls-disabled');
    file.certificateAuthorities[0]!.Simulation = { ...file.certificateAuthorities[0]!.Simulation, UpdateTestsBucketWrite: false };
    const run = await runScenario(permissionEvent, file);
    const before = run.simulation.toAccountFile();
    expect(run.outcome.actions.map((action) => action.type)).toEqual(['PutBucketPolicy', 'UpdateCertificateAuthority']);

    const result = await rollback({ table: run.history.name, eventId, by: 'test' });

    expect(result.restored.map((entry) => [entry.change.type, entry.verified])).toEqual([
      ['UpdateCertificateAuthority', true],
      ['PutBucketPolicy', true],
    ]);
    const after = run.simulation.toAccountFile();
    const ca = after.certificateAuthorities.find((entry) => entry.Arn === CA_ARN)!;
    expect(ca.RevocationConfiguration?.CrlConfiguration?.S3ObjectAcl).toBe('PUBLIC_READ');
    expect(after.buckets[0]!.Policy).toBe(JSON.stringify(file.buckets[0].Policy));
    expect(before.buckets[0]!.Policy).not.toBe(after.buckets[0]!.Policy);
  });

  it('is refused by Private CA, changing nothing, when the bucket cannot take the PUBLIC_READ setting it would restore', async () => {
    const run = await runScenario(permissionEvent, exampleAccount('crl-public-read-acls-disabled'));
    const before = run.simulation.toAccountFile();

    const error = await refusal(rollback({ table: run.history.name, eventId, by: 'test' }));

    expect(error.message).toMatch(/Private CA refused to restore the CRL settings of .*InvalidArgsException.*nothing was changed/);
    expect(run.simulation.toAccountFile()).toEqual(before);
  });

  it('refuses, changes nothing and shows the difference when the policy changed since the remediation', async () => {
    const run = await runScenario(permissionEvent, account());
    // Someone adds a statement after the remediation.
    const edited = JSON.parse(policyText(run)!);
    edited.Statement.push({
      Sid: 'AddedLater',
      Effect: 'Allow',
      Principal: { AWS: 'arn:aws:iam::111122223333:role/Ops' },
      Action: 's3:GetObject',
      Resource: `arn:aws:s3:::${BUCKET}/*`,
    });
    await run.simulation.send('S3', 'PutBucketPolicy', { Bucket: BUCKET, Policy: JSON.stringify(edited) });
    const callsBefore = run.simulation.calls.length;

    const error = await refusal(rollback({ table: run.history.name, eventId, by: 'test' }));

    expect(error.message).toMatch(/1 of the 1 change\(s\).*nothing was changed/);
    expect(error.differences).toHaveLength(1);
    expect(JSON.parse(error.differences[0]!.current!)).toEqual(edited);
    expect(
      run.simulation.calls
        .slice(callsBefore)
        .filter((call) => call.operation.startsWith('Put') || call.operation.startsWith('Delete') || call.operation.startsWith('Update')),
    ).toEqual([]);
    expect(JSON.parse(policyText(run)!)).toEqual(edited);
    const [item] = await run.history.items();
    expect(item!.rolledBack).toBeUndefined();
  });

  it('refuses a second rollback, an unknown event and a remediation that changed nothing', async () => {
    const run = await runScenario(permissionEvent, account());
    await rollback({ table: run.history.name, eventId, by: 'first' });
    expect((await refusal(rollback({ table: run.history.name, eventId, by: 'second' }))).message).toMatch(/already rolled back at .* \(first\)/);
    expect((await refusal(rollback({ table: run.history.name, eventId: 'no-such-event', by: 'x' }))).message).toMatch(/no remediation of event no-such-event/);

    const dryRun = await runScenario(permissionEvent, account(), { env: { MODE: 'dry-run' } });
    expect((await refusal(rollback({ table: dryRun.history.name, eventId, by: 'x' }))).message).toMatch(/\(DRY_RUN\) changed nothing that can be rolled back/);
  });

  it("in a shared bucket, undoes the last CA's grant but refuses an earlier one that later grants build on", async () => {
    const storm = await runStorm({ account: stormAccount(3, 1), deliveries: [0, 1, 2].map(stormEvent), seed: 5 });
    const writes = storm.simulation.calls.filter((call) => call.operation === 'PutBucketPolicy');
    expect(writes).toHaveLength(3);
    const items = (await storm.history.items()) as Array<{ eventId: string; changes: Array<{ after: string; before: string }> }>;
    const last = items.find((item) => item.changes[0]!.after === writes[2]!.input.Policy)!;
    const first = items.find((item) => item.changes[0]!.after === writes[0]!.input.Policy)!;

    const refused = await refusal(rollback({ table: storm.history.name, eventId: first.eventId, by: 'x' }));
    expect(refused.differences[0]!.current).toBe(writes[2]!.input.Policy);

    await rollback({ table: storm.history.name, eventId: last.eventId, by: 'x' });
    const policy = storm.simulation.toAccountFile().buckets.find((bucket) => bucket.Name === stormBucket(0))!.Policy;
    expect(policy).toBe(last.changes[0]!.before);
    expect(policy).toBe(writes[1]!.input.Policy);
  });
});
