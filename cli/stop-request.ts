/** Why a long-running command was asked to stop. */
export type StopReason = 'SIGTERM' | 'SIGINT' | 'parent exited';

/**
 * Resolves once the process is asked to stop: SIGTERM or SIGINT, or the process that started it is gone.
 * The last covers `npx …` and `sh -c …` wrappers: killed, they leave their child running with a new parent,
 * so a process manager's SIGTERM to the pid it started would not reach the server otherwise. A process
 * started by init (parent pid 1) has no parent to watch.
 */
export function stopRequested(pollMs = 500): Promise<StopReason> {
  return new Promise((resolve) => {
    const parent = process.ppid;
    const watch =
      parent > 1
        ? setInterval(() => {
            if (process.ppid !== parent) done('parent exited');
          }, pollMs).unref()
        : undefined;
    const onTerm = () => done('SIGTERM');
    const onInt = () => done('SIGINT');
    function done(reason: StopReason): void {
      clearInterval(watch);
      process.off('SIGTERM', onTerm);
      process.off('SIGINT', onInt);
      resolve(reason);
    }
    process.once('SIGTERM', onTerm);
    process.once('SIGINT', onInt);
  });
}

/** Runs `stop`, then exits 0; exits 1 if it takes longer than `deadlineMs` or fails. */
export async function stopWithin(deadlineMs: number, stop: () => Promise<void>): Promise<never> {
  const late = setTimeout(() => {
    process.stderr.write(`Did not stop within ${deadlineMs / 1000} s; exiting anyway.\n`);
    process.exit(1);
  }, deadlineMs);
  late.unref();
  try {
    await stop();
  } catch (error) {
    process.stderr.write(`Stopping failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  }
  process.exit(0);
}
