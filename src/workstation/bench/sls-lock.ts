/**
 * One `sls package` at a time per checkout. serverless-esbuild builds in `.esbuild/`
 * under the service directory and removes it when done, so two packagings of the same
 * checkout at once (the test files run in parallel) could remove each other's build.
 * The lock is a directory created atomically; a lock older than `staleMs` (a crashed
 * holder) is taken over.
 */
import { mkdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';

const pause = new Int32Array(new SharedArrayBuffer(4));

export function withSlsLock<T>(root: string, work: () => T, { timeoutMs = 600_000, staleMs = 300_000 } = {}): T {
  const lock = join(root, '.serverless-package.lock');
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      let age = 0;
      try {
        age = Date.now() - statSync(lock).mtimeMs;
      } catch {
        continue; // Released between the two calls: try again at once.
      }
      if (age > staleMs) rmSync(lock, { recursive: true, force: true });
      else if (Date.now() > deadline)
        throw new Error(`another \`sls package\` of ${root} has held ${lock} for ${Math.round(age / 1000)} s; remove it if no packaging is running`);
      else Atomics.wait(pause, 0, 0, 100);
    }
  }
  try {
    return work();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}
