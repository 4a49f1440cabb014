import cluster, { type Worker } from 'node:cluster';
import type { Logger } from './logger.js';

// Several app processes on one machine (WORKERS), sharing its port through node:cluster: a
// request goes to whichever process the operating system's round robin picks. Nothing a
// request needs lives only in one process: sessions, sign-in rate limits and upload progress
// are in the database, and what a process keeps in memory (code lists, users, settings, the
// insight figures) is checked against the database on use. This primary process only starts
// the workers, replaces one that dies, and passes a shutdown on to them.

export function runWorkers(count: number, logger: Logger): void {
  const running = new Set<number>(); // worker ids
  const listening = new Set<number>(); // those that have started (are listening)
  let stopping = false;
  const fork = () => running.add(cluster.fork().id);
  for (let i = 0; i < count; i++) fork();

  cluster.on('listening', (worker: Worker) => listening.add(worker.id));
  cluster.on('exit', (worker: Worker, code: number | null, signal: string | null) => {
    running.delete(worker.id);
    const hadStarted = listening.delete(worker.id);
    if (stopping) {
      if (!running.size) process.exit();
      return;
    }
    // one that dies before it listens failed to start (configuration, database): stop rather than retry for ever
    if (!hadStarted) {
      logger.fatal({ pid: worker.process.pid, code, signal }, 'an app process failed to start; stopping');
      stop('start-up failure', 1);
      return;
    }
    logger.error({ pid: worker.process.pid, code, signal }, 'an app process stopped; starting another');
    fork();
  });

  // Each worker shuts down gracefully on SIGTERM (finishing requests in flight); the primary
  // exits when they all have.
  const stop = (reason: string, exitCode = 0) => {
    if (stopping) return;
    stopping = true;
    process.exitCode = exitCode;
    logger.info({ reason }, 'shutting down the app processes');
    for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill('SIGTERM');
    if (!running.size) process.exit();
    setTimeout(() => process.exit(exitCode || 1), 20_000).unref();
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}
