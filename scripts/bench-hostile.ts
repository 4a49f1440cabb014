// Hostile files (issue 13) against the real server as its own process: for each file and
// each upload route (interchange, tracker), how long until the error is answered, the
// longest another user's page waited meanwhile (a coordinator asks for a family page every
// 20 ms), and how much the server's resident memory grew at its peak. Called by
// scripts/bench.ts (--only hostile); on its own:
//   node --import tsx scripts/bench-hostile.ts   (DATABASE_FILE or DATABASE_URL for the target)
import fs from 'node:fs';
import { badRowsFile, hostileFiles, type HostileFile } from '../test/support/hostile-files.js';
import { withBenchServer } from './bench-import-others.js';

const kB = (pid: number, field: string) => Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))![1]);

export function benchHostile(target: { env: Record<string, string> }): Promise<string> {
  return withBenchServer(target, async ({ lead, coordinator, child }) => {
    const pid = child.pid!;
    const files: HostileFile[] = [...hostileFiles(), badRowsFile()];
    const csrf = await coordinator.csrf('/cases');
    const first = await coordinator.form('/families', { _csrf: csrf, first_name: 'Bench', last_name: 'Family', 'date_of_birth-day': '1', 'date_of_birth-month': '6', 'date_of_birth-year': '2015' });
    const familyPage = first.headers.get('location')!;
    const lines = ['  hostile files, each answered with its error (answer time; longest wait of another user\'s page meanwhile; server memory growth at peak):'];
    let worstWait = 0;
    for (const route of ['/imports/interchange', '/imports/tracker']) {
      for (const f of files) {
        fs.writeFileSync(`/proc/${pid}/clear_refs`, '5');
        const before = kB(pid, 'VmRSS');
        const form = new FormData();
        form.append('file', new Blob([new Uint8Array(f.content)]), f.filename);
        let done = false;
        const t0 = performance.now();
        const token = await lead.csrf(route);
        const answer = lead.request(`${route}?_csrf=${encodeURIComponent(token)}`, { method: 'POST', body: form }).then(async (r) => ({ status: r.status, html: await r.text() })).finally(() => (done = true));
        let longest = 0;
        while (!done) {
          const t = performance.now();
          await (await coordinator.request(familyPage)).arrayBuffer();
          longest = Math.max(longest, performance.now() - t);
          await new Promise((r) => setTimeout(r, 20));
        }
        const res = await answer;
        const ms = performance.now() - t0;
        const grew = (kB(pid, 'VmHWM') - before) / 1024;
        worstWait = Math.max(worstWait, longest);
        lines.push(`    ${route.padEnd(21)} ${f.name.padEnd(55)} ${String(Math.round(ms)).padStart(5)} ms (HTTP ${res.status}), pages waited at most ${String(Math.round(longest)).padStart(4)} ms, grew ${Math.round(grew)} MB`);
      }
    }
    lines.push(`    longest wait of another user's page over all files: ${Math.round(worstWait)} ms; server still up: ${child.exitCode === null ? 'yes' : 'NO'}`);
    return lines.join('\n');
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const env: Record<string, string> = process.env.DATABASE_URL ? { DATABASE_URL: process.env.DATABASE_URL } : { DATABASE_FILE: process.env.DATABASE_FILE ?? '.bench/bench.sqlite' };
  console.log(await benchHostile({ env }));
}
