/**
 * The figures the "Safety" section of docs/repair.md quotes, printed by the tests that produce
 * them when asked: `PRINT_FIGURES=1 npx vitest run test/workflow test/property`.
 */
export function printFigures(title: string, figures: Record<string, unknown>): void {
  if (process.env.PRINT_FIGURES !== '1') return;
  process.stdout.write(`\nFIGURES ${title}: ${JSON.stringify(figures)}\n`);
}
