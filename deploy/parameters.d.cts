// Types of deploy/parameters.cjs, for the TypeScript that reads it (src/lambda/runtime/config.ts, npm run readme).
export interface Parameter {
  name: string;
  /** The default, as serverless.yml's `params.default` holds it: a string. */
  default: string;
  meaning: string;
  /** A problem with the value, or null when it is accepted. */
  check: (value: unknown) => string | null;
}
export const PARAMETERS: readonly Parameter[];
export function parametersMarkdown(): string;
