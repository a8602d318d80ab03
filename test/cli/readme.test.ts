/**
 * `npm run readme`: the demo block of the README is the real output of `npm run demo`.
 * The excerpt and the block on their own, then the CLI as a separate process on the
 * repository (its README is current) and on scratch copies.
 */
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { demoExcerpt, readmeDemoBlock, sameDemoBlock, withDemoBlock } from '../../src/cli/readme-blocks';
import { ROOT, runCli } from './run-cli';

const OUTPUT = [
  '━━ CRL bucket policy lacks the Private CA grant, dry run  [crl-missing-grant-dry-run]\n  dry\n\n',
  '━━ CRL bucket policy lacks the Private CA grant  [crl-missing-grant]\n  first\n    indented\n\n\n',
  '━━ Something else  [crl-explicit-deny]\n  other\n\n',
  '━━ Internal failure writing the CRL; Private CA recovers  [crl-internal-recovers]\n  recovers   \n\n',
  '━━ Summary: 4 executions\n\nscenario  outcome\n\nAll 4 ended as expected. 1.2 s wall time; "took" is simulated time.\n',
].join('');

const EXCERPT = `━━ CRL bucket policy lacks the Private CA grant  [crl-missing-grant]
  first
    indented
⋯
━━ Internal failure writing the CRL; Private CA recovers  [crl-internal-recovers]
  recovers
⋯
━━ Summary: 4 executions

scenario  outcome

All 4 ended as expected. 1.2 s wall time; "took" is simulated time.
`;

const README = '# Title\n\nBefore.\n\n```text\n━━ CRL bucket policy lacks an old grant  [crl-missing-grant]\n  old\n```\n\nAfter.\n\n```text\nother block\n```\n';

describe('the demo block', () => {
  it('shows the first execution, the recovering internal failure and the summary, between lines ⋯', () => {
    expect(demoExcerpt(OUTPUT)).toBe(EXCERPT);
  });

  it('refuses an output without one of them', () => {
    expect(() => demoExcerpt(OUTPUT.replace('[crl-internal-recovers]', '[x]'))).toThrow("the demo's output has no section for the internal failure that recovers");
    expect(() => demoExcerpt(OUTPUT.replace('━━ Summary', '━━ Total'))).toThrow("the demo's output has no section for the summary");
  });

  it('replaces the fence that opens with "━━ CRL bucket policy lacks", up to its closing fence, and nothing else', () => {
    expect(readmeDemoBlock(README)).toBe('━━ CRL bucket policy lacks an old grant  [crl-missing-grant]\n  old\n');
    expect(withDemoBlock(README, EXCERPT)).toBe(`# Title\n\nBefore.\n\n\`\`\`text\n${EXCERPT}\`\`\`\n\nAfter.\n\n\`\`\`text\nother block\n\`\`\`\n`);
    expect(readmeDemoBlock('# no block\n```text\nother\n```\n')).toBeNull();
    expect(readmeDemoBlock('```text\n━━ CRL bucket policy lacks a closing fence\n')).toBeNull();
    expect(() => withDemoBlock('# none\n', EXCERPT)).toThrow('no demo block');
  });

  it('is the same whatever wall time either run measured, and only then', () => {
    expect(sameDemoBlock(EXCERPT, EXCERPT.replace('1.2 s wall time', '13.75 s wall time'))).toBe(true);
    expect(sameDemoBlock(EXCERPT, EXCERPT.replace('All 4', 'All 5'))).toBe(false);
    expect(sameDemoBlock(EXCERPT, EXCERPT.replace('  first', '  first '))).toBe(false);
  });
});

describe('npm run readme', () => {
  it('--check passes on the repository as committed: the README shows the demo as it runs', async () => {
    const { code, stdout, stderr } = await runCli('readme', ['--check']);
    expect(stderr).toBe('');
    expect(stdout).toBe('up to date: README.md (the demo block)\n');
    expect(code).toBe(0);
  });

  it('--check exits 1 on a stale copy and writes nothing; without it, pastes the demo into the block only', async () => {
    const readme = join(mkdtempSync(join(tmpdir(), 'pca-readme-')), 'README.md');
    copyFileSync(join(ROOT, 'README.md'), readme);
    const original = readFileSync(readme, 'utf8');
    const stale = original.replace(/^( {2}AWS calls {2})(\d+): DescribeCertificateAuthority/m, (_line, label: string, count: string) => `${label}${Number(count) + 1}: DescribeCertificateAuthority`);
    expect(stale).not.toBe(original);
    writeFileSync(readme, stale);

    const check = await runCli('readme', ['--check', '--readme', readme]);
    expect(check.code).toBe(1);
    expect(check.stderr).toBe(`out of date with npm run demo: ${readme} (the demo block)\nrun \`npm run readme\` and commit the result\n`);
    expect(readFileSync(readme, 'utf8')).toBe(stale);

    const write = await runCli('readme', ['--readme', readme]);
    // As many lines as the block holds (the fence's contents).
    const block = /```text\n(━━ CRL bucket policy lacks[\s\S]*?)```/.exec(original)![1]!;
    expect(write.stdout).toBe(`pasted ${block.split('\n').length - 1} lines of npm run demo into ${readme}\n`);
    expect(write.code).toBe(0);
    const written = readFileSync(readme, 'utf8');
    const wallTime = (text: string) => text.replace(/\d+(\.\d+)? s wall time/, 'N s wall time');
    expect(wallTime(written)).toBe(wallTime(original));
    expect((await runCli('readme', ['--check', '--readme', readme])).code).toBe(0);
  });

  it('pastes nothing when the demo fails, exit code 3', async () => {
    const readme = join(mkdtempSync(join(tmpdir(), 'pca-readme-')), 'README.md');
    copyFileSync(join(ROOT, 'README.md'), readme);
    const stale = readFileSync(readme, 'utf8').replace('All 11 ended as expected', 'All 12 ended as expected');
    writeFileSync(readme, stale);
    // The demo is made to fail as npm would: started as \`npm run demo --summary\`, which it refuses.
    const { code, stdout, stderr } = await runCli('readme', ['--readme', readme], { ...process.env, npm_lifecycle_event: 'demo', npm_config_summary: 'true' });
    expect(stderr).toMatch(/^npm run demo failed \(exit code 2\): error: npm took --summary as its own: .*\nnothing was pasted\n$/);
    expect(code).toBe(3);
    expect(stdout).toBe('');
    expect(readFileSync(readme, 'utf8')).toBe(stale);
  });

  it('refuses a README without the demo block, exit code 2', async () => {
    const readme = join(mkdtempSync(join(tmpdir(), 'pca-readme-')), 'README.md');
    writeFileSync(readme, '# no demo here\n');
    const { code, stderr } = await runCli('readme', ['--readme', readme]);
    expect(code).toBe(2);
    expect(stderr).toMatch(/^error: .*README\.md: no demo block to fill \(a ```text fence whose first line starts "━━ CRL bucket policy lacks", and its closing fence\)\n\nusage: npm run readme/);
    expect(readFileSync(readme, 'utf8')).toBe('# no demo here\n');
  });
});
