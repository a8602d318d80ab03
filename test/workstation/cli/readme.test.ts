/**
 * `npm run readme`: every pasted output of the README and docs/ is the real output of
 * the run its marker names. The block functions on their own, then the CLI as a
 * separate process on the repository (everything is current) and on scratch copies.
 */
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { asJq, demoExcerpt, demoSummary, pastedBlocks, samePastedOutput, withPastedBlocks } from '../../../src/workstation/cli/readme-blocks';
import { ROOT, runCli } from './run-cli';

const OUTPUT = [
  '━━ CRL bucket policy lacks the Private CA grant, dry run  [crl-missing-grant-dry-run]\n  dry\n\n',
  '━━ CRL bucket policy lacks the Private CA grant  [crl-missing-grant]\n  first\n    indented\n\n\n',
  '━━ Something else  [crl-explicit-deny]\n  other\n\n',
  '━━ Internal failure writing the CRL; Private CA recovers  [crl-internal-recovers]\n  recovers   \n\n',
  '━━ Summary: 4 executions\n\nscenario  outcome\n\nAll 4 ended as expected. 1.2 s wall time; "took" is simulated time.\n',
].join('');

const PAGE = [
  '# Title',
  '',
  '<!-- output: demo-summary -->',
  '```text',
  'old summary',
  '```',
  '<!-- output:end -->',
  '',
  'Between.',
  '',
  '<!-- output: local-outcome -->',
  '```json',
  '{}',
  '```',
  '<!-- output:end -->',
  '',
  '```text',
  'an unmarked block, left alone',
  '```',
  '',
].join('\n');

describe('the pasted blocks', () => {
  it('are found by their markers, with their language and content, in order', () => {
    expect(pastedBlocks(PAGE).map(({ name, language, content }) => ({ name, language, content }))).toEqual([
      { name: 'demo-summary', language: 'text', content: 'old summary\n' },
      { name: 'local-outcome', language: 'json', content: '{}\n' },
    ]);
    expect(pastedBlocks('# nothing marked\n```text\nx\n```\n')).toEqual([]);
  });

  it('replace only the named blocks, and nothing around them', () => {
    const written = withPastedBlocks(PAGE, new Map([['local-outcome', '{\n  "status": "REMEDIATED"\n}\n']]));
    expect(written).toBe(PAGE.replace('```json\n{}\n```', '```json\n{\n  "status": "REMEDIATED"\n}\n```'));
    expect(withPastedBlocks(written, new Map())).toBe(written);
  });

  it('find Markdown pasted as it is (no fence) up to the end marker, and replace only it', () => {
    const page = '# T\n\n<!-- output: parameters -->\n| a |\n| --- |\n<!-- output:end -->\n\nAfter.\n';
    expect(pastedBlocks(page).map(({ name, language, content }) => ({ name, language, content }))).toEqual([
      { name: 'parameters', language: null, content: '| a |\n| --- |\n' },
    ]);
    expect(withPastedBlocks(page, new Map([['parameters', '| b |\n']]))).toBe('# T\n\n<!-- output: parameters -->\n| b |\n<!-- output:end -->\n\nAfter.\n');
    expect(() => pastedBlocks('<!-- output: parameters -->\n| a |\n')).toThrow('line 1: <!-- output: parameters --> has no <!-- output:end -->');
  });

  it('refuse a start marker without its fence or its end marker, naming the line', () => {
    expect(() => pastedBlocks('text\n<!-- output: demo-summary -->\n```text\nno closing fence\n')).toThrow(
      'line 2: <!-- output: demo-summary --> has no closing ``` fence',
    );
    expect(() => pastedBlocks('<!-- output: demo-summary -->\n```text\nx\n```\nno end marker\n')).toThrow(
      'line 1: <!-- output: demo-summary --> is not closed by <!-- output:end --> right after its fence',
    );
  });

  it('compare equal whatever the wall time or the random execution id, and only then', () => {
    const arn = 'arn:aws:states:us-east-1:111122223333:execution:pca-remediation-local:9127a3a4-4e90-4f89-97e5-2a1f6eba1304';
    expect(samePastedOutput('All 4. 1.2 s wall time', 'All 4. 13.75 s wall time')).toBe(true);
    expect(samePastedOutput(`"${arn}"`, `"${arn.replace('9127a3a4', '0000aaaa')}"`)).toBe(true);
    expect(samePastedOutput('All 4. 1.2 s wall time', 'All 5. 1.2 s wall time')).toBe(false);
    expect(samePastedOutput(`"${arn}"`, `"${arn.replace('pca-remediation-local', 'other')}"`)).toBe(false);
    expect(samePastedOutput('  first', '  first ')).toBe(false);
  });
});

describe('the demo excerpts', () => {
  it('show the first execution and the recovering internal failure between lines ⋯; the summary on its own', () => {
    expect(demoExcerpt(OUTPUT)).toBe(
      '━━ CRL bucket policy lacks the Private CA grant  [crl-missing-grant]\n  first\n    indented\n⋯\n━━ Internal failure writing the CRL; Private CA recovers  [crl-internal-recovers]\n  recovers\n',
    );
    expect(demoSummary(OUTPUT)).toBe('━━ Summary: 4 executions\n\nscenario  outcome\n\nAll 4 ended as expected. 1.2 s wall time; "took" is simulated time.\n');
  });

  it('refuse an output without one of them', () => {
    expect(() => demoExcerpt(OUTPUT.replace('[crl-internal-recovers]', '[x]'))).toThrow(
      "the demo's output has no section for the internal failure that recovers",
    );
    expect(() => demoSummary(OUTPUT.replace('━━ Summary', '━━ Total'))).toThrow("the demo's output has no section for the summary");
  });

  it('print JSON as jq does', () => {
    expect(asJq({ a: [1, { b: 'c' }], d: null })).toBe('{\n  "a": [\n    1,\n    {\n      "b": "c"\n    }\n  ],\n  "d": null\n}\n');
  });
});

