import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

// After a long write (a large import) SQLite's write-ahead log holds every page it wrote,
// hundreds of MB, to be copied into the database file (a checkpoint). SQLite does that at
// the end of the commit, or at the next commit of any connection, synchronously: half a
// second or more in which this process could serve nobody. Here it is done on a thread of
// its own, with its own connection, while the process carries on.

const driver = createRequire(import.meta.url).resolve('better-sqlite3');

const CHECKPOINT = `
const { workerData, parentPort } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file);
try {
  let result;
  // PASSIVE: never waits for readers; a reader of an older state holds back what it still
  // needs, so try again a few times (reads take milliseconds).
  for (let i = 0; i < 50; i++) {
    result = db.pragma('wal_checkpoint(PASSIVE)')[0];
    if (result.log >= 0 && result.checkpointed >= result.log) break;
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20);
  }
  parentPort.postMessage(result);
} finally {
  db.close();
}
`;

export interface CheckpointResult {
  busy: number;
  /** frames in the log */
  log: number;
  /** frames copied into the database */
  checkpointed: number;
}

/** Copies the SQLite file's write-ahead log into the database on another thread. */
export function checkpointAside(file: string): Promise<CheckpointResult> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(CHECKPOINT, { eval: true, workerData: { file, driver } });
    worker.once('message', resolve);
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`the checkpoint thread ended (${code})`)));
  });
}
