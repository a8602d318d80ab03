/**
 * Package the service offline with osls (`sls package`, no credentials, no
 * network) into a temporary folder and return the CloudFormation template.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { withSlsLock } from '../../src/workstation/bench/sls-lock';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface Template {
  Resources: Record<string, { Type: string; Properties: Record<string, any>; Condition?: string }>;
  Outputs?: Record<string, unknown>;
}

export interface Packaged {
  template: Template;
  directory: string;
  artifacts: string[];
}

export function packageService(params: Record<string, string> = {}, { stage = 'test' }: { stage?: string } = {}): Packaged {
  const directory = mkdtempSync(join(tmpdir(), 'pca-remediation-package-'));
  const args = ['sls', 'package', '--stage', stage, '--region', 'us-east-1', '--package', directory];
  for (const [key, value] of Object.entries(params)) args.push(`--param=${key}=${value}`);
  try {
    // One packaging of this checkout at a time: the test files run in parallel.
    withSlsLock(ROOT, () =>
      execFileSync('npx', args, {
        cwd: ROOT,
        stdio: 'pipe',
        env: { ...process.env, SLS_TELEMETRY_DISABLED: '1', SLS_NOTIFICATIONS_MODE: 'off', AWS_ACCESS_KEY_ID: '', AWS_SECRET_ACCESS_KEY: '' },
        timeout: 240_000,
      }),
    );
  } catch (error) {
    const output = `${(error as { stdout?: Buffer }).stdout ?? ''}${(error as { stderr?: Buffer }).stderr ?? ''}`;
    throw new Error(`sls package failed:\n${output}`, { cause: error });
  }
  const template = JSON.parse(readFileSync(join(directory, 'cloudformation-template-update-stack.json'), 'utf8')) as Template;
  return { template, directory, artifacts: readdirSync(directory).filter((file) => file.endsWith('.zip')) };
}

export function resourcesOfType(template: Template, type: string) {
  return Object.entries(template.Resources).filter(([, resource]) => resource.Type === type);
}

/**
 * EventBridge pattern matching for the pattern features this service uses: nested
 * objects and lists of exact values (a field matches when its value is in the list).
 */
export function matchesPattern(pattern: Record<string, unknown>, event: Record<string, unknown>): boolean {
  return Object.entries(pattern).every(([key, expected]) => {
    const actual = event[key];
    if (Array.isArray(expected)) return expected.includes(actual as never);
    if (typeof expected === 'object' && expected !== null) {
      return typeof actual === 'object' && actual !== null && matchesPattern(expected as Record<string, unknown>, actual as Record<string, unknown>);
    }
    throw new Error(`pattern feature not supported in this test: ${key}`);
  });
}
