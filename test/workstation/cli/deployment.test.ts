/**
 * Which deployment `npm run invoke`, `executions` and `rollback` talk to: the stage from
 * --stage or serverless.yml; the region from --region, AWS_REGION, AWS_DEFAULT_REGION, the
 * AWS profile, or serverless.yml. The functions on their own, then the CLIs as separate
 * processes against a fake AWS on 127.0.0.1 that records the region of every request.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { deploymentTarget, profileRegion, serverlessDefault } from '../../../src/workstation/cli/deployment';
import { fakeAws } from './fake-aws';
import { runCli } from './run-cli';

const scratch = mkdtempSync(join(tmpdir(), 'pca-deployment-'));
let files = 0;
function file(text: string): string {
  const path = join(scratch, `file-${files++}`);
  writeFileSync(path, text);
  return path;
}

describe('serverlessDefault', () => {
  it("reads the defaults of serverless.yml's ${opt:…} variables: stage dev, region us-east-1", () => {
    expect(serverlessDefault('stage')).toBe('dev');
    expect(serverlessDefault('region')).toBe('us-east-1');
  });

  it.each([
    ['provider:\n  region: eu-north-1\n', 'eu-north-1'],
    ['provider:\n  region: ${opt:region, "ap-south-1"}\n', 'ap-south-1'],
    ["provider:\n  region: ${opt:region,'sa-east-1'}\n", 'sa-east-1'],
  ])('%j → %s', (text, region) => {
    expect(serverlessDefault('region', file(text))).toBe(region);
  });

  it.each([
    [
      'provider:\n  region: ${env:REGION}\n',
      "serverless.yml provider.region is ${env:REGION}: only a plain value or ${opt:region, '<default>'} is understood here; pass --region",
    ],
    ['provider:\n  region: ${opt:region, ${env:R}}\n', 'serverless.yml provider.region is ${opt:region, ${env:R}}: only a plain value'],
    ['provider:\n  name: aws\n', 'serverless.yml provider.region is not set; pass --region'],
    ['provider: [\n', 'reading serverless.yml provider.region: '],
  ])('refuses %j, naming the option that avoids it', (text, message) => {
    expect(() => serverlessDefault('region', file(text))).toThrow(message);
  });
});

describe('deploymentTarget', () => {
  const none = async () => undefined;
  it.each([
    [{ region: 'eu-west-3' }, { AWS_REGION: 'eu-west-1', AWS_DEFAULT_REGION: 'eu-west-2' }, 'ca-central-1', 'eu-west-3', '--region'],
    [{}, { AWS_REGION: 'eu-west-1', AWS_DEFAULT_REGION: 'eu-west-2' }, 'ca-central-1', 'eu-west-1', 'AWS_REGION'],
    [{}, { AWS_REGION: ' ', AWS_DEFAULT_REGION: 'eu-west-2' }, 'ca-central-1', 'eu-west-2', 'AWS_DEFAULT_REGION'],
    [{}, {}, 'ca-central-1', 'ca-central-1', 'profile default'],
    [{}, { AWS_PROFILE: 'ops' }, 'ca-central-1', 'ca-central-1', 'profile ops'],
    [{}, {}, undefined, 'us-east-1', 'serverless.yml'],
  ])('%j with %j and profile region %s → %s from %s', async (options, env, fromProfile, region, regionFrom) => {
    await expect(deploymentTarget({ ...options, env, profileRegion: async () => fromProfile })).resolves.toEqual({ stage: 'dev', region, regionFrom });
  });

  it('takes --stage, else the default of serverless.yml', async () => {
    await expect(deploymentTarget({ stage: 'prod', env: {}, profileRegion: none })).resolves.toMatchObject({ stage: 'prod' });
    await expect(
      deploymentTarget({ env: {}, profileRegion: none, serverlessYml: file("provider:\n  stage: ${opt:stage, 'qa'}\n  region: eu-north-1\n") }),
    ).resolves.toEqual({ stage: 'qa', region: 'eu-north-1', regionFrom: 'serverless.yml' });
  });

  it('refuses an empty --stage or --region', async () => {
    await expect(deploymentTarget({ stage: '', env: {}, profileRegion: none })).rejects.toThrow('--stage is empty');
    await expect(deploymentTarget({ region: ' ', env: {}, profileRegion: none })).rejects.toThrow('--region is empty');
  });
});

describe('profileRegion (the SDK reading the AWS config file)', () => {
  afterAll(() => vi.unstubAllEnvs());
  const config = file('[default]\nregion = ap-southeast-2\n\n[profile ops]\nregion = eu-south-1\n\n[profile bare]\noutput = json\n');
  it.each([
    [undefined, 'ap-southeast-2'],
    ['ops', 'eu-south-1'],
    ['bare', undefined],
  ])('profile %s → %s', async (profile, region) => {
    vi.stubEnv('AWS_REGION', undefined);
    vi.stubEnv('AWS_CONFIG_FILE', config);
    vi.stubEnv('AWS_SHARED_CREDENTIALS_FILE', join(scratch, 'none'));
    vi.stubEnv('AWS_PROFILE', profile);
    await expect(profileRegion()).resolves.toBe(region);
  });
});

describe('the AWS CLIs find the deployment as sls does (fake AWS)', async () => {
  const aws = await fakeAws({
    stacks: { 'us-east-1': ['pca-remediation-dev'], 'eu-west-1': ['pca-remediation-prod'], 'ap-southeast-2': ['pca-remediation-dev'] },
    executions: 2,
  });
  afterAll(() => aws.close());
  const home = mkdtempSync(join(tmpdir(), 'pca-fake-aws-home-'));
  const profiles = file('[default]\nregion = ap-southeast-2\n');
  /** Run `command` with `env` added, and return the regions its AWS requests were signed for. */
  async function run(command: string, args: string[], env: NodeJS.ProcessEnv = {}) {
    const before = aws.requests.length;
    const result = await runCli(command, args, aws.env(home, env));
    return { ...result, calls: aws.requests.slice(before).map((request) => `${request.region} ${request.service} ${request.action}`) };
  }

  // One at a time: each reads the requests it made from the shared list.
  it.each([
    ['no region anywhere: serverless.yml', [], {}, 'us-east-1', 'pca-remediation-dev'],
    ['AWS_REGION', ['--stage', 'prod'], { AWS_REGION: 'eu-west-1', AWS_DEFAULT_REGION: 'ap-southeast-2' }, 'eu-west-1', 'pca-remediation-prod'],
    ['AWS_DEFAULT_REGION', ['--stage', 'prod'], { AWS_DEFAULT_REGION: 'eu-west-1' }, 'eu-west-1', 'pca-remediation-prod'],
    ["the profile's region", [], { AWS_CONFIG_FILE: profiles }, 'ap-southeast-2', 'pca-remediation-dev'],
    ['--region over all of them', ['--region', 'us-east-1'], { AWS_REGION: 'eu-west-1', AWS_CONFIG_FILE: profiles }, 'us-east-1', 'pca-remediation-dev'],
  ])('npm run executions, %s', async (_case, args, env, region, stack) => {
    const { code, stdout, stderr, calls } = await run('executions', args, env);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout.split('\n')[0]).toBe(`${stack} arn:aws:states:${region}:111122223333:stateMachine:${stack}`);
    expect(calls).toEqual([
      `${region} cloudformation DescribeStacks`,
      `${region} states ListExecutions`,
      `${region} states DescribeExecution`,
      `${region} states DescribeExecution`,
    ]);
  });

  it('says where the region came from when there is no stack there', async () => {
    const fromYml = await run('executions', ['--stage', 'prod']);
    expect(fromYml.code).toBe(2);
    expect(fromYml.stderr).toBe(
      'error: no stack pca-remediation-prod in us-east-1 (the region from serverless.yml): deploy it with `npx sls deploy --stage prod --region us-east-1`, or pass the --stage and --region you deployed with.\n',
    );
    const fromEnv = await run('executions', [], { AWS_DEFAULT_REGION: 'eu-west-1' });
    expect(fromEnv.stderr).toMatch(/^error: no stack pca-remediation-dev in eu-west-1 \(the region from AWS_DEFAULT_REGION\)/);
  });

  it('npm run invoke starts the execution in the default deployment, without --stage or --region', async () => {
    const { code, stdout, calls } = await run('invoke', ['events/crl-s3-permission-failure.json']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^started {3}arn:aws:states:us-east-1:111122223333:execution:pca-remediation-dev:invoke-/);
    expect(calls).toEqual(['us-east-1 cloudformation DescribeStacks', 'us-east-1 states StartExecution']);
  });

  it("npm run rollback reads the history table in the deployment's region, found the same way", async () => {
    // AWS_DEFAULT_REGION, which the SDK itself does not read: the history table's client is given the region found.
    const { code, stdout, calls } = await run('rollback', ['7d5b4c1e-0c59-4f0b-9a53-1b7e1c0a0003'], { AWS_DEFAULT_REGION: 'ap-southeast-2' });
    expect(stdout).toContain('where      stack pca-remediation-dev (ap-southeast-2), table pca-remediation-dev-HistoryTable-FAKE');
    expect(stdout).toContain('refused: no remediation of event 7d5b4c1e-0c59-4f0b-9a53-1b7e1c0a0003');
    expect(code).toBe(1);
    expect(calls).toEqual(['ap-southeast-2 cloudformation DescribeStacks', 'ap-southeast-2 dynamodb GetItem']);
  });

  it("npm run executions -- <ARN> uses the ARN's region", async () => {
    const { code, stdout, calls } = await run('executions', ['arn:aws:states:eu-west-1:111122223333:execution:pca-remediation-prod:run-0'], {
      AWS_REGION: 'us-east-1',
    });
    expect(stdout).toContain('SUCCEEDED');
    expect(code).toBe(0);
    expect(calls).toEqual(['eu-west-1 states DescribeExecution', 'eu-west-1 states GetExecutionHistory']);
  });
});
