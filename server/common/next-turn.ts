/** Resolves on a later turn of the event loop, so long work lets other requests be served. */
export const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** How long a stretch of long work runs before it lets other requests in. */
export const TURN_MS = 5;

/**
 * Long work (reading, checking, writing a large file) that lets other requests in once it
 * has run for `everyMs` since it last did: ask `due()` as often as is convenient (cheap),
 * and when it says so await `pause()`; or simply await `maybe()` (a resolved promise when
 * it is not time yet). Paced by time, not by rows: rows cost very different amounts.
 */
export function pacer(everyMs = TURN_MS) {
  let since = performance.now();
  const due = () => performance.now() - since >= everyMs;
  const pause = async () => {
    await nextTurn();
    since = performance.now();
  };
  return { due, pause, maybe: () => (due() ? pause() : Promise.resolve()) };
}

export type Pacer = ReturnType<typeof pacer>;
