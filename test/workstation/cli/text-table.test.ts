import { stripVTControlCharacters } from 'node:util';
import { describe, expect, it } from 'vitest';
import { renderTable } from '../../../src/workstation/cli/text-table';

const red = (text: string) => `\u001b[31m${text}\u001b[39m`;
const bold = (text: string) => `\u001b[1m${text}\u001b[22m`;

describe('renderTable', () => {
  it('lines up cells painted with ANSI colours by their visible width', () => {
    const lines = renderTable(
      [{ title: 'state' }, { title: 'outcome' }, { title: 'took' }],
      [
        ['ClaimEvent', red('FAILED'), '1s'],
        ['Classify', 'REMEDIATED', '12s'],
      ],
    );
    expect(lines.map((line) => stripVTControlCharacters(line))).toEqual([
      'state       outcome     took', //
      '──────────  ──────────  ────',
      'ClaimEvent  FAILED      1s',
      'Classify    REMEDIATED  12s',
    ]);
    expect(lines[2]).toContain(red('FAILED'));
  });

  it('leaves the rule out when asked and styles the header line', () => {
    const lines = renderTable([{ title: 'a' }, { title: 'b', align: 'right' }], [['xyz', '7']], { rule: false, header: bold });
    expect(lines).toEqual([bold('a    b'), 'xyz  7']);
  });

  it('fills missing cells with nothing rather than failing', () => {
    expect(renderTable([{ title: 'a' }, { title: 'b' }], [['only']])).toEqual(['a     b', '────  ─', 'only']);
  });
});
