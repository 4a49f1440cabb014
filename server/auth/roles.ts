// Who may do what. Checked on the server for every route (requirePermission).
export const ROLES = ['coordinator', 'manager', 'data_lead', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export const ROLE_LABELS: Record<Role, string> = {
  coordinator: 'FGC coordinator',
  manager: 'Service manager',
  data_lead: 'Data lead',
  admin: 'Administrator',
};

// account-audit: read the account changes; account-review: acknowledge a change that gave
// someone case data (server/auth/account-audit.ts).
export type Permission = 'cases' | 'insight' | 'returns' | 'admin' | 'account-audit' | 'account-review';

// Administrators look after accounts and settings; they do not need children's case data.
// Managers and data leads watch what administrators do to accounts.
const GRANTS: Record<Role, readonly Permission[]> = {
  coordinator: ['cases'],
  manager: ['cases', 'insight', 'account-audit'],
  data_lead: ['cases', 'insight', 'returns', 'account-audit', 'account-review'],
  admin: ['admin'],
};

export function can(role: string | undefined, permission: Permission): boolean {
  return !!role && (ROLES as readonly string[]).includes(role) && GRANTS[role as Role].includes(permission);
}

export function isRole(s: unknown): s is Role {
  return typeof s === 'string' && (ROLES as readonly string[]).includes(s);
}

export function homeFor(role: Role): string {
  return role === 'admin' ? '/admin/users' : '/cases';
}
