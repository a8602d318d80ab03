/**
 * `npm run local --history` then `npm run rollback` as separate processes, locally: the
 * remediation recorded in the history file, a second delivery DUPLICATE, the rollback
 * checked, done, refused when done twice or when the policy changed; and the AWS mode's
 * errors without credentials.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from './run-cli';

const EVENT = 'events/crl-s3-permission-failure.json';
const EVENT_ID = JSON.parse(readFileSync(new URL(`../../../${EVENT}`, import.meta.url), 'utf8')).id as string;
const BUCKET = 'pca-crl-111122223333';
const ORIGINAL = JSON.parse(readFileSync(new URL('../../../events/accounts/crl-missing-grant.json', import.meta.url), 'utf8')).buckets[0].Policy;

const policyIn = (file: string) =>
  JSON.parse(
    (JSON.parse(readFileSync(file, 'utf8')) as { buckets: Array<{ Name: string; Policy: string }> }).buckets.find((bucket) => bucket.Name === BUCKET)!.Policy,
  );

describe('npm run rollback, locally', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pca-rollback-'));
  const after = join(dir, 'after.json');
  const history = join(dir, 'history.json');

  it('undoes a remediation recorded by npm run local --history, once', async () => {
    const run = await runCli('local', [EVENT, '--save-account', after, '--history', history, '--json']);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout).outcome.status).toBe('REMEDIATED');
    const items = JSON.parse(readFileSync(history, 'utf8'));
    expect(items).toEqual([expect.objectContaining({ pk: `EVENT#${EVENT_ID}`, status: 'REMEDIATED' })]);

    const again = await runCli('local', [EVENT, '--account', after, '--history', history, '--json']);
    expect(JSON.parse(again.stdout).outcome.status).toBe('DUPLICATE');

    const check = await runCli('rollback', [EVENT_ID, '--account', after, '--history', history, '--check']);
    expect(check.code).toBe(0);
    expect(check.stdout).toContain(`would restore  PutBucketPolicy arn:aws:s3:::${BUCKET}`);
    expect(JSON.parse(readFileSync(history, 'utf8'))[0].rolledBack).toBeUndefined();

    const rolled = join(dir, 'rolled.json');
    const done = await runCli('rollback', [EVENT_ID, '--account', after, '--history', history, '--save-account', rolled]);
    expect(done.stderr).toBe('');
    expect(done.code).toBe(0);
    expect(done.stdout).toContain(`restored   PutBucketPolicy arn:aws:s3:::${BUCKET} (read back)`);
    expect(policyIn(rolled)).toEqual(ORIGINAL);
    expect(JSON.parse(readFileSync(history, 'utf8'))[0].rolledBack).toMatchObject({ by: expect.stringMatching(/^rollback by /) });

    const twice = await runCli('rollback', [EVENT_ID, '--account', rolled, '--history', history]);
    expect(twice.code).toBe(1);
    expect(twice.stdout).toMatch(/refused: the remediation of event .* was already rolled back at/);
  });

  it('refuses with the difference, and changes nothing, when the policy changed since', async () => {
    const local = mkdtempSync(join(tmpdir(), 'pca-rollback-'));
    const account = join(local, 'after.json');
    const file = join(local, 'history.json');
    await runCli('local', [EVENT, '--save-account', account, '--history', file, '--json']);
    const edited = JSON.parse(readFileSync(account, 'utf8'));
    const policy = JSON.parse(edited.buckets[0].Policy);
    policy.Statement.push({
      Sid: 'AddedByOps',
      Effect: 'Allow',
      Principal: { AWS: 'arn:aws:iam::111122223333:role/Ops' },
      Action: 's3:GetObject',
      Resource: `arn:aws:s3:::${BUCKET}/*`,
    });
    edited.buckets[0].Policy = JSON.stringify(policy);
    writeFileSync(account, JSON.stringify(edited));
    const saved = join(local, 'rolled.json');

    const refused = await runCli('rollback', [EVENT_ID, '--account', account, '--history', file, '--save-account', saved]);

    expect(refused.code).toBe(1);
    expect(refused.stdout).toContain('refused: 1 of the 1 change(s)');
    expect(refused.stdout).toMatch(/\+\s+"Sid": "AddedByOps"/);
    expect(JSON.parse(readFileSync(file, 'utf8'))[0].rolledBack).toBeUndefined();
    expect(() => readFileSync(saved)).toThrow();
  });

  // Separate processes that change nothing: run them side by side.
  it.concurrent.each([
    [[], /^error: give the id of one event/],
    [[EVENT_ID, '--account', 'events/accounts/crl-missing-grant.json'], /^error: locally, give both --account and --history/],
    [
      [EVENT_ID, '--account', 'events/accounts/crl-missing-grant.json', '--history', 'package.json'],
      /^error: history file package\.json: expected a JSON list of items/,
    ],
    [[EVENT_ID, '--account', 'events/accounts/crl-missing-grant.json', '--history', 'nope.json'], /^error: history file nope\.json: no such file/],
    [[EVENT_ID, '--save-account', 'x.json'], /^error: --save-account is for a local rollback/],
  ])('%j: a one-line error, exit code 2, nothing on stdout', async (args, message) => {
    const { code, stdout, stderr } = await runCli('rollback', args);
    expect(stderr).toMatch(message);
    expect(code).toBe(2);
    expect(stdout).toBe('');
  });
});

describe('npm run rollback on AWS, without credentials', () => {
  it('says what to set: a one-line error, exit code 2, nothing changed', async () => {
    const home = mkdtempSync(join(tmpdir(), 'pca-no-aws-'));
    const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('AWS_')));
    const { code, stdout, stderr } = await runCli('rollback', [EVENT_ID, '--region', 'eu-west-1'], {
      ...env,
      HOME: home,
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_CONFIG_FILE: join(home, 'none'),
      AWS_SHARED_CREDENTIALS_FILE: join(home, 'none'),
    });
    expect(stderr).toMatch(/^error: reading stack pca-remediation-dev: no usable AWS credentials/);
    expect(code).toBe(2);
    expect(stdout).toBe('');
  });
});
