/** Resolves on a later turn of the event loop, so long work lets other requests be served. */
export const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));
