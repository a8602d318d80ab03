/**
 * The Node version the repository needs, in one place (package.json's engines.node):
 * npm ci refuses others (.npmrc engine-strict), the CLIs stop before doing anything on
 * them, and the range is one every locked package runs on.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import semver from 'semver';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { nodeVersionProblem, REQUIRED_NODE } from '../../../src/workstation/cli/common';
import { COMMANDS, ROOT, runCli } from './run-cli';

const read = (file: string) => readFileSync(join(ROOT, file), 'utf8');
const packageJson = JSON.parse(read('package.json')) as { engines: { node: string } };
const lock = JSON.parse(read('package-lock.json')) as { packages: Record<string, { optional?: boolean; engines?: { node?: string } | string[] }> };

describe('the Node version check', () => {
  it('reads the requirement from package.json', () => {
    expect(REQUIRED_NODE).toBe(packageJson.engines.node);
  });

  it.each(['20.19.0', '22.0.0', '22.11.0', '22.12.0', '23.5.0', '25.1.0', '18.20.8'])(
    'refuses Node %s in one line naming the needed and the running version',
    (version) => {
      const problem = nodeVersionProblem(version);
      expect(problem).toBe(
        `pca-remediation needs Node ${REQUIRED_NODE} (package.json engines.node); this is Node ${version}. Switch to Node 24 (\`nvm use\` reads .nvmrc) and run it again.`,
      );
      expect(problem).not.toContain('\n');
    },
  );

  it.each(['22.13.0', '22.20.1', '24.0.0', '24.21.0', '24.22.0-rc.1', '26.0.0'])('accepts Node %s', (version) => {
    expect(nodeVersionProblem(version)).toBeNull();
  });

  it('compares against the whole range, not only the major version', () => {
    expect(nodeVersionProblem('22.3.0', '>=22.12')).toMatch(/needs Node >=22\.12.*this is Node 22\.3\.0/);
    expect(nodeVersionProblem('22.12.0', '>=22.12')).toBeNull();
    expect(nodeVersionProblem('not-a-version', '>=22.12')).toMatch(/this is Node not-a-version/);
  });

  // Each CLI as a user runs it, in a Node that reports itself as 22.11.0: one line on
  // stderr, exit code 2, before anything else (even --help).
  const fake = join(mkdtempSync(join(tmpdir(), 'pca-old-node-')), 'node-22.11.mjs');
  writeFileSync(fake, "Object.defineProperty(process.versions, 'node', { value: '22.11.0' });\n");
  it.concurrent.each(COMMANDS)('npm run %s on Node 22.11.0 stops at once: one line, exit code 2', async (command) => {
    const { code, stdout, stderr } = await runCli(command, ['--help'], { ...process.env, NODE_OPTIONS: `--import=${pathToFileURL(fake).href}` });
    expect(stderr).toBe(`${nodeVersionProblem('22.11.0')}\n`);
    expect(code).toBe(2);
    expect(stdout).toBe('');
  });
});

describe('engines.node', () => {
  it("is the lock file's, and admits only Node versions every installed package supports", () => {
    expect(lock.packages['']!.engines).toEqual({ node: packageJson.engines.node });
    // Optional packages whose engines do not match are skipped by npm, even with engine-strict.
    const narrower = Object.entries(lock.packages)
      .filter(([path, entry]) => path !== '' && !entry.optional && !Array.isArray(entry.engines) && entry.engines?.node)
      .filter(([, entry]) => !semver.subset(packageJson.engines.node, (entry.engines as { node: string }).node, { includePrerelease: true }))
      .map(([path, entry]) => `${path.replace(/^.*node_modules\//, '')} needs ${(entry.engines as { node: string }).node}`);
    expect(narrower).toEqual([]);
  });

  it("admits the Node of .nvmrc, the Lambda runtime's", () => {
    const nvmrc = read('.nvmrc').trim();
    expect(nvmrc).toMatch(/^\d+$/);
    expect(semver.subset(`${nvmrc}.x`, packageJson.engines.node)).toBe(true);
    expect((parse(read('serverless.yml')) as { provider: { runtime: string } }).provider.runtime).toBe(`nodejs${nvmrc}.x`);
    expect(read('.npmrc')).toMatch(/^engine-strict=true$/m);
  });
});
