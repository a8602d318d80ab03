/**
 * The outputs pasted into the README that `npm run readme` regenerates. Today one: the
 * demo block, the ```text fence that opens with "━━ CRL bucket policy lacks" and ends at
 * the next ``` (the README has no markers around it; it is found by its first line):
 * the first execution of `npm run demo`, the internal failure that recovers and the
 * summary, each section as the demo prints it (colours off), joined by a line "⋯".
 */

/** How the demo block opens in the README. */
export const DEMO_BLOCK_OPENING = '```text\n━━ CRL bucket policy lacks';

/** The demo's sections shown, by what identifies each in its first line. */
const SHOWN = [
  { what: 'the first execution', test: (section: string) => section.includes('[crl-missing-grant]') },
  { what: 'the internal failure that recovers', test: (section: string) => section.includes('[crl-internal-recovers]') },
  { what: 'the summary', test: (section: string) => section.startsWith('━━ Summary') },
];

/** What the README shows of the demo's output: its three sections, each without trailing blank space, between lines "⋯". */
export function demoExcerpt(output: string): string {
  const sections = output.split(/^(?=━━ )/m);
  const shown = SHOWN.map(({ what, test }) => {
    const section = sections.find(test);
    if (section === undefined) throw new Error(`the demo's output has no section for ${what}`);
    return section.trimEnd();
  });
  return `${shown.join('\n⋯\n')}\n`;
}

/** Where the demo block's content is in `readme`: after its ```text line, up to its closing fence. */
function demoBlockRange(readme: string): { start: number; end: number } | null {
  const opening = readme.indexOf(DEMO_BLOCK_OPENING);
  if (opening === -1) return null;
  const start = opening + '```text\n'.length;
  const end = readme.indexOf('```', start);
  return end === -1 ? null : { start, end };
}

/** The demo block's content in `readme`, or null when the README has none. */
export function readmeDemoBlock(readme: string): string | null {
  const range = demoBlockRange(readme);
  return range && readme.slice(range.start, range.end);
}

/** `readme` with its demo block's content replaced by `excerpt`. */
export function withDemoBlock(readme: string, excerpt: string): string {
  const range = demoBlockRange(readme);
  if (!range) throw new Error(`no demo block: a line ${JSON.stringify(DEMO_BLOCK_OPENING.split('\n')[1])} after a \`\`\`text fence, and its closing fence`);
  return readme.slice(0, range.start) + excerpt + readme.slice(range.end);
}

/** The demo's wall time ("1.2 s wall time") varies from run to run; it is not what the block shows. */
function withoutWallTime(text: string): string {
  return text.replace(/\b\d+(?:\.\d+)? s wall time\b/g, '… s wall time');
}

/** Whether the block in the README shows `excerpt`, whatever wall time either measured. */
export function sameDemoBlock(block: string, excerpt: string): boolean {
  return withoutWallTime(block) === withoutWallTime(excerpt);
}
