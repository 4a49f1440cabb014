import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from './support/db.js';
import { startAppProcess, Browserless, type AppProcess } from './support/processes.js';
import { createUser } from '../server/auth/users.js';
import { PASSWORD } from './support/app.js';
import { saveMapping } from '../server/tracker-import/store.js';
import { syntheticTracker } from '../server/tracker-import/synthetic.js';

// A tracker check runs as a job in the server's process. When that process dies part way
// (killed, or the machine restarted), the next server to show the upload says the check
// stopped, as failed, at once (not "Checking the file" for ten minutes), and checking it
// again works.

describe('a tracker check whose server process was killed', () => {
  let tdb: TestDb;
  let first: AppProcess | null = null;
  let second: AppProcess | null = null;
  const lead = new Browserless();

  beforeAll(async () => {
    tdb = await createTestDb();
    await createUser(tdb.db, { email: 'lead@council.example', name: 'Lead', role: 'data_lead', password: PASSWORD });
  }, 60_000);

  afterAll(async () => {
    for (const p of [first, second]) if (p?.child.exitCode === null) p.child.kill('SIGKILL');
    await tdb?.destroy();
  });

  it('shows as failed after a restart, with a button to check it again, which works', async () => {
    const tracker = await syntheticTracker({ rows: 40_000, format: 'csv', seed: 4 });
    const mappingId = await saveMapping(tdb.db, 'Synthetic', tracker.mapping, null);
    first = await startAppProcess(tdb);
    expect(await lead.signIn(first.baseUrl, 'lead@council.example', PASSWORD)).toBe(302);
    const token = await lead.csrf(`${first.baseUrl}/imports/tracker`);
    const form = new FormData();
    form.append('mapping', String(mappingId));
    form.append('file', new Blob([new Uint8Array(tracker.buffer)]), tracker.filename);
    // Not waiting for the answer (a quick machine may finish the check first): killed as soon as
    // the check has written its first progress, while it is under way in the first server's process.
    const up = lead.request(`${first.baseUrl}/imports/tracker?_csrf=${encodeURIComponent(token)}`, { method: 'POST', body: form }).catch(() => null);
    const deadline = Date.now() + 60_000;
    let working = await tdb.db('tracker_imports').orderBy('id', 'desc').first();
    while (!(working?.status === 'checking' && working.rows_read > 0) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 5));
      working = await tdb.db('tracker_imports').orderBy('id', 'desc').first();
    }
    first.child.kill('SIGKILL');
    await first.exited;
    await up;
    const id = Number(working.id);
    const status = `/imports/tracker/${id}`;
    working = await tdb.db('tracker_imports').where({ id }).first();
    expect(working.status).toBe('checking');
    expect(working.runner).toContain(`|${first.child.pid}|`);

    second = await startAppProcess(tdb);
    const page = await (await lead.request(second.baseUrl + status)).text();
    expect(page).toContain('The file could not be checked');
    expect(page).toContain('because the service was restarted');
    expect(page).toContain('Check the file again');
    expect(page).not.toContain('This page updates itself');
    expect((await tdb.db('tracker_imports').where({ id }).first()).status).toBe('failed');

    const again = await lead.form(`${second.baseUrl}${status}/check`, { _csrf: /name="_csrf" value="([^"]+)"/.exec(page)![1] });
    expect(again.status).toBe(303);
    const until = Date.now() + 60_000;
    let row = await tdb.db('tracker_imports').where({ id }).first();
    while (row.status === 'checking' && Date.now() < until) {
      await new Promise((r) => setTimeout(r, 250));
      row = await tdb.db('tracker_imports').where({ id }).first();
    }
    expect(row.status).toBe('checked');
    expect(row.runner).toContain(`|${second.child.pid}|`);
    const done = await (await lead.request(second.baseUrl + status)).text();
    expect(done).toContain('Check the import');
  }, 180_000);
});
