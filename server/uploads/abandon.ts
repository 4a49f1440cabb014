import type { Request, Response } from 'express';

/**
 * A signal that aborts when the client of this request goes away before its answer is
 * sent (the connection closed): work on its upload should stop, as nobody is waiting.
 */
export function clientGone(_req: Request, res: Response): AbortSignal {
  const controller = new AbortController();
  res.on('close', () => {
    if (!res.writableFinished) controller.abort();
  });
  return controller.signal;
}
