/** The targets `npm run bench` checks, in one place (no imports with side effects: the report reads them too). */
import { KIB } from './table';

/** The size target of a bundle with the AWS SDK v3 clients inside: 512 KiB, in bytes. */
export const BUNDLE_LIMIT_BYTES = 512 * KIB;
/** The init target: the bundle's median at most this fraction of the naive build's. */
export const INIT_RATIO_LIMIT = 0.5;
/** The repair of a CRL bucket's policy (REPAIR_PATH), without the follow-up that waits for Private CA. */
export const REPAIR_TARGETS = { maxStateTransitions: 10, maxLambdaInvocations: 4 } as const;
/** The states that follow a CRL bucket's repair (or its compliant verdict) until Private CA writes again: counted apart from the repair. */
export const FOLLOW_UP_STATES: ReadonlySet<string> = new Set(['WasTheCrlBucketRepaired?', 'NothingToRepair', 'CheckCrlWrittenAfterRepair']);
