// The commune's identity (name, address, SIRET, telephone) on a poste without a portal. An
// empty commune starts as « Commune à configurer », and every receipt, Z report, deposit slip,
// coupon and export prints what is here, so the régisseur sets it before the first payment.
// A change is journaled (kind "configuration", scope "commune") with each field's old and new
// value, in the same transaction; a request that changes nothing writes nothing. Documents
// already issued keep what they printed: they are never regenerated from these values except
// as a DUPLICATA.
import type { CommuneIdentity, CommuneUpdate, SettingsView } from '../../shared/contract';
import { requireSession, type HandlerContext } from '../context';
import { DomainError } from '../errors';
import { appendJournal } from '../journal/chain';
import { posteCodeOf } from './machine-settings';
import { enrolledPortalUrl } from './portal-enrolment';
import type { AdminRuntime } from './runtime';
import { readCommune, settingsView } from './settings-update';

export function updateCommune(
  ctx: HandlerContext,
  rt: AdminRuntime,
  args: CommuneUpdate,
): SettingsView {
  const session = requireSession(ctx);
  const sqlite = ctx.sqlite;
  const portalUrl = enrolledPortalUrl(sqlite);
  if (portalUrl) {
    throw new DomainError(
      'REGLE_METIER',
      `Ce poste est relié au portail (${portalUrl}) : l’identité de la commune vient du portail par la synchronisation. Rien n’a été modifié ; adressez-vous à l’administrateur du portail.`,
      'POSTE_RELIE_AU_PORTAIL',
    );
  }
  const before = readCommune(sqlite);
  const after: CommuneIdentity = {
    name: args.name,
    addressLine: args.addressLine,
    postalCode: args.postalCode,
    city: args.city,
    siret: args.siret === '' ? null : args.siret,
    phone: args.phone,
  };
  const changes = (Object.keys(after) as (keyof CommuneIdentity)[])
    .filter((key) => before[key] !== after[key])
    .map((key) => ({ key, old: before[key], new: after[key] }));
  if (changes.length === 0) return settingsView(sqlite, rt);
  sqlite.transaction(() => {
    const updated = sqlite
      .prepare(
        `UPDATE commune SET name = ?, address_line = ?, postal_code = ?, city = ?, siret = ?, phone = ?
          WHERE id = (SELECT min(id) FROM commune)`,
      )
      .run(after.name, after.addressLine, after.postalCode, after.city, after.siret, after.phone);
    if (updated.changes !== 1) {
      throw new DomainError(
        'REGLE_METIER',
        'Aucune commune n’est enregistrée sur ce poste : rien n’a été modifié. Adressez-vous au support.',
        'COMMUNE_ABSENTE',
      );
    }
    appendJournal(sqlite, 'operations', {
      kind: 'configuration',
      instant: ctx.now().toISOString(),
      agentId: session.agentId,
      regieId: null,
      posteCode: posteCodeOf(sqlite),
      payload: { scope: 'commune', changes },
    });
  })();
  return settingsView(sqlite, rt);
}
