/**
 * The time as the workflow sees it. On Lambda it is the wall clock; the local runner
 * replaces it with a simulated clock that jumps ahead by the delays the real service
 * would wait, so an hour of retries runs in milliseconds.
 */
let source: () => Date = () => new Date();
let pause: (ms: number) => Promise<void> = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export function now(): Date {
  return source();
}

/** Wait inside a Lambda (short waits only, e.g. for S3 to show a write). */
export function sleep(ms: number): Promise<void> {
  return pause(ms);
}

export function setClock(next: { now?: () => Date; sleep?: (ms: number) => Promise<void> }): void {
  if (next.now) source = next.now;
  if (next.sleep) pause = next.sleep;
}

export function resetClock(): void {
  source = () => new Date();
  pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
}
