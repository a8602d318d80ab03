/**
 * Which deployment `npm run invoke`, `executions` and `rollback` talk to, found the way
 * `sls` and the AWS CLI find theirs:
 *
 * - the stage: --stage, else the default of serverless.yml's provider.stage
 *   (`${opt:stage, 'dev'}`: dev);
 * - the region: --region, else AWS_REGION, else AWS_DEFAULT_REGION, else the AWS
 *   profile's region (the SDK's own lookup: AWS_PROFILE or default, in ~/.aws/config or
 *   AWS_CONFIG_FILE), else the default of provider.region (`${opt:region, 'us-east-1'}`).
 */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { UsageError } from './common';

export const SERVERLESS_YML = new URL('../../../serverless.yml', import.meta.url);

export interface DeploymentTarget {
  stage: string;
  region: string;
  /** Where the region came from, for messages: --region, AWS_REGION, profile default, serverless.yml… */
  regionFrom: string;
}

/**
 * The value `sls` uses for provider.<name> when no --<name> is given: a plain value, or
 * the default of `${opt:<name>, '<default>'}`. Anything else (other variables) is
 * refused, naming the option that avoids reading it.
 */
export function serverlessDefault(name: 'stage' | 'region', file: URL | string = SERVERLESS_YML): string {
  const where = `serverless.yml provider.${name}`;
  let value: unknown;
  try {
    value = (parse(readFileSync(file, 'utf8')) as { provider?: Record<string, unknown> } | null)?.provider?.[name];
  } catch (error) {
    throw new UsageError(`reading ${where}: ${(error as Error).message.split('\n')[0]}; pass --${name}`);
  }
  if (typeof value !== 'string' || value.trim() === '') throw new UsageError(`${where} is not set; pass --${name}`);
  const variable = new RegExp(`^\\$\\{opt:${name}\\s*,\\s*(['"])([^'"$]+)\\1\\s*\\}$`).exec(value.trim());
  if (variable) return variable[2]!;
  if (!value.includes('${')) return value.trim();
  throw new UsageError(`${where} is ${value}: only a plain value or \${opt:${name}, '<default>'} is understood here; pass --${name}`);
}

/**
 * The usage lines of --stage and --region, each continuation line indented by `indent`
 * spaces; the defaults as read from serverless.yml.
 */
export function deploymentUsage(indent: number): { stage: string; region: string } {
  const pad = (text: string) => text.padEnd(indent - 2);
  const fallback = (name: 'stage' | 'region') => {
    try {
      return `serverless.yml's, ${serverlessDefault(name)}`;
    } catch {
      return `serverless.yml's provider.${name}`;
    }
  };
  return {
    stage: `${pad('--stage <s>')}the stage you deployed (default: ${fallback('stage')})`,
    region: `${pad('--region <r>')}its region (default: AWS_REGION, AWS_DEFAULT_REGION, your AWS profile's,\n${' '.repeat(indent)}else ${fallback('region')})`,
  };
}

/** The region of the AWS profile (AWS_PROFILE, else default), as the SDK's clients read it; undefined if it has none. */
export async function profileRegion(): Promise<string | undefined> {
  const { CloudFormationClient } = await import('@aws-sdk/client-cloudformation');
  try {
    const region = await new CloudFormationClient({}).config.region();
    return region || undefined;
  } catch {
    // "Region is missing": no AWS_REGION and no region in the profile.
    return undefined;
  }
}

export interface TargetInput {
  stage?: string;
  region?: string;
  env?: NodeJS.ProcessEnv;
  /** The profile's region (tests pass their own). */
  profileRegion?: () => Promise<string | undefined>;
  serverlessYml?: URL | string;
}

export async function deploymentTarget(input: TargetInput): Promise<DeploymentTarget> {
  const env = input.env ?? process.env;
  for (const name of ['stage', 'region'] as const) {
    if (input[name] !== undefined && input[name].trim() === '') throw new UsageError(`--${name} is empty`);
  }
  const stage = input.stage ?? serverlessDefault('stage', input.serverlessYml);
  if (input.region) return { stage, region: input.region, regionFrom: '--region' };
  for (const name of ['AWS_REGION', 'AWS_DEFAULT_REGION'] as const) {
    const value = env[name]?.trim();
    if (value) return { stage, region: value, regionFrom: name };
  }
  const fromProfile = await (input.profileRegion ?? profileRegion)();
  if (fromProfile) return { stage, region: fromProfile, regionFrom: `profile ${env.AWS_PROFILE?.trim() || 'default'}` };
  return { stage, region: serverlessDefault('region', input.serverlessYml), regionFrom: 'serverless.yml' };
}
