import type { HandlerGroup } from '../context';
import { requireSession } from '../context';
import { DomainError, notFound, ruleError } from '../errors';
import { verifyPassword } from '../auth/passwords';
import { can } from '../../shared/roles';
import type { Role } from '../../shared/roles';
import { prepared } from '../db/prepared';
import { cashPositions } from './cash';
import { closePayload, closeSession, closingPreview } from './closing';
import { installTillGuard } from './guard';
import { recordCeilingOverride, recordMovement } from './movements';
import {
  isOvernight,
  openSession,
  openSessionRow,
  overnightMessage,
  sessionRow,
  sessionView,
} from './session';

// The till's rules apply to every payment as soon as the core is loaded.
installTillGuard();

/**
 * Differences above the tolerance need an agent with 'validate'. The closing agent's own
 * session is enough when that agent is the régisseur or the suppléant (they are accountable
 * for the till and are the ones who would validate); a mandataire closing alone has the
 * régisseur or the suppléant type their own login and password on the same screen, so the
 * validation is a second person's act and not a role the mandataire's session borrows. Checked
 * before the closing transaction because password hashing is asynchronous.
 */
async function resolveValidator(
  sqlite: Parameters<typeof prepared>[0],
  closing: { agentId: number; role: Role },
  validator: { login: string; password: string } | undefined,
): Promise<number | null> {
  if (!validator) return can(closing.role, 'validate') ? closing.agentId : null;
  const row = prepared(
    sqlite,
    'SELECT id, role, password_hash, active, locked_until FROM agent WHERE login = ?',
  ).get(validator.login) as
    | { id: number; role: Role; password_hash: string; active: number; locked_until: string | null }
    | undefined;
  const ok =
    row && row.active ? await verifyPassword(validator.password, row.password_hash) : false;
  if (!row || !ok) {
    throw new DomainError(
      'IDENTIFIANTS_INVALIDES',
      'Identifiant ou mot de passe du valideur incorrect. La caisse n’a pas été clôturée ; faites ressaisir le régisseur ou son suppléant.',
    );
  }
  if (!can(row.role, 'validate')) {
    throw new DomainError(
      'PERMISSION_REFUSEE',
      'Seul le régisseur ou son suppléant peut valider un écart supérieur à la tolérance. La caisse n’a pas été clôturée.',
    );
  }
  return row.id;
}

export const tillHandlers = {
  'till.status'(_args, ctx) {
    const now = ctx.now();
    const s = openSessionRow(ctx.sqlite, ctx.posteCode);
    const overnight = s ? isOvernight(s, now) : false;
    return {
      posteCode: ctx.posteCode,
      session: s ? sessionView(ctx.sqlite, s) : null,
      overnight,
      message: !s
        ? 'Aucune caisse ouverte sur ce poste. Ouvrez la caisse (comptage du fonds) avant d’encaisser en espèces, chèque, carte ou titres.'
        : overnight
          ? overnightMessage(s)
          : null,
      cash: cashPositions(ctx.sqlite, ctx.posteCode, s?.id ?? null, now),
    };
  },

  'till.open'(args, ctx) {
    const session = requireSession(ctx);
    return openSession(ctx.sqlite, {
      commandId: args.commandId,
      counts: args.counts,
      agentId: session.agentId,
      posteCode: ctx.posteCode,
      now: ctx.now(),
    });
  },

  'till.movement'(args, ctx) {
    const session = requireSession(ctx);
    return recordMovement(ctx.sqlite, {
      ...args,
      agentId: session.agentId,
      posteCode: ctx.posteCode,
      now: ctx.now(),
    });
  },

  'till.closingPreview'(_args, ctx) {
    return closingPreview(ctx.sqlite, ctx.posteCode, ctx.now());
  },

  async 'till.close'(args, ctx) {
    const session = requireSession(ctx);
    const validatorId = await resolveValidator(
      ctx.sqlite,
      { agentId: session.agentId, role: session.role },
      args.validator,
    );
    return closeSession(ctx.sqlite, {
      commandId: args.commandId,
      cashCounts: args.cashCounts,
      chequesPresent: args.chequesPresent,
      cardBatchCents: args.cardBatchCents,
      cesuCents: args.cesuCents,
      chequeVacancesCents: args.chequeVacancesCents,
      reasons: args.reasons,
      agentId: session.agentId,
      validatorId,
      posteCode: ctx.posteCode,
      now: ctx.now(),
    });
  },

  async 'till.zReport'(args, ctx) {
    const s = sessionRow(ctx.sqlite, args.sessionId);
    if (!s) throw notFound('Session de caisse');
    if (s.status !== 'closed' || s.close_journal_seq === null) {
      throw ruleError(
        'CAISSE_NON_CLOTUREE',
        'Cette session de caisse n’est pas clôturée : le rapport Z est établi à la clôture. Clôturez la caisse d’abord.',
      );
    }
    const commune = prepared(
      ctx.sqlite,
      'SELECT name, address_line, postal_code, city FROM commune ORDER BY id LIMIT 1',
    ).get() as { name: string; address_line: string; postal_code: string; city: string };
    const poste = prepared(ctx.sqlite, 'SELECT name FROM poste WHERE code = ?').get(
      s.poste_code,
    ) as { name: string } | undefined;
    const entry = prepared(ctx.sqlite, 'SELECT hash FROM journal_entry WHERE seq = ?').get(
      s.close_journal_seq,
    ) as { hash: string };
    // pdf-lib and fontkit load on the first document rather than at every start of the core.
    const { renderZReport, zReportFileName } = await import('./z-report');
    const data = {
      commune: {
        name: commune.name,
        addressLine: commune.address_line,
        postalCode: commune.postal_code,
        city: commune.city,
      },
      posteName: poste?.name ?? s.poste_code,
      z: closePayload(ctx.sqlite, s),
      journalSeq: s.close_journal_seq,
      journalHash: entry.hash,
    };
    const bytes = await renderZReport(data);
    return { fileName: zReportFileName(data), pdfBase64: Buffer.from(bytes).toString('base64') };
  },

  'till.ceilingOverride'(args, ctx) {
    const session = requireSession(ctx);
    return recordCeilingOverride(ctx.sqlite, {
      ...args,
      agentId: session.agentId,
      posteCode: ctx.posteCode,
      now: ctx.now(),
    });
  },
} satisfies HandlerGroup<
  | 'till.status'
  | 'till.open'
  | 'till.movement'
  | 'till.closingPreview'
  | 'till.close'
  | 'till.zReport'
  | 'till.ceilingOverride'
>;