/** A scratch copy of the README and docs/, for the CLI to write into. */
function scratch(): string {
  const root = mkdtempSync(join(tmpdir(), 'pca-readme-'));
  cpSync(join(ROOT, 'README.md'), join(root, 'README.md'));
  cpSync(join(ROOT, 'docs'), join(root, 'docs'), { recursive: true });
  return root;
}

describe('npm run readme', () => {
  it('--check passes on the repository as committed: every pasted output is what its run prints now', async () => {
    const { code, stdout, stderr } = await runCli('readme', ['--check']);
    expect(stderr).toBe('');
    expect(stdout).toMatch(/^up to date: \d+ pasted outputs in README\.md, docs\/[a-z-]+\.md/);
    expect(code).toBe(0);
  }, 120_000);

  it('--check exits 1 on stale copies, naming each file and block, and writes nothing; without it, pastes the runs back', async () => {
    const root = scratch();
    const readme = join(root, 'README.md');
    const operations = join(root, 'docs', 'operations.md');
    const original = { readme: readFileSync(readme, 'utf8'), operations: readFileSync(operations, 'utf8') };
    const stale = {
      readme: original.readme.replace(
        /^(crl-missing-grant +\S+ +\S+ +REMEDIATED +)(\d+)/m,
        (_line, before: string, states: string) => `${before}${Number(states) + 1}`,
      ),
      operations: original.operations.replace('"status": "REMEDIATED"', '"status": "ALREADY_COMPLIANT"'),
    };
    expect(stale.readme).not.toBe(original.readme);
    expect(stale.operations).not.toBe(original.operations);
    writeFileSync(readme, stale.readme);
    writeFileSync(operations, stale.operations);

    const check = await runCli('readme', ['--check', '--root', root]);
    expect(check.stderr).toMatch(
      /^out of date with the runs they show: .*README\.md \(demo-summary\), .*docs\/operations\.md \(local-outcome\)\nrun `npm run readme` and commit the result\n$/,
    );
    expect(check.code).toBe(1);
    expect(readFileSync(readme, 'utf8')).toBe(stale.readme);
    expect(readFileSync(operations, 'utf8')).toBe(stale.operations);

    const write = await runCli('readme', ['--root', root]);
    expect(write.stdout).toMatch(/^pasted .*README\.md \(demo-summary\), .*docs\/operations\.md \(local-outcome\)\n$/);
    expect(write.code).toBe(0);
    expect(samePastedOutput(readFileSync(readme, 'utf8'), original.readme)).toBe(true);
    expect(samePastedOutput(readFileSync(operations, 'utf8'), original.operations)).toBe(true);
    expect((await runCli('readme', ['--check', '--root', root])).code).toBe(0);
  }, 180_000);

  it('pastes nothing when a run fails, exit code 3', async () => {
    const root = scratch();
    const readme = join(root, 'README.md');
    const stale = readFileSync(readme, 'utf8').replace(/All (\d+) ended as expected/, 'All 99 ended as expected');
    writeFileSync(readme, stale);
    // The demo is made to fail as npm would: started as `npm run demo --summary`, which it refuses.
    const { code, stdout, stderr } = await runCli('readme', ['--root', root], { ...process.env, npm_lifecycle_event: 'demo', npm_config_summary: 'true' });
    expect(stderr).toMatch(/^npm run demo failed \(exit code 2\): error: npm took --summary as its own: .*\nnothing was pasted\n$/);
    expect(code).toBe(3);
    expect(stdout).toBe('');
    expect(readFileSync(readme, 'utf8')).toBe(stale);
  }, 120_000);

  it('refuses an unknown block name, a half-marked block and a checkout without markers, exit code 2, writing nothing', async () => {
    const root = scratch();
    const page = join(root, 'docs', 'operations.md');
    const original = readFileSync(page, 'utf8');

    writeFileSync(page, `${original}\n<!-- output: no-such-run -->\n\`\`\`text\n\`\`\`\n<!-- output:end -->\n`);
    const unknown = await runCli('readme', ['--root', root]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/^error: .*docs\/operations\.md: unknown pasted output "no-such-run" \(known: demo-summary, /);

    writeFileSync(page, `${original}\n<!-- output: demo-summary -->\n\`\`\`text\nno end\n\`\`\`\n`);
    const half = await runCli('readme', ['--root', root]);
    expect(half.code).toBe(2);
    expect(half.stderr).toMatch(/^error: .*docs\/operations\.md: line \d+: <!-- output: demo-summary --> is not closed by <!-- output:end -->/);

    const empty = mkdtempSync(join(tmpdir(), 'pca-readme-'));
    writeFileSync(join(empty, 'README.md'), '# nothing pasted here\n');
    const none = await runCli('readme', ['--root', empty]);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/^error: no <!-- output: <name> --> block in .*README\.md\n/);
    expect(readFileSync(join(empty, 'README.md'), 'utf8')).toBe('# nothing pasted here\n');
  });
});
