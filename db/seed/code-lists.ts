// The code lists a new install starts with, transcribed from shared/code-lists.md.
// Lists marked DfE follow the CIN census / SSDA903 coding frames.
// Administrators may add local values and retire values later; this file is only the start.

export interface SeedCode {
  code: string;
  label: string;
  group?: string;
}

export const CODE_LIST_NAMES = {
  sex: 'Sex',
  ethnicity: 'Ethnicity',
  disability: 'Disability',
  legal_status: 'Legal status of the child at referral',
  stage_offered: 'Stage at which the FGC was offered',
  referral_source: 'Referral source',
  consent_decision: 'Consent decision',
  decline_reason: 'Reason consent was not given',
  not_held_reason: 'Reason an FGC did not take place',
  closure_reason: 'Reason an FGC episode closed after a conference',
  child_participation: 'Child participation',
  plan_content: 'Plan content',
  outcome_legal_status: 'Legal status at 6 and 12 months',
  living_arrangement: 'Living arrangement at 6 and 12 months',
} as const;

export type CodeListName = keyof typeof CODE_LIST_NAMES;

const legalStatus: SeedCode[] = [
  { code: 'NKCSC', label: "Not known to children's social care" },
  { code: 'EH', label: 'Early help / targeted family help' },
  { code: 'CINA', label: "Under assessment (children's social care)" },
  { code: 'CIN', label: 'Child in need plan' },
  { code: 'CP', label: 'Child protection plan' },
  { code: 'PLO', label: 'Pre-proceedings (Public Law Outline)' },
  { code: 'PROC', label: 'In care proceedings' },
  { code: 'S20', label: 'Looked after, accommodated under s20' },
  { code: 'CO', label: 'Looked after, interim or full care order' },
  { code: 'OTH', label: 'Other' },
];

/** Why an episode closed after its initial conference (ours). */
export const CLOSURE_REASONS: SeedCode[] = [
  { code: 'PLANDONE', label: 'Plan completed' },
  { code: 'FAMWITHDREW', label: 'Family withdrew' },
  { code: 'PLANBROKE', label: 'Plan broke down' },
  { code: 'ESCALATED', label: 'Concerns escalated (child protection or proceedings)' },
  { code: 'STEPDOWN', label: "Case stepped down or closed by children's social care" },
  { code: 'MOVED', label: 'Family moved out of area' },
  { code: 'OTH', label: 'Other' },
];

