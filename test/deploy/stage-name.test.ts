/**
 * The stage is part of every name the service chooses (functions, state machine, rules,
 * queue, topic, alarm, log group, stack), and AWS limits each kind of name: a stage too
 * long for one of them is refused at package time (deploy/names.cjs, called with the
 * other parameter checks in deploy/iam-roles.cjs), with the bound computed from the names
 * themselves. Two `sls package` runs, offline: the longest stage that fits, and one more.
 */
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { packageService, type Template } from './package';

type Limit = { what: string; max: number; source: string; property?: string };
type Entry = Limit & { name: string; where: string; pattern?: string; fixed?: number };
const require = createRequire(import.meta.url);
const names = require('../../deploy/names.cjs') as {
  nameEntry: (limit: Limit, name: string, where: string, service: string, stage: string) => Entry;
  stageLimit: (names: Entry[]) => (Entry & { longest: number }) | null;
  checkStageName: (stage: string, names: Entry[]) => void;
};
const { NAME_LIMITS } = require('../../deploy/limits.cjs') as { NAME_LIMITS: Record<string, Limit & { property: string }> };

const FUNCTION = NAME_LIMITS['AWS::Lambda::Function']!;
const QUEUE = NAME_LIMITS['AWS::SQS::Queue']!;
const entries = (stage: string, list: Array<[Limit, string]>) => list.map(([limit, name]) => names.nameEntry(limit, name, 'here', 'pca-remediation', stage));

/** Every name in the template whose resource type has a limit, with its length and the limit. */
function templateNames(template: Template) {
  return Object.entries(template.Resources).flatMap(([id, resource]) => {
    const limit = NAME_LIMITS[resource.Type];
    const name = limit ? resource.Properties?.[limit.property] : undefined;
    return typeof name === 'string' ? [{ id, type: resource.Type, name, length: name.length, max: limit!.max }] : [];
  });
}

describe('the stage name check', () => {
  it('computes the longest stage from the longest function name: 64 - "pca-remediation--diagnoseCertificateIssuance".length = 20', () => {
    const stage = 'dev';
    const list = entries(stage, [
      [FUNCTION, `pca-remediation-${stage}-classifyEvent`],
      [FUNCTION, `pca-remediation-${stage}-diagnoseCertificateIssuance`],
      [QUEUE, `pca-remediation-${stage}-dlq`],
    ]);
    expect(names.stageLimit(list)).toMatchObject({
      longest: 20,
      pattern: 'pca-remediation-<stage>-diagnoseCertificateIssuance',
      what: 'Lambda function name',
      max: 64,
    });
    expect(() => names.checkStageName('a'.repeat(20), list)).not.toThrow();
    expect(() => names.checkStageName('a'.repeat(21), list)).toThrow(
      'stage "aaaaaaaaaaaaaaaaaaaaa" is 21 characters; at most 20 fit: the Lambda function name "pca-remediation-<stage>-diagnoseCertificateIssuance" (here) would be 65 characters, and AWS allows at most 64 (https://docs.aws.amazon.com/lambda/latest/api/API_CreateFunction.html)',
    );
  });

  it('takes the tightest of every kind of name, not the longest name', () => {
    const tight = { what: 'short thing name', max: 30, source: 'https://docs.aws.amazon.com/' };
    const list = entries('dev', [
      [FUNCTION, 'pca-remediation-dev-diagnoseCertificateIssuance'],
      [tight, 'pca-remediation-dev-abcdefgh'],
    ]);
    expect(names.stageLimit(list)).toMatchObject({ longest: 30 - 'pca-remediation--abcdefgh'.length, what: 'short thing name' });
  });

  it('finds the stage after "<service>-", even where the stage also occurs earlier in the name', () => {
    const [entry] = entries('pca', [[NAME_LIMITS['AWS::Logs::LogGroup']!, '/aws/vendedlogs/states/pca-remediation-pca']]);
    expect(entry).toMatchObject({ pattern: '/aws/vendedlogs/states/pca-remediation-<stage>', fixed: '/aws/vendedlogs/states/pca-remediation-'.length });
  });

  it('refuses a name without the stage that is too long on its own, naming it', () => {
    const list = entries('dev', [[FUNCTION, `fixed-${'x'.repeat(60)}`]]);
    expect(names.stageLimit(list)).toBeNull();
    expect(() => names.checkStageName('dev', list)).toThrow(/^the Lambda function name "fixed-x{60}" \(here\) is 66 characters; AWS allows at most 64/);
  });
});

describe('sls package and the stage', () => {
  it('packages with the longest stage that fits (20 characters), every name within its limit, the longest function name at 64', () => {
    const stage = 'abcdefghij0123456789';
    const { template } = packageService({}, { stage });
    const found = templateNames(template);
    expect(found.filter((entry) => entry.length > entry.max)).toEqual([]);
    // Every name the template sets holds the stage: the check sees them all (deploy/names.cjs).
    expect(found.filter((entry) => !entry.name.includes(`pca-remediation-${stage}`))).toEqual([]);
    const functions = found.filter((entry) => entry.type === 'AWS::Lambda::Function');
    expect(Math.max(...functions.map((entry) => entry.length))).toBe(64);
  });

  it('refuses a stage of 21 characters, naming the stage, its length, the limit and the name that would not fit', () => {
    expect(() => packageService({}, { stage: 'abcdefghij0123456789x' })).toThrow(
      /stage "abcdefghij0123456789x" is 21 characters; at most 20 fit: the Lambda function name "pca-remediation-<stage>-diagnoseCertificateIssuance" \(function diagnoseCertificateIssuance\) would be 65 characters, and AWS allows at most 64/,
    );
  });
});
