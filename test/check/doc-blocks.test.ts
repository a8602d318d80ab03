/**
 * docs/check-and-snapshot.md shows the commands' usages, a run of each against the
 * example account and the read-only policy as they are today: the blocks are generated
 * (src/check/doc-blocks.ts) and this test fails when one is stale.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DOC, docBlocks, withBlocks } from '../../src/check/doc-blocks';

describe('docs/check-and-snapshot.md', () => {
  it('its generated blocks are up to date (else run npx tsx src/check/doc-blocks.ts)', async () => {
    const text = readFileSync(DOC, 'utf8');
    const blocks = await docBlocks();
    expect(Object.keys(blocks)).toEqual(['check-usage', 'snapshot-usage', 'check', 'snapshot', 'policy']);
    expect(blocks.check).toContain('12 CAs in us-east-1 (account 111122223333): 5 OK, 4 WOULD_REPAIR, 2 NEEDS_ATTENTION, 1 CANNOT_READ.');
    expect(withBlocks(text, blocks)).toBe(text);
  });

  it('a block whose markers are missing is an error, not a silent skip', () => {
    expect(() => withBlocks('no markers here\n', { check: '```text\nx\n```' })).toThrow('docs/check-and-snapshot.md has no <!-- check:start --> … <!-- check:end --> pair');
    expect(withBlocks('<!-- a:start -->\nold\n<!-- a:end -->\n', { a: 'new' })).toBe('<!-- a:start -->\nnew\n<!-- a:end -->\n');
  });
});
