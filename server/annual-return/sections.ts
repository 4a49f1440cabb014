// How the return page groups the figures: the same sheets as the workbook.
export const SHEET_SECTIONS: { title: string; breakdowns: string[] }[] = [
  {
    title: 'Referrals',
    breakdowns: ['referred.children.ageBand', 'referred.children.sex', 'referred.children.ethnicityGroup', 'referred.children.ethnicity',
      'referred.children.disability', 'referred.children.legalStatus', 'referred.fgcs.stageOffered', 'referred.fgcs.referralSource'],
  },
  {
    title: 'Consent',
    breakdowns: ['consented.fgcs.stageOffered', 'declinedOnly.fgcs.stageOffered', 'noResponse.fgcs.stageOffered', 'consented.children.ageBand',
      'consented.children.sex', 'consented.children.ethnicityGroup', 'consented.children.ethnicity', 'consented.children.disability',
      'consented.children.legalStatus', 'declined.fgcs.declineReason'],
  },
  {
    title: 'Meetings',
    breakdowns: ['tookPlace.fgcs.stageOffered', 'tookPlace.children.ageBand', 'tookPlace.children.sex', 'tookPlace.children.ethnicityGroup',
      'tookPlace.children.ethnicity', 'tookPlace.children.disability', 'tookPlace.children.legalStatus', 'didNotTakePlace.fgcs.notHeldReason'],
  },
];

/** The Summary's lines; `heading` heads the figure's drill-down page where the label would not read well there. */
export const SUMMARY_LINES: { label: string; population: string; unit: 'fgcs' | 'children' | 'meetings'; heading?: string }[] = [
  { label: 'Referrals received (FGCs)', population: 'referred', unit: 'fgcs' },
  { label: 'Children subject to a referral', population: 'referred', unit: 'children' },
  { label: 'FGCs offered', population: 'offered', unit: 'fgcs' },
  { label: 'FGCs consented to', population: 'consented', unit: 'fgcs' },
  { label: 'Children in consented FGCs', population: 'consented', unit: 'children' },
  { label: 'FGCs declined (declined or no response)', population: 'declined', unit: 'fgcs', heading: 'FGCs declined or with no response' },
  { label: 'Initial FGCs that took place', population: 'tookPlace', unit: 'fgcs' },
  { label: 'Children involved in initial FGCs', population: 'tookPlace', unit: 'children' },
  { label: 'Review FGCs held', population: 'reviews', unit: 'meetings', heading: 'FGCs with review meetings held' },
  { label: 'FGCs that did not take place', population: 'didNotTakePlace', unit: 'fgcs' },
  { label: 'Plans agreed at initial FGCs', population: 'plansAgreed', unit: 'fgcs' },
];
