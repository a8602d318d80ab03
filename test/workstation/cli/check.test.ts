/**
 * npm run check and npm run snapshot as a user runs them (separate processes): exit
 * codes, bad input, a CA of another region, no credentials, --out and --force, and a
 * snapshot rehearsed through npm run local.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from './run-cli';

const SEVERAL = 'test/fixtures/accounts/several-cas.json';
const CA_OF = (region: string) => `arn:aws:acm-pca:${region}:111122223333:certificate-authority/c0ffee00-0000-4000-8000-000000000002`;

/** No AWS settings, no profile files, no instance metadata: the SDK's default chain finds nothing. */
function withoutCredentials(home: string): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('AWS_')));
  return {
    ...env,
    HOME: home,
    AWS_CONFIG_FILE: join(home, 'no-config'),
    AWS_SHARED_CREDENTIALS_FILE: join(home, 'no-credentials'),
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_REGION: 'us-east-1',
  };
}

describe('npm run check', () => {
  it.concurrent('exit code 1 when any CA is not OK, 0 when all are; nothing on stderr when it is not a terminal', async () => {
    const several = await runCli('check', ['--account', SEVERAL]);
    expect(several).toMatchObject({ code: 1, stderr: '' });
    expect(several.stdout).toMatch(/^CA +name +status +bucket +verdict +findings\n/);
    expect(several.stdout).toContain('12 CAs in us-east-1 (account 111122223333): 5 OK, 4 WOULD_REPAIR, 2 NEEDS_ATTENTION, 1 CANNOT_READ.');
    const compliant = await runCli('check', ['--account', 'events/accounts/certificate-issuance.json']);
    expect(compliant).toMatchObject({ code: 0, stderr: '' });
  });

  it.concurrent('--json prints one JSON document; --ca narrows it; --param changes the plan', async () => {
    const result = await runCli('check', ['--account', SEVERAL, '--json', '--ca', CA_OF('us-east-1'), '--param', 'allowedBuckets=some-other-bucket']);
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout);
    expect(
      report.rows.map((row: { caArn: string; verdict: string; findings: Array<{ code: string }> }) => [
        row.caArn,
        row.verdict,
        row.findings.map((finding) => finding.code),
      ]),
    ).toEqual([[CA_OF('us-east-1'), 'NEEDS_ATTENTION', ['BUCKET_NOT_ALLOWED']]]);
    expect(report.config).toMatchObject({ mode: 'dry-run', allowedBuckets: ['some-other-bucket'] });
  });

  it.concurrent('a --ca of another region: one clear error, exit code 2, nothing read', async () => {
    const result = await runCli('check', ['--account', SEVERAL, '--ca', CA_OF('eu-west-1')]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /^error: --ca arn:aws:acm-pca:eu-west-1:\S+ is a CA of eu-west-1, but this run reads us-east-1 \(from test\/fixtures\/accounts\/several-cas\.json\): Private CA answers for one region at a time, so pass --region eu-west-1/,
    );
    expect(result.stdout).toBe('');
  });

  it.concurrent.each([
    [['--ca', 'not-an-arn'], /^error: --ca "not-an-arn" is not an ARN\n/],
    [['--concurrency', '0'], /^error: --concurrency 0: a whole number from 1 to 16\n/],
    [['--param', 'mode=apply'], /^error: --param mode: the check knows allowedBuckets and allowCaUpdates/],
    [['--param', 'allowCaUpdates=maybe'], /^error: --param: ALLOW_CA_UPDATES must be "true" or "false", not "maybe"/],
    [['stray'], /^error: Unexpected argument 'stray'/],
  ])('bad input %j: exit code 2 and what was wrong', async (args, message) => {
    const result = await runCli('check', ['--account', SEVERAL, ...args]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stdout).toBe('');
  });

  it.concurrent.each(['check', 'snapshot'])('npm run %s without AWS credentials: one line saying what to do, exit code 2', async (command) => {
    const home = mkdtempSync(join(tmpdir(), 'pca-check-no-credentials-'));
    const out = join(home, 'account.json');
    const result = await runCli(command, command === 'snapshot' ? ['--out', out] : [], withoutCredentials(home));
    expect(result.code).toBe(2);
    expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(
      /^error: (checking|reading) the CAs of us-east-1: no usable AWS credentials \(.*\)\. Set AWS_PROFILE or AWS_ACCESS_KEY_ID\/AWS_SECRET_ACCESS_KEY, or run `aws sso login`\.\n$/,
    );
    expect(existsSync(out)).toBe(false);
  });
});

describe('npm run snapshot', () => {
  it.concurrent('writes the file (no temporary file left), refuses to replace it without --force, replaces it with --force', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pca-snapshot-'));
    const out = join(dir, 'account.json');
    const first = await runCli('snapshot', ['--account', SEVERAL, '--out', out]);
    expect(first.code).toBe(1); // two buckets left out
    expect(first.stdout).toContain(
      `wrote ${out}: 12 CAs and 5 buckets of account 111122223333 in us-east-1\nleft out bucket crl-other-account-444455556666: GetBucketLocation was denied`,
    );
    expect(readdirSync(dir)).toEqual(['account.json']);
    writeFileSync(out, 'mine\n');
    const refused = await runCli('snapshot', ['--account', SEVERAL, '--out', out]);
    expect(refused).toMatchObject({ code: 2, stdout: '' });
    expect(refused.stderr).toBe(`error: ${out} exists; pass --force to replace it (nothing was read or written)\n`);
    expect(readFileSync(out, 'utf8')).toBe('mine\n');
    const forced = await runCli('snapshot', ['--account', 'events/accounts/crl-missing-grant.json', '--out', out, '--force']);
    expect(forced.code).toBe(0);
    expect(JSON.parse(readFileSync(out, 'utf8')).buckets.map((bucket: { Name: string }) => bucket.Name)).toEqual(['pca-crl-111122223333']);
    expect(readdirSync(dir)).toEqual(['account.json']);
  });

  it.concurrent('needs --out; a missing directory is refused before anything is read', async () => {
    expect(await runCli('snapshot', ['--account', SEVERAL])).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/^error: give the file to write with --out <account.json>\n/),
    });
    expect(await runCli('snapshot', ['--account', SEVERAL, '--out', '/nonexistent-dir/a.json'])).toMatchObject({
      code: 2,
      stderr: 'error: --out /nonexistent-dir/a.json: the directory /nonexistent-dir does not exist\n',
    });
  });

  it.concurrent('the snapshot rehearses a remediation through npm run local -- <event> --account <file>', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pca-snapshot-local-'));
    const out = join(dir, 'account.json');
    expect((await runCli('snapshot', ['--account', 'events/accounts/crl-missing-grant.json', '--out', out])).code).toBe(0);
    // Private CA's last failure is the snapshot's time (Simulation.CrlFailureAt): the event comes right after it.
    const failedAt = JSON.parse(readFileSync(out, 'utf8')).certificateAuthorities[0].Simulation.CrlFailureAt;
    const event = { ...JSON.parse(readFileSync('events/crl-s3-permission-failure.json', 'utf8')), time: failedAt.replace(/\.\d{3}Z$/, 'Z') };
    writeFileSync(join(dir, 'event.json'), JSON.stringify(event));
    const local = await runCli('local', [join(dir, 'event.json'), '--account', out, '--json']);
    expect(local.code).toBe(0);
    expect(JSON.parse(local.stdout).outcome).toMatchObject({ status: 'REMEDIATED', findings: [{ code: 'POLICY_GRANT_MISSING' }] });
  });
});
