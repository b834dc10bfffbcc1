// Roles of the régie and what each may do. The core enforces these on every handler; the UI
// only uses them to hide what an agent could not do anyway.
export const roles = ['regisseur', 'suppleant', 'mandataire', 'controleur'] as const;
export type Role = (typeof roles)[number];

export const roleLabels: Record<Role, string> = {
  regisseur: 'Régisseur titulaire',
  suppleant: 'Mandataire suppléant',
  mandataire: 'Mandataire',
  controleur: 'Contrôleur (lecture seule)',
};

export const permissions = [
  'read', // see families, invoices, payments, journals
  'collect', // record payments, reprint receipts
  'cancel', // cancel a payment
  'till', // open/close a till session, cash movements
  'validate', // validate slips, closures, differences above tolerance
  'admin', // configuration of régies, agents, counters
  'audit', // read-only audit tools (journal verify, exports)
] as const;
export type Permission = (typeof permissions)[number];

const grants: Record<Role, readonly Permission[]> = {
  regisseur: ['read', 'collect', 'cancel', 'till', 'validate', 'admin', 'audit'],
  suppleant: ['read', 'collect', 'cancel', 'till', 'validate', 'audit'],
  mandataire: ['read', 'collect', 'till'],
  controleur: ['read', 'audit'],
};

export function can(role: Role, permission: Permission): boolean {
  return grants[role].includes(permission);
}
