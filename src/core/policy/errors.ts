/**
 * Errors of the policy module. Both are terminal: reading the same policy again gives
 * the same answer, so the workflow must tell a person rather than retry.
 */
import { TerminalError } from '../errors';

/** The bucket policy text is not a policy this module can read. */
export class PolicyParseError extends TerminalError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PolicyParseError';
  }
}

/** The merged policy would exceed the S3 bucket policy size limit. */
export class PolicyTooLarge extends TerminalError {
  readonly sizeBytes: number;
  readonly limitBytes: number;
  constructor(sizeBytes: number, limitBytes: number) {
    super(
      `the bucket policy with the Private CA grant would be ${sizeBytes} bytes, ` +
        `over the S3 limit of ${limitBytes} bytes; shorten the existing policy or ask for a person`,
    );
    this.name = 'PolicyTooLarge';
    this.sizeBytes = sizeBytes;
    this.limitBytes = limitBytes;
  }
}

/**
 * The bucket policy's text repeats a member name within one JSON object: parsing keeps
 * only the last, so writing the parsed policy back would drop the others.
 */
export class PolicyDuplicateKeys extends TerminalError {
  /** JSON paths of the repeated members, e.g. `$.Statement[0].Condition.StringEquals["aws:SourceArn"]`. */
  readonly paths: string[];
  constructor(paths: string[]) {
    super(
      `the bucket policy repeats ${paths.length === 1 ? 'a key' : `${paths.length} keys`} within one JSON object (${paths.join(', ')}); ` +
        'writing it back would keep only the last of each, so it is not merged',
    );
    this.name = 'PolicyDuplicateKeys';
    this.paths = paths;
  }
}
