import { describe, expect, it } from 'vitest';
import { packageBytes, packageOf, serverlessEsbuildOptions } from '../../../src/workstation/bench/composition';

describe('what a bundle is made of', () => {
  it.each([
    ['src/core/arn.ts', 'our code'],
    ['node_modules/semver/functions/parse.js', 'semver'],
    ['node_modules/@aws-sdk/client-s3/dist-es/index.js', '@aws-sdk/client-s3'],
    ['node_modules/@aws-sdk/client-acm-pca/node_modules/@smithy/core/dist-es/index.js', '@smithy/core'],
  ])('puts %s down to %s', (path, name) => {
    expect(packageOf(path)).toBe(name);
  });

  it('sums the bytes each package puts in the output, largest first', () => {
    const output = {
      bytes: 600,
      imports: [],
      exports: [],
      inputs: {
        'src/lambda/handlers/classify-event.ts': { bytesInOutput: 100 },
        'src/core/arn.ts': { bytesInOutput: 50 },
        'node_modules/semver/index.js': { bytesInOutput: 150 },
        'node_modules/aws-xray-sdk-core/dist/lib/index.js': { bytesInOutput: 200 },
        'node_modules/aws-xray-sdk-core/dist/lib/segment.js': { bytesInOutput: 100 },
      },
    };
    expect(packageBytes(output)).toEqual([
      { name: 'aws-xray-sdk-core', bytes: 300 },
      { name: 'our code', bytes: 150 },
      { name: 'semver', bytes: 150 },
    ]);
  });

  it('passes serverless.yml custom.esbuild on as serverless-esbuild does: its own options out, exclude into external', () => {
    const options = serverlessEsbuildOptions({
      bundle: true,
      minify: true,
      format: 'esm',
      target: 'node24',
      outputFileExtension: '.mjs',
      exclude: [],
      banner: { js: '// x' },
      packager: 'npm',
    });
    expect(options).toEqual({
      bundle: true,
      minify: true,
      format: 'esm',
      target: 'node24',
      platform: 'node',
      external: [],
      outExtension: { '.js': '.mjs' },
      banner: { js: '// x' },
    });
  });

  it('keeps serverless-esbuild defaults where serverless.yml says nothing (aws-sdk excluded)', () => {
    expect(serverlessEsbuildOptions({})).toMatchObject({ bundle: true, platform: 'node', external: ['aws-sdk'], outExtension: { '.js': '.js' } });
  });
});
