/** Write one execution's path as a picture: SVG or Mermaid, by the file's extension. */
import { writeFileSync } from 'node:fs';
import type { Definition } from '../executions/definition';
import { executionMermaid, workflowSvg } from '../executions/diagram';
import type { ExecutionView } from '../executions/view';
import { UsageError } from './common';

/** Check the --diagram file name before anything runs. */
export function checkDiagramFile(file: string): void {
  if (!/\.(svg|mmd)$/i.test(file)) throw new UsageError(`--diagram ${file}: the file name must end in .svg (a picture) or .mmd (Mermaid)`);
}

export async function writeDiagram(file: string, definition: Definition, view: ExecutionView): Promise<void> {
  checkDiagramFile(file);
  writeFileSync(file, /\.svg$/i.test(file) ? await workflowSvg(definition, view) : executionMermaid(definition, view));
}