export const SEED_CODE_LISTS: Record<CodeListName, SeedCode[]> = {
  sex: [
    { code: 'M', label: 'Male' },
    { code: 'F', label: 'Female' },
    { code: 'U', label: 'Unknown / not yet born' },
  ],
  ethnicity: [
    { code: 'WBRI', label: 'White British', group: 'White' },
    { code: 'WIRI', label: 'White Irish', group: 'White' },
    { code: 'WIRT', label: 'Traveller of Irish heritage', group: 'White' },
    { code: 'WROM', label: 'Gypsy / Roma', group: 'White' },
    { code: 'WOTH', label: 'Any other White background', group: 'White' },
    { code: 'MWBC', label: 'White and Black Caribbean', group: 'Mixed' },
    { code: 'MWBA', label: 'White and Black African', group: 'Mixed' },
    { code: 'MWAS', label: 'White and Asian', group: 'Mixed' },
    { code: 'MOTH', label: 'Any other Mixed background', group: 'Mixed' },
    { code: 'AIND', label: 'Indian', group: 'Asian' },
    { code: 'APKN', label: 'Pakistani', group: 'Asian' },
    { code: 'ABAN', label: 'Bangladeshi', group: 'Asian' },
    { code: 'AOTH', label: 'Any other Asian background', group: 'Asian' },
    { code: 'CHNE', label: 'Chinese', group: 'Other' },
    { code: 'BCRB', label: 'Caribbean', group: 'Black' },
    { code: 'BAFR', label: 'African', group: 'Black' },
    { code: 'BOTH', label: 'Any other Black background', group: 'Black' },
    { code: 'OOTH', label: 'Any other ethnic group', group: 'Other' },
    { code: 'REFU', label: 'Refused', group: 'Refused / not obtained' },
    { code: 'NOBT', label: 'Information not yet obtained', group: 'Refused / not obtained' },
  ],
  disability: [
    { code: 'NONE', label: 'No disability' },
    { code: 'MOB', label: 'Mobility' },
    { code: 'HAND', label: 'Hand function' },
    { code: 'PC', label: 'Personal care' },
    { code: 'INC', label: 'Incontinence' },
    { code: 'COMM', label: 'Communication' },
    { code: 'LD', label: 'Learning' },
    { code: 'HEAR', label: 'Hearing' },
    { code: 'VIS', label: 'Vision' },
    { code: 'BEH', label: 'Behaviour' },
    { code: 'CON', label: 'Consciousness' },
    { code: 'AUT', label: "Autism / Asperger's" },
    { code: 'DDA', label: 'Disabled under the Equality Act, not in these categories' },
  ],
  legal_status: legalStatus,
  stage_offered: [
    { code: 'EH', label: 'Early help' },
    { code: 'CIN', label: 'Child in need' },
    { code: 'CP', label: 'Child protection' },
    { code: 'PLO', label: 'Pre-proceedings (including the s.31ZA offer in the letter before proceedings)' },
    { code: 'PROC', label: 'Care proceedings' },
    { code: 'LAC', label: 'Looked after (e.g. reunification)' },
    { code: 'OTH', label: 'Other' },
  ],
  referral_source: [
    { code: 'SW', label: 'Social work team' },
    { code: 'EHP', label: 'Early help practitioner' },
    { code: 'LEGAL', label: 'Legal planning / pre-proceedings panel' },
    { code: 'LAC', label: 'Looked-after children team' },
    { code: 'HEALTH', label: 'Health' },
    { code: 'EDU', label: 'Education' },
    { code: 'SELF', label: 'Family self-referral' },
    { code: 'VOL', label: 'Voluntary sector' },
    { code: 'OTHLA', label: 'Another local authority' },
    { code: 'OTH', label: 'Other' },
  ],
  consent_decision: [
    { code: 'GIVEN', label: 'Consent given' },
    { code: 'DECLINED', label: 'Declined' },
    { code: 'NORESP', label: 'No response' },
  ],
  decline_reason: [
    { code: 'DISTRUST', label: 'Did not want further involvement / distrust from past experience of services' },
    { code: 'NOHELP', label: 'Did not believe it would help' },
    { code: 'MISUNDER', label: 'Misunderstood or disagreed with the purpose' },
    { code: 'ENOUGH', label: 'Felt they already had enough support or a plan' },
    { code: 'NONETWORK', label: 'No family network, or network too small' },
    { code: 'PRIVACY', label: 'Did not want the wider family to know / family conflict' },
    { code: 'CAPACITY', label: "Parent's health or capacity at the time" },
    { code: 'PRACTICAL', label: 'Practical barriers (timing, place, language)' },
    { code: 'OTH', label: 'Other' },
  ],
  not_held_reason: [
    { code: 'NOCONSENT', label: 'Consent not given' },
    { code: 'WITHDRAWN', label: 'Consent withdrawn after it was given' },
    { code: 'NETWORK', label: 'Family network unable or unwilling to attend' },
    { code: 'RISK', label: 'Risk or safety concerns made a meeting inappropriate' },
    { code: 'BESTINT', label: "Not in the child's best interests (s.31ZA(3))" },
    { code: 'CHANGED', label: 'Circumstances changed / needs met / case stepped down' },
    { code: 'PROCISSUED', label: 'Care proceedings issued or child removed before the meeting' },
    { code: 'REFWITHDRAWN', label: 'Referrer withdrew the referral' },
    { code: 'MOVED', label: 'Family moved out of area' },
    { code: 'OTH', label: 'Other' },
  ],
  // Added by migration 014 (not in shared/code-lists.md): why an episode closed once a
  // conference was held; an episode closed without one has its not-held reason instead.
  closure_reason: CLOSURE_REASONS,
  child_participation: [
    { code: 'ATTENDED', label: 'Attended in person' },
    { code: 'ADVOCATE', label: 'Views given through an advocate' },
    { code: 'OTHERWAY', label: 'Views given another way' },
    { code: 'NOTINV', label: 'Not involved (with age-appropriate reason)' },
  ],
  plan_content: [
    { code: 'REMAIN', label: 'Child remains at home with network support' },
    { code: 'KIN', label: 'Child to live with a family or friends carer' },
    { code: 'CONTACT', label: 'Contact arrangements' },
    { code: 'SAFETY', label: 'Safety plan / supervision by network' },
    { code: 'RESPITE', label: 'Short breaks within the network' },
    { code: 'SUPPORT', label: 'Practical or financial support (family network support package)' },
    { code: 'SERVICES', label: 'Services asked of the council or other agencies' },
    { code: 'HEALTHEDU', label: 'Health or education actions' },
    { code: 'OTH', label: 'Other' },
  ],
  outcome_legal_status: [...legalStatus, { code: 'CLOSED', label: "Not open to children's social care" }],
  living_arrangement: [
    { code: 'PARENTS', label: 'With parent(s)' },
    { code: 'KININF', label: 'With family/friends, informal' },
    { code: 'KINFOST', label: 'Kinship foster care' },
    { code: 'SGO', label: 'Special guardianship / child arrangements order with kin' },
    { code: 'FOSTER', label: 'Unrelated foster care' },
    { code: 'RESID', label: 'Residential' },
    { code: 'ADOPT', label: 'Placed for adoption' },
    { code: 'OTH', label: 'Other' },
  ],
};

/** Every list also has NR, used for blanks in aggregates; it is never offered in forms. */
export const NOT_RECORDED = { code: 'NR', label: 'Not recorded' } as const;
