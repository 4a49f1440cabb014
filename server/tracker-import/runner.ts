import os from 'node:os';

// Which process runs a tracker upload's job, written on the upload when the job starts, so
// that any process can tell a job whose process has died (a restart or a crash) from one
// still at work: on the same host, a runner whose process id is no longer running (or is
// this process's id, but from before this process started) is gone. A runner on another
// host cannot be asked: such a job is judged by how long its progress has not moved.

const STARTED_AT = Math.round(performance.timeOrigin);

/** This process, as written on the jobs it runs. */
export const THIS_RUNNER = `${os.hostname()}|${process.pid}|${STARTED_AT}`;

/** Whether the process named by `runner` has certainly gone. */
export function runnerGone(runner: string | null | undefined): boolean {
  if (!runner) return false;
  const [host, pidText, started] = runner.split('|');
  if (host !== os.hostname()) return false;
  const pid = Number(pidText);
  if (!Number.isInteger(pid) || pid < 1) return false;
  if (pid === process.pid) return started !== String(STARTED_AT);
  try {
    process.kill(pid, 0); // signal 0: only asks whether the process exists
    return false;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ESRCH';
  }
}
