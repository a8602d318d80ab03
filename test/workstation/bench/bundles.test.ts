/**
 * The bundles section without packaging: a packaged directory made here (a template and
 * a zip written with node), and fresh child processes importing tiny modules.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUNDLE_LIMIT_BYTES, hasPackage, measureInit, packagedFunctions, writeBundles, type PackagedFunction } from '../../../src/workstation/bench/bundles';
import { lambdaEnvironment, runImportChild, writeChildScript } from '../../../src/workstation/bench/import-child';
import { makeZip } from './zip-writer';

let directory: string;
beforeAll(() => {
  directory = mkdtempSync(join(tmpdir(), 'bench-test-'));
});
afterAll(() => rmSync(directory, { recursive: true, force: true }));

const HANDLER_SOURCE = 'export const handler = async () => ({ ok: true });\n';

function packageDirectory(): string {
  const packaged = mkdtempSync(join(directory, 'package-'));
  writeFileSync(join(packaged, 'classifyEvent.zip'), makeZip([{ name: 'src/lambda/handlers/classify-event.mjs', content: HANDLER_SOURCE }]));
  const template = {
    Resources: {
      ClassifyEventLambdaFunction: {
        Type: 'AWS::Lambda::Function',
        Properties: {
          FunctionName: 'pca-remediation-dev-classifyEvent',
          Handler: 'src/lambda/handlers/classify-event.handler',
          MemorySize: 256,
          Code: { S3Bucket: { Ref: 'ServerlessDeploymentBucket' }, S3Key: 'serverless/pca-remediation/dev/1-2026/classifyEvent.zip' },
          Environment: {
            Variables: {
              POWERTOOLS_SERVICE_NAME: 'pca-remediation',
              HISTORY_TABLE_NAME: { Ref: 'HistoryTable' },
              NOTIFICATION_TOPIC_ARN: { Ref: 'NotificationTopic' },
            },
          },
        },
      },
      HistoryTable: { Type: 'AWS::DynamoDB::Table', Properties: {} },
    },
  };
  writeFileSync(join(packaged, 'cloudformation-template-update-stack.json'), JSON.stringify(template));
  return packaged;
}

describe('the packaged functions', () => {
  it('reads each function of the template: name, handler, memory, environment, and its handler file from the zip', async () => {
    const packaged = packageDirectory();
    expect(hasPackage(packaged)).toBe(true);

    const [fn] = await packagedFunctions(packaged);

    expect(fn).toMatchObject({
      key: 'classifyEvent',
      functionName: 'pca-remediation-dev-classifyEvent',
      handler: 'src/lambda/handlers/classify-event.handler',
      memoryMb: 256,
      entry: 'src/lambda/handlers/classify-event.mjs',
      source: 'src/lambda/handlers/classify-event.ts',
      variables: {
        POWERTOOLS_SERVICE_NAME: 'pca-remediation',
        HISTORY_TABLE_NAME: 'pca-remediation-bench-HistoryTable',
        NOTIFICATION_TOPIC_ARN: 'arn:aws:sns:us-east-1:111122223333:pca-remediation-bench-NotificationTopic',
      },
    });
    expect(fn!.bundle.toString()).toBe(HANDLER_SOURCE);
    const files = writeBundles([fn!], join(directory, 'bundles'));
    expect(readFileSync(files.get('classifyEvent')!, 'utf8')).toBe(HANDLER_SOURCE);
  });

  it('has no package where there is no template', () => {
    expect(hasPackage(mkdtempSync(join(directory, 'empty-')))).toBe(false);
  });

  it('sets the size target at 512 KiB: 524,288 bytes', () => {
    expect(BUNDLE_LIMIT_BYTES).toBe(524_288);
  });
});

describe('the Lambda environment of a child', () => {
  const fn = {
    functionName: 'pca-remediation-dev-repairBucket',
    handler: 'src/lambda/handlers/repair-bucket.handler',
    memoryMb: 256,
    variables: { MODE: 'apply' },
  };

  it('is what Lambda sets for the function, with its own variables and credentials that cannot work', () => {
    const env = lambdaEnvironment(fn);
    expect(env).toMatchObject({
      _HANDLER: 'src/lambda/handlers/repair-bucket.handler',
      AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs24.x',
      AWS_LAMBDA_FUNCTION_NAME: 'pca-remediation-dev-repairBucket',
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '256',
      AWS_REGION: 'us-east-1',
      POWERTOOLS_TRACE_ENABLED: 'true',
      MODE: 'apply',
    });
    expect(env.AWS_ACCESS_KEY_ID).toMatch(/NOTREAL/);
  });

  it('inherits nothing from this process', () => {
    const env = lambdaEnvironment(fn);
    expect(env.POWERTOOLS_DEV).toBeUndefined();
    expect(env.HOME).toBeUndefined();
  });
});

describe('a fresh child importing a module', () => {
  let script: string;
  const moduleFile = (name: string, source: string) => {
    const file = join(directory, name);
    writeFileSync(file, source);
    return file;
  };
  beforeAll(() => {
    script = writeChildScript(directory);
  });

  it('reports the import time measured inside it and its own wall time', () => {
    const run = runImportChild(script, moduleFile('quiet.mjs', HANDLER_SOURCE), 'time', { PATH: '/usr/bin' }, directory);
    expect(run.error).toBeUndefined();
    expect(run.exportsHandler).toBe(true);
    expect(run.importMs).toBeGreaterThan(0);
    expect(run.wallMs).toBeGreaterThan(run.importMs!);
  });

  it('sees the environment it is given', () => {
    const file = moduleFile(
      'env.mjs',
      `if (process.env._HANDLER !== 'x.handler' || process.env.HOME) throw new Error('wrong environment');\nexport const handler = 1;`,
    );
    expect(runImportChild(script, file, 'time', { _HANDLER: 'x.handler' }, directory).error).toBeUndefined();
  });

  it('counts the files an import loads, ESM and CommonJS, and their bytes', () => {
    const dependency = moduleFile('dependency.cjs', 'module.exports = { value: 42 };\n');
    const file = moduleFile('with-dependency.mjs', `import dependency from ${JSON.stringify(dependency)};\nexport const handler = () => dependency.value;\n`);
    const probe = runImportChild(script, file, 'probe', {}, directory);
    expect(probe).toMatchObject({ files: 2, bytes: readFileSync(file).length + readFileSync(dependency).length, network: [] });
  });

  it('catches a module that looks up a host name when imported', () => {
    const file = moduleFile('noisy.mjs', `import { lookup } from 'node:dns';\nlookup('localhost', () => {});\nexport const handler = 1;\n`);
    const probe = runImportChild(script, file, 'probe', {}, directory);
    expect(probe.network).toEqual(['dns.lookup localhost']);
  });

  it('reports a module that fails to import', () => {
    const run = runImportChild(script, moduleFile('broken.mjs', `throw new Error('broken at import');`), 'time', {}, directory);
    expect(run.error).toMatch(/broken at import/);
  });

  it('measures both variants of each function, alternating which goes first', () => {
    const fn = {
      key: 'quiet',
      functionName: 'f',
      handler: 'quiet.handler',
      memoryMb: 256,
      variables: {},
      bundle: Buffer.from(HANDLER_SOURCE),
    } as unknown as PackagedFunction;
    const file = moduleFile('variant.mjs', HANDLER_SOURCE);
    const [row] = measureInit({
      functions: [fn],
      bundleFiles: new Map([['quiet', file]]),
      naiveFiles: new Map([['quiet', file]]),
      scratch: directory,
      cwd: directory,
      runs: 2,
    });
    expect(row).toMatchObject({ key: 'quiet', sizePass: true });
    expect(row!.initPass).toBe(row!.initRatio! <= 0.5);
    expect(row!.bundle.init.count).toBe(2);
    expect(row!.naive.init.count).toBe(2);
    expect(row!.bundle.loadedFiles).toBe(1);
    expect(row!.initRatio).toBeGreaterThan(0);
  });
});
