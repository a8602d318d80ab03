/**
 * `npm run diagram` and `npm run local -- --diagram` as a user runs them: separate Node
 * processes (through tsx, as the npm scripts do), the files they write and exit codes.
 */
import { copyFileSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT as root, runCli, type CliResult } from './run-cli';
import { loadDefinition } from '../../../src/workstation/executions/definition';
import { readmeDiagram, readmeDiagramBlock, workflowMermaid, workflowSvg } from '../../../src/workstation/executions/diagram';
import { stateRows, statesMarkdown } from '../../../src/workstation/executions/states-table';

const { definition } = loadDefinition();

function cli(script: 'local' | 'diagram', ...args: string[]): Promise<CliResult> {
  return runCli(script, args);
}

/** A scratch directory with a copy of docs/workflow.md. */
function scratch(): { dir: string; readme: string; docs: string } {
  const dir = mkdtempSync(join(tmpdir(), 'pca-diagram-'));
  copyFileSync(join(root, 'docs', 'workflow.md'), join(dir, 'workflow.md'));
  return { dir, readme: join(dir, 'workflow.md'), docs: join(dir, 'docs') };
}

describe('npm run diagram', () => {
  it('--check passes on the repository as committed: docs/ (the pictures and docs/workflow.md) are current', async () => {
    const { code, stdout, stderr } = await cli('diagram', '--check');
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toMatch(/^up to date: docs\/workflow\.mmd, docs\/workflow\.svg, docs\/states\.md, docs\/workflow\.md\n$/);
  });

  it('--check writes nothing and exits 1, naming what is out of date, until the files are written', async () => {
    const { docs, readme } = scratch();
    const options = ['--out', docs, '--page', readme];
    const before = await cli('diagram', ...options, '--check');
    expect(before.code).toBe(1);
    expect(before.stderr).toMatch(/out of date .*workflow\.mmd, .*workflow\.svg/);
    expect(before.stderr).toContain('run `npm run diagram`');
    expect(existsSync(docs)).toBe(false);

    const write = await cli('diagram', ...options);
    expect(write.code).toBe(0);
    expect(readFileSync(join(docs, 'workflow.mmd'), 'utf8')).toBe(workflowMermaid(definition));
    expect(readFileSync(join(docs, 'workflow.svg'), 'utf8')).toBe(await workflowSvg(definition));
    expect(readFileSync(join(docs, 'states.md'), 'utf8')).toBe(statesMarkdown(stateRows(loadDefinition())));
    expect((await cli('diagram', ...options, '--check')).code).toBe(0);

    // A hand edit of the picture or of the page's block is caught; writing again repairs both.
    writeFileSync(join(docs, 'workflow.svg'), readFileSync(join(docs, 'workflow.svg'), 'utf8').replace('RecordOutcome', 'RecordOutcom'));
    writeFileSync(readme, readFileSync(readme, 'utf8').replace(/(<!-- diagram:start -->\n```mermaid\n)[\s\S]*?(\n```)/, '$1flowchart TD\n  A --> B$2'));
    const stale = await cli('diagram', ...options, '--check');
    expect(stale.code).toBe(1);
    expect(stale.stderr).toMatch(/workflow\.svg, .*workflow\.md/);
    expect(stale.stderr).not.toContain('workflow.mmd');
    expect((await cli('diagram', ...options)).stdout).toMatch(/^wrote .*workflow\.svg, .*workflow\.md\n$/);
    expect(readmeDiagram(readFileSync(readme, 'utf8'))).toBe(readmeDiagramBlock(definition));
  });

  it('refuses a page without the diagram markers, and unknown options, with exit code 2', async () => {
    const { docs, readme } = scratch();
    writeFileSync(readme, '# no diagram here\n');
    const missing = await cli('diagram', '--out', docs, '--page', readme);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^error: .*workflow\.md: no <!-- diagram:start --> … <!-- diagram:end --> block/);
    expect(existsSync(docs)).toBe(false);
    const bogus = await cli('diagram', '--bogus');
    expect(bogus.code).toBe(2);
    expect(bogus.stderr.startsWith("error: Unknown option '--bogus'")).toBe(true);
  });
});

describe('npm run local -- --diagram', () => {
  it('writes the path the execution took as an SVG picture', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'pca-local-')), 'run.svg');
    const { code, stdout } = await cli('local', 'events/crl-s3-permission-failure.json', '--diagram', file);
    expect(code).toBe(0);
    expect(stdout).toMatch(new RegExp(`diagram +${file}\\n$`));
    const svg = readFileSync(file, 'utf8');
    // Graphviz's SVG: an XML declaration, then the root element in the SVG namespace.
    expect(svg.startsWith('<?xml version="1.0"')).toBe(true);
    expect(svg).toMatch(/<svg width="\d+pt" height="\d+pt"\s+viewBox="[^"]+" xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
    expect(svg).toContain('>One execution: SUCCEEDED, outcome REMEDIATED</text>');
    expect(svg).toContain('>visited</text>');
  });

  it('writes Mermaid for a .mmd file, and --json still prints only the JSON document', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'pca-local-')), 'run.mmd');
    const { code, stdout } = await cli('local', 'events/crl-s3-permission-failure.json', '--json', '--diagram', file);
    expect(code).toBe(0);
    const report = JSON.parse(stdout);
    const text = readFileSync(file, 'utf8');
    expect(text.startsWith('flowchart TD\n')).toBe(true);
    const visited = /^ {2}class (\S+) visited$/m.exec(text)![1]!.split(',');
    expect(visited.sort()).toEqual([...new Set(report.states.map((state: { name: string }) => state.name.replace(/\?$/, '')))].sort());
    expect(text).toMatch(/^ {2}linkStyle [\d,]+ stroke:/m);
  });

  it('refuses a file that is neither .svg nor .mmd before running anything', async () => {
    const { code, stdout, stderr } = await cli('local', 'events/crl-s3-permission-failure.json', '--diagram', 'run.png');
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr.startsWith('error: --diagram run.png: the file name must end in .svg (a picture) or .mmd (Mermaid)')).toBe(true);
    expect(existsSync(join(root, 'run.png'))).toBe(false);
  });
});
