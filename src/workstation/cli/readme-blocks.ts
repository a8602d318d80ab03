/**
 * The pasted outputs of the README and docs/ that `npm run readme` regenerates, and how
 * they are found. Each is a fenced block between two markers:
 *
 *     <!-- output: demo-summary -->
 *     ```text
 *     …what the run printed…
 *     ```
 *     <!-- output:end -->
 *
 * or, for Markdown pasted as it is (a table), the same markers with no fence between them.
 *
 * The name after `output:` says which real run fills it (src/workstation/cli/readme.ts). Parts of an
 * output that change from run to run without changing what it shows (the demo's wall
 * time, the random id of a local execution) are not compared: a block that differs only
 * there is up to date and kept as it is.
 */

const START = /^<!-- output: ([a-z0-9-]+) -->\n(?:```([a-z]*)\n)?/gm;
export const OUTPUT_END = '<!-- output:end -->';

/** One pasted block of a Markdown file. */
export interface PastedBlock {
  name: string;
  /** The fence's language (`text`, `json`, …); null for Markdown pasted as it is (a table). */
  language: string | null;
  /** What is between the opening fence's line and the closing fence (or between the markers, for Markdown). */
  content: string;
  /** Where `content` starts and ends in the file's text. */
  start: number;
  end: number;
}

/**
 * Every block of `text`, in order. Throws, naming the line, on a start marker whose
 * fenced block or end marker is missing: a half-marked block is a mistake, not text.
 */
export function pastedBlocks(text: string): PastedBlock[] {
  const blocks: PastedBlock[] = [];
  for (const match of text.matchAll(START)) {
    const start = match.index + match[0].length;
    const line = text.slice(0, match.index).split('\n').length;
    if (match[2] === undefined) {
      // Markdown pasted as it is, up to the end marker.
      const end = text.indexOf(`\n${OUTPUT_END}`, start - 1) + 1;
      if (end === 0) throw new Error(`line ${line}: <!-- output: ${match[1]} --> has no ${OUTPUT_END}`);
      blocks.push({ name: match[1]!, language: null, content: text.slice(start, end), start, end });
      continue;
    }
    const closing = text.indexOf('\n```\n', start - 1);
    if (closing === -1) throw new Error(`line ${line}: <!-- output: ${match[1]} --> has no closing \`\`\` fence`);
    const end = closing + 1;
    if (!text.startsWith(`\`\`\`\n${OUTPUT_END}`, end))
      throw new Error(`line ${line}: <!-- output: ${match[1]} --> is not closed by ${OUTPUT_END} right after its fence`);
    blocks.push({ name: match[1]!, language: match[2]!, content: text.slice(start, end), start, end });
  }
  return blocks;
}

/** `text` with the content of each block replaced by `contents[name]` (blocks of other names kept). */
export function withPastedBlocks(text: string, contents: ReadonlyMap<string, string>): string {
  let result = '';
  let at = 0;
  for (const block of pastedBlocks(text)) {
    const content = contents.get(block.name);
    if (content === undefined) continue;
    result += text.slice(at, block.start) + content;
    at = block.end;
  }
  return result + text.slice(at);
}

/** What may differ between two runs of the same output and still show the same thing. */
const VOLATILE: ReadonlyArray<[RegExp, string]> = [
  // The demo's wall time: a measurement of this machine, not content.
  [/\b\d+(?:\.\d+)? s wall time\b/g, '… s wall time'],
  // The execution id aws-local-stepfunctions draws at random for each local execution.
  [/(:execution:[A-Za-z0-9_-]+:)[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/g, '$1…'],
];

function withoutVolatile(text: string): string {
  return VOLATILE.reduce((result, [pattern, replacement]) => result.replace(pattern, replacement), text);
}

/** Whether a pasted block shows `output`, whatever the volatile parts of either run. */
export function samePastedOutput(block: string, output: string): boolean {
  return withoutVolatile(block) === withoutVolatile(output);
}

/** The demo's sections shown in docs/local-runner.md, by what identifies each in its first line. */
const DEMO_EXCERPT = [
  { what: 'the first execution', test: (section: string) => section.includes('[crl-missing-grant]') },
  { what: 'the internal failure that recovers', test: (section: string) => section.includes('[crl-internal-recovers]') },
];

function demoSections(output: string): string[] {
  return output.split(/^(?=━━ )/m);
}

/** The first execution and the recovering internal failure of `npm run demo`, each trimmed, between lines "⋯". */
export function demoExcerpt(output: string): string {
  const sections = demoSections(output);
  const shown = DEMO_EXCERPT.map(({ what, test }) => {
    const section = sections.find(test);
    if (section === undefined) throw new Error(`the demo's output has no section for ${what}`);
    return section.trimEnd();
  });
  return `${shown.join('\n⋯\n')}\n`;
}

/** The summary table of `npm run demo`, trimmed. */
export function demoSummary(output: string): string {
  const summary = demoSections(output).find((section) => section.startsWith('━━ Summary'));
  if (summary === undefined) throw new Error("the demo's output has no section for the summary");
  return `${summary.trimEnd()}\n`;
}

/** `value` as `jq .` prints it: two-space indent, one member or element a line. */
export function asJq(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}
