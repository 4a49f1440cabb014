// npm run screenshots: the README's pictures, drawn by Debian's chromium from the real app
// on a scratch database with a few made-up families (no real people): the family page and
// a coordinator's My work. Writes docs/family-page.png and docs/my-work.png.
import { addDays, addMonths, todayIso } from '../server/common/dates.js';
import { createUser } from '../server/auth/users.js';
import { createTestApp, PASSWORD } from '../test/support/app.js';
import { seedFamily, seedReferral } from '../test/support/cases.js';
import { closeServer, launchBrowser, listen } from '../test/e2e/browser.js';

async function main() {
  const t = await createTestApp();
  const db = t.testDb.db;
  const me = await createUser(db, { email: 'sam.coordinator@council.example', name: 'Sam Okafor', role: 'coordinator', team: 'North team', password: PASSWORD });
  const today = todayIso();
  const held = addMonths(today, -7);
  const walker = await seedFamily(db, 'F000112', [
    { first_name: 'Maya', last_name: 'Walker', date_of_birth: '2014-04-12', sex: 'F', ethnicity: 'WBRI' },
    { first_name: 'Leo', last_name: 'Walker', date_of_birth: '2017-09-03', sex: 'M', ethnicity: 'WBRI' },
    { first_name: null, last_name: 'Walker', expected_date_of_birth: addMonths(today, 3) },
  ]);
  await seedReferral(db, walker.familyId, walker.childIds.slice(0, 2).map((child_id) => ({ child_id, legal_status: 'CP' })), {
    referral_date: addMonths(today, -9), coordinator_id: me, offer_date: addMonths(today, -9), consent_decision: 'GIVEN', consent_date: addMonths(today, -9),
    initial_fgc_date: held, plan_agreed: true, plan_date: held, closure_date: addMonths(today, -3),
  }, { reviews: [addMonths(held, 3)] });
  await seedReferral(db, walker.familyId, walker.childIds.map((child_id) => ({ child_id, legal_status: 'PLO' })), {
    referral_date: addDays(today, -12), coordinator_id: me, offer_date: addDays(today, -8),
  });
  const singh = await seedFamily(db, 'F000118', [{ first_name: 'Arjun', last_name: 'Singh', date_of_birth: '2012-02-20', sex: 'M', ethnicity: 'AIND' }]);
  await seedReferral(db, singh.familyId, [{ child_id: singh.childIds[0], legal_status: 'CIN' }], {
    referral_date: addDays(today, -40), coordinator_id: me, offer_date: addDays(today, -35), consent_decision: 'GIVEN', consent_date: addDays(today, -30),
  });
  const brennan = await seedFamily(db, 'F000121', [{ first_name: 'Ella', last_name: 'Brennan', date_of_birth: '2019-06-30', sex: 'F', ethnicity: 'WIRI' }]);
  await seedReferral(db, brennan.familyId, [{ child_id: brennan.childIds[0] }], { referral_date: addDays(today, -2), coordinator_id: me });

  const { server, baseUrl } = await listen(t.app);
  const browser = await launchBrowser();
  try {
    const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
    await page.goto(`${baseUrl}/sign-in`);
    await page.getByLabel('Email address').fill('sam.coordinator@council.example');
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.goto(`${baseUrl}/my-work`);
    await page.screenshot({ path: 'docs/my-work.png', fullPage: true });
    await page.goto(`${baseUrl}/families/${walker.familyId}`);
    await page.screenshot({ path: 'docs/family-page.png', fullPage: true });
    console.log('wrote docs/my-work.png and docs/family-page.png');
  } finally {
    await browser.close();
    await closeServer(server);
    await t.close();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
