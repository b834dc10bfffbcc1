// The rules of a payment at the counter, evaluated on a draft without writing anything. The
// preview shows every violation while the agent types; recording refuses on the first one. One
// function serves both, so what the screen announces is exactly what the core enforces.
import type Database from 'better-sqlite3';
import type {
  AllocationPreviewLine,
  PaymentDraft,
  PaymentMethod,
  RuleViolation,
} from '../../shared/contract';
import { formatEuro } from '../../shared/money';
import { paymentModeLabels, type PaymentMode } from '../../shared/payment-modes';
import { notFound } from '../errors';
import { creditBalance } from './balances';
import { looksLikeCardNumber, stringsOf } from './card-number';
import { acceptedPayees, payeeAccepted } from './cheque-payee';
import { prepared } from '../db/prepared';

/** CGI art. 1680: a public debt may not be paid more than 300 € in cash. */
export const CASH_LIMIT_CENTS = 300_00;

export interface RegieRow {
  id: number;
  code: string;
  name: string;
  commune_id: number;
  accepted_modes: string;
  allow_credit: number;
  allow_direct_debit_payment: number;
  creditor_label: string;
}

export interface FamilyRow {
  id: number;
  code: string;
  family_name: string;
}

export interface InvoiceRow {
  id: number;
  number: string;
  label: string;
  due_date: string;
  amount_cents: number;
  paid_cents: number;
  status: 'emise' | 'tresorerie' | 'prelevement' | 'annulee';
  family_id: number;
  regie_id: number;
}

export function loadRegie(sqlite: Database.Database, regieId: number): RegieRow {
  const regie = prepared(
    sqlite,
    'SELECT id, code, name, commune_id, accepted_modes, allow_credit, allow_direct_debit_payment, creditor_label FROM regie WHERE id = ?',
  ).get(regieId) as RegieRow | undefined;
  if (!regie) throw notFound('Régie');
  return regie;
}

export function loadFamily(sqlite: Database.Database, familyId: number): FamilyRow {
  const family = prepared(sqlite, 'SELECT id, code, family_name FROM family WHERE id = ?').get(
    familyId,
  ) as FamilyRow | undefined;
  if (!family) throw notFound('Famille');
  return family;
}

export function acceptedModes(regie: RegieRow): string[] {
  try {
    const v: unknown = JSON.parse(regie.accepted_modes);
    return Array.isArray(v) ? v.filter((m): m is string => typeof m === 'string') : [];
  } catch {
    return [];
  }
}

const invoiceColumns =
  'id, number, label, due_date, amount_cents, paid_cents, status, family_id, regie_id';

/** The family's invoices with this régie that can take money now, oldest due first. */
export function payableInvoices(
  sqlite: Database.Database,
  familyId: number,
  regie: RegieRow,
): InvoiceRow[] {
  const statuses = regie.allow_direct_debit_payment ? "('emise', 'prelevement')" : "('emise')";
  return prepared(
    sqlite,
    `SELECT ${invoiceColumns} FROM invoice
       WHERE family_id = ? AND regie_id = ? AND status IN ${statuses} AND paid_cents < amount_cents
       ORDER BY due_date, id`,
  ).all(familyId, regie.id) as InvoiceRow[];
}

function violation(
  reason: string,
  message: string,
  extra: { code?: RuleViolation['code']; invoiceId?: number } = {},
): RuleViolation {
  return {
    code: extra.code ?? 'REGLE_METIER',
    reason,
    message,
    ...(extra.invoiceId !== undefined ? { invoiceId: extra.invoiceId } : {}),
  };
}

/** Why money cannot go to this invoice now, or null when it can. */
export function invoiceViolation(
  inv: InvoiceRow,
  familyId: number,
  regie: RegieRow,
): RuleViolation | null {
  const n = inv.number;
  const extra = { invoiceId: inv.id };
  if (inv.family_id !== familyId) {
    return violation(
      'FACTURE_AUTRE_FAMILLE',
      `La facture ${n} appartient à une autre famille. Retirez-la de la répartition.`,
      extra,
    );
  }
  if (inv.regie_id !== regie.id) {
    return violation(
      'FACTURE_AUTRE_REGIE',
      `La facture ${n} relève d’une autre régie que « ${regie.name} ». Encaissez-la dans sa régie.`,
      extra,
    );
  }
  if (inv.status === 'annulee') {
    return violation(
      'FACTURE_ANNULEE',
      `La facture ${n} est annulée : elle ne peut pas être payée. Retirez-la de la répartition.`,
      extra,
    );
  }
  if (inv.paid_cents >= inv.amount_cents) {
    return violation(
      'FACTURE_DEJA_PAYEE',
      `La facture ${n} est déjà entièrement payée. Retirez-la de la répartition.`,
      extra,
    );
  }
  if (inv.status === 'tresorerie') {
    return violation(
      'FACTURE_TRESORERIE',
      `La facture ${n} a été transmise au Trésor public : la régie ne peut plus l’encaisser. Invitez la famille à la régler auprès du Trésor public (service de gestion comptable indiqué sur l’avis de sommes à payer).`,
      extra,
    );
  }
  if (inv.status === 'prelevement' && !regie.allow_direct_debit_payment) {
    return violation(
      'FACTURE_PRELEVEMENT',
      `La facture ${n} est réglée par prélèvement automatique : cette régie n’accepte pas d’autre moyen de paiement pour elle. Laissez le prélèvement s’effectuer.`,
      extra,
    );
  }
  return null;
}

/**
 * When money would go to credit by default while the family still owes invoices of this régie
 * that cannot be paid here (en trésorerie, or en prélèvement when the régie does not take other
 * means for them), the violation that stops it; null otherwise.
 */
function unpayableViolation(
  sqlite: Database.Database,
  familyId: number,
  regie: RegieRow,
  creditCents: number,
): RuleViolation | null {
  const rows = prepared(
    sqlite,
    `SELECT ${invoiceColumns} FROM invoice
       WHERE family_id = ? AND regie_id = ? AND paid_cents < amount_cents
         AND (status = 'tresorerie' OR (status = 'prelevement' AND ? = 0))
       ORDER BY due_date, id`,
  ).all(familyId, regie.id, regie.allow_direct_debit_payment) as InvoiceRow[];
  if (rows.length === 0) return null;
  const list = (status: InvoiceRow['status']) =>
    rows
      .filter((r) => r.status === status)
      .map((r) => `${r.number} (${formatEuro(r.amount_cents - r.paid_cents)})`)
      .join(', ');
  const tresorerie = list('tresorerie');
  const excess = formatEuro(creditCents);
  if (tresorerie) {
    return violation(
      'FACTURE_TRESORERIE',
      `La famille doit encore des factures transmises au Trésor public : ${tresorerie}. La régie ne peut plus les encaisser, et l’excédent de ${excess} deviendrait un avoir. Invitez la famille à les régler auprès du Trésor public (service de gestion comptable indiqué sur l’avis de sommes à payer) et encaissez seulement ce qui est dû à la régie ; pour mettre quand même ${excess} en avoir, indiquez-le expressément dans la répartition.`,
      { invoiceId: rows.find((r) => r.status === 'tresorerie')?.id },
    );
  }
  return violation(
    'FACTURE_PRELEVEMENT',
    `La famille a des factures réglées par prélèvement automatique : ${list('prelevement')}. La régie ne peut pas les encaisser autrement, et l’excédent de ${excess} deviendrait un avoir. Laissez le prélèvement s’effectuer et encaissez seulement ce qui est dû à la régie ; pour mettre quand même ${excess} en avoir, indiquez-le expressément dans la répartition.`,
    { invoiceId: rows[0]?.id },
  );
}

export interface AllocationPlan {
  lines: (AllocationPreviewLine & { invoice: InvoiceRow })[];
  allocatedCents: number;
  violations: RuleViolation[];
}

/**
 * Explicit allocations checked invoice by invoice, or the default: the oldest payable invoices
 * first, up to `available` cents.
 */
export function planAllocations(
  sqlite: Database.Database,
  familyId: number,
  regie: RegieRow,
  explicit: { invoiceId: number; amountCents: number }[] | undefined,
  available: number,
): AllocationPlan {
  const violations: RuleViolation[] = [];
  const lines: AllocationPlan['lines'] = [];
  const line = (inv: InvoiceRow, amount: number) => ({
    invoice: inv,
    invoiceId: inv.id,
    invoiceNumber: inv.number,
    label: inv.label,
    dueDate: inv.due_date,
    remainingBeforeCents: inv.amount_cents - inv.paid_cents,
    amountCents: amount,
    remainingAfterCents: inv.amount_cents - inv.paid_cents - amount,
  });
  if (explicit) {
    const byId = prepared(sqlite, `SELECT ${invoiceColumns} FROM invoice WHERE id = ?`);
    const seen = new Set<number>();
    for (const req of explicit) {
      const inv = byId.get(req.invoiceId) as InvoiceRow | undefined;
      if (!inv) {
        violations.push(
          violation(
            'FACTURE_INTROUVABLE',
            `Facture n° ${req.invoiceId} introuvable. Retirez-la de la répartition.`,
            { code: 'VALIDATION', invoiceId: req.invoiceId },
          ),
        );
        continue;
      }
      if (seen.has(inv.id)) {
        violations.push(
          violation(
            'AFFECTATION_DOUBLE',
            `La facture ${inv.number} figure deux fois dans la répartition. Regroupez les montants.`,
            { code: 'VALIDATION', invoiceId: inv.id },
          ),
        );
        continue;
      }
      seen.add(inv.id);
      const bad = invoiceViolation(inv, familyId, regie);
      if (bad) {
        violations.push(bad);
        continue;
      }
      const remaining = inv.amount_cents - inv.paid_cents;
      if (req.amountCents <= 0) {
        violations.push(
          violation(
            'AFFECTATION_INVALIDE',
            `Le montant affecté à la facture ${inv.number} doit être supérieur à zéro.`,
            { code: 'VALIDATION', invoiceId: inv.id },
          ),
        );
        continue;
      }
      if (req.amountCents > remaining) {
        violations.push(
          violation(
            'AFFECTATION_SUPERIEURE',
            `Le montant affecté à la facture ${inv.number} (${formatEuro(req.amountCents)}) dépasse ce qui reste dû (${formatEuro(remaining)}).`,
            { invoiceId: inv.id },
          ),
        );
        continue;
      }
      lines.push(line(inv, req.amountCents));
    }
  } else {
    let rest = Math.max(available, 0);
    for (const inv of payableInvoices(sqlite, familyId, regie)) {
      if (rest <= 0) break;
      const amount = Math.min(rest, inv.amount_cents - inv.paid_cents);
      lines.push(line(inv, amount));
      rest -= amount;
    }
  }
  return { lines, allocatedCents: lines.reduce((s, l) => s + l.amountCents, 0), violations };
}

export interface PaymentPlan {
  regie: RegieRow;
  family: FamilyRow;
  allocations: AllocationPlan['lines'];
  allocatedCents: number;
  creditCreatedCents: number;
  tenderedCents: number | null;
  changeCents: number | null;
  owedCents: number;
  creditBalanceCents: number;
  violations: RuleViolation[];
}

function required(value: string, what: string): RuleViolation | null {
  return value.trim() === ''
    ? violation('CHAMP_MANQUANT', `Saisissez ${what}.`, { code: 'VALIDATION' })
    : null;
}

const payeeRegie = (regie: RegieRow) => ({ creditorLabel: regie.creditor_label, name: regie.name });

function methodViolations(
  method: PaymentMethod,
  amountCents: number,
  regie: RegieRow,
): RuleViolation[] {
  const out: (RuleViolation | null)[] = [];
  switch (method.mode) {
    case 'especes':
      if (method.tenderedCents !== undefined && method.tenderedCents < amountCents) {
        out.push(
          violation(
            'REMISE_INSUFFISANTE',
            `La somme remise (${formatEuro(method.tenderedCents)}) est inférieure au montant encaissé (${formatEuro(amountCents)}). Corrigez la somme remise ou le montant.`,
            { code: 'VALIDATION' },
          ),
        );
      }
      break;
    case 'cheque':
      out.push(
        required(method.bank, 'la banque du chèque'),
        required(method.number, 'le numéro du chèque'),
        required(method.drawer, 'le nom du tireur (titulaire du compte)'),
        required(method.payee, 'l’ordre du chèque (à l’ordre de)'),
      );
      if (method.number !== '' && !/^\d{1,12}$/.test(method.number)) {
        out.push(
          violation(
            'CHEQUE_NUMERO',
            'Le numéro de chèque ne comporte que des chiffres (7 en général, en bas à gauche du chèque).',
            { code: 'VALIDATION' },
          ),
        );
      }
      if (method.payee !== '' && !payeeAccepted(method.payee, payeeRegie(regie))) {
        out.push(
          violation(
            'CHEQUE_ORDRE',
            `Chèque refusé : il est à l’ordre de « ${method.payee} ». Un chèque doit être libellé à l’ordre de ${acceptedPayees(
              payeeRegie(regie),
            )
              .map((p) => `« ${p} »`)
              .join(' ou ')}, jamais d’une personne. Demandez au payeur de refaire le chèque.`,
          ),
        );
      }
      break;
    case 'carte':
      out.push(
        required(method.terminalReference, 'la référence du ticket du terminal de paiement'),
      );
      if (
        method.terminalReference !== '' &&
        !/^[A-Za-z0-9][A-Za-z0-9 /-]*$/.test(method.terminalReference)
      ) {
        out.push(
          violation(
            'CARTE_REFERENCE',
            'La référence du ticket de carte ne contient que des lettres, des chiffres, des espaces, « - » ou « / ».',
            { code: 'VALIDATION' },
          ),
        );
      }
      break;
    case 'cesu':
    case 'cheque_vacances': {
      const label = method.mode === 'cesu' ? 'CESU' : 'chèques-vacances';
      if (method.titles.length === 0) {
        out.push(
          violation('TITRES_MANQUANTS', `Indiquez les ${label} remis : nombre et valeur faciale.`, {
            code: 'VALIDATION',
          }),
        );
      } else {
        const total = method.titles.reduce((s, t) => s + t.count * t.faceValueCents, 0);
        if (total !== amountCents) {
          out.push(
            violation(
              'TITRES_MONTANT',
              `Le total des ${label} (${formatEuro(total)}) ne correspond pas au montant encaissé (${formatEuro(amountCents)}). Aucune monnaie n’est rendue sur les titres : le montant est leur total.`,
              { code: 'VALIDATION' },
            ),
          );
        }
      }
      break;
    }
    case 'virement':
      out.push(required(method.reference, 'la référence du virement'));
      break;
  }
  return out.filter((v): v is RuleViolation => v !== null);
}

export function planPayment(sqlite: Database.Database, draft: PaymentDraft): PaymentPlan {
  const regie = loadRegie(sqlite, draft.regieId);
  const family = loadFamily(sqlite, draft.familyId);
  const violations: RuleViolation[] = [];
  const mode: PaymentMode = draft.method.mode;

  // Checked first and over every field: a card number must not even reach the database.
  if (stringsOf(draft).some(looksLikeCardNumber)) {
    violations.push(
      violation(
        'NUMERO_CARTE',
        'Un numéro de carte bancaire a été saisi : il ne doit jamais être enregistré. Effacez-le et saisissez seulement la référence du ticket du terminal.',
        { code: 'VALIDATION' },
      ),
    );
  }
  if (!acceptedModes(regie).includes(mode)) {
    violations.push(
      violation(
        'MODE_NON_ACCEPTE',
        `La régie « ${regie.name} » n’accepte pas le paiement par ${paymentModeLabels[mode]}. Modes acceptés : ${acceptedModes(
          regie,
        )
          .map((m) => paymentModeLabels[m as PaymentMode] ?? m)
          .join(', ')}.`,
      ),
    );
  }
  if (draft.amountCents <= 0) {
    violations.push(
      violation('MONTANT_INVALIDE', 'Le montant encaissé doit être supérieur à zéro.', {
        code: 'VALIDATION',
      }),
    );
  }
  violations.push(...methodViolations(draft.method, draft.amountCents, regie));

  const payable = payableInvoices(sqlite, family.id, regie);
  const owedCents = payable.reduce((s, i) => s + i.amount_cents - i.paid_cents, 0);
  const plan = planAllocations(sqlite, family.id, regie, draft.allocations, draft.amountCents);
  violations.push(...plan.violations);

  let creditCreatedCents: number;
  if (draft.allocations) {
    creditCreatedCents = draft.toCreditCents ?? 0;
    if (creditCreatedCents < 0) {
      violations.push(
        violation('AVOIR_INVALIDE', 'La part mise en avoir ne peut pas être négative.', {
          code: 'VALIDATION',
        }),
      );
    } else if (
      plan.violations.length === 0 &&
      plan.allocatedCents + creditCreatedCents !== draft.amountCents
    ) {
      violations.push(
        violation(
          'REPARTITION_INCOHERENTE',
          `La répartition (${formatEuro(plan.allocatedCents)})${creditCreatedCents > 0 ? ` plus l’avoir (${formatEuro(creditCreatedCents)})` : ''} ne fait pas le montant encaissé (${formatEuro(draft.amountCents)}). Corrigez la répartition ou le montant.`,
        ),
      );
    }
  } else {
    creditCreatedCents = Math.max(draft.amountCents - plan.allocatedCents, 0);
    const acknowledged = draft.toCreditCents !== undefined;
    if (acknowledged && draft.toCreditCents !== creditCreatedCents) {
      violations.push(
        violation(
          'REPARTITION_INCOHERENTE',
          `La part mise en avoir (${formatEuro(draft.toCreditCents ?? 0)}) ne correspond pas à l’excédent de la répartition automatique (${formatEuro(creditCreatedCents)}). Corrigez la part en avoir ou détaillez la répartition.`,
        ),
      );
    } else if (creditCreatedCents > 0 && !acknowledged && regie.allow_credit) {
      // Money brought for a debt the régie can no longer collect would otherwise vanish into
      // credit without anyone deciding it: the agent is stopped and told where the family must
      // pay. Putting it on credit all the same takes an explicit toCreditCents.
      const blocked = unpayableViolation(sqlite, family.id, regie, creditCreatedCents);
      if (blocked) violations.push(blocked);
    }
  }
  if (creditCreatedCents > 0 && !regie.allow_credit) {
    violations.push(
      violation(
        'AVOIR_INTERDIT',
        draft.allocations
          ? `La régie « ${regie.name} » ne gère pas d’avoirs : affectez la totalité du montant aux factures.`
          : `Le montant (${formatEuro(draft.amountCents)}) dépasse ce que la famille doit à la régie « ${regie.name} » (${formatEuro(owedCents)}), et cette régie ne gère pas d’avoirs. Encaissez ${formatEuro(owedCents)} au plus.`,
      ),
    );
  }

  if (mode === 'especes') {
    for (const l of plan.lines) {
      if (l.amountCents > CASH_LIMIT_CENTS) {
        violations.push(
          violation(
            'PLAFOND_ESPECES',
            `Paiement en espèces refusé : ${formatEuro(l.amountCents)} sur la facture ${l.invoiceNumber} dépasse le plafond de ${formatEuro(CASH_LIMIT_CENTS)} par dette (article 1680 du code général des impôts). Encaissez au plus ${formatEuro(CASH_LIMIT_CENTS)} en espèces sur cette facture et le reste par un autre moyen.`,
            { invoiceId: l.invoiceId },
          ),
        );
      }
    }
    if (creditCreatedCents > CASH_LIMIT_CENTS) {
      violations.push(
        violation(
          'PLAFOND_ESPECES',
          `Paiement en espèces refusé : ${formatEuro(creditCreatedCents)} mis en avoir dépasse le plafond de ${formatEuro(CASH_LIMIT_CENTS)} en espèces (article 1680 du code général des impôts).`,
        ),
      );
    }
  }

  const tenderedCents =
    mode === 'especes' && draft.method.mode === 'especes'
      ? (draft.method.tenderedCents ?? draft.amountCents)
      : null;
  const changeCents =
    tenderedCents === null ? null : Math.max(tenderedCents - draft.amountCents, 0);

  return {
    regie,
    family,
    allocations: plan.lines,
    allocatedCents: plan.allocatedCents,
    creditCreatedCents: Math.max(creditCreatedCents, 0),
    tenderedCents,
    changeCents,
    owedCents,
    creditBalanceCents: creditBalance(sqlite, family.id, regie.id),
    violations,
  };
}

/** Mode details as stored with the payment (JSON) and journaled. */
export function methodDetails(method: PaymentMethod): Record<string, unknown> {
  switch (method.mode) {
    case 'especes':
      return {};
    case 'cheque':
      return {
        bank: method.bank,
        number: method.number,
        drawer: method.drawer,
        payee: method.payee,
      };
    case 'carte':
      return { terminalReference: method.terminalReference };
    case 'cesu':
    case 'cheque_vacances':
      return {
        titles: method.titles.map((t) => ({ count: t.count, faceValueCents: t.faceValueCents })),
      };
    case 'virement':
      return { reference: method.reference };
  }
}

/** Mode details worded for the receipt. A card number is never among them. */
export function modeDetailsForPrint(mode: PaymentMode, details: Record<string, unknown>): string[] {
  const s = (v: unknown) => (typeof v === 'string' ? v : '');
  switch (mode) {
    case 'cheque':
      return [
        `Banque : ${s(details.bank)}`,
        `Chèque n° ${s(details.number)}`,
        `Tireur : ${s(details.drawer)}`,
        `À l’ordre de : ${s(details.payee)}`,
      ];
    case 'carte':
      return [
        'Paiement sur le terminal de la régie',
        `Référence du ticket : ${s(details.terminalReference)}`,
      ];
    case 'cesu':
    case 'cheque_vacances': {
      const titles = Array.isArray(details.titles)
        ? (details.titles as { count: number; faceValueCents: number }[])
        : [];
      return [
        ...titles.map(
          (t) => `${t.count} titre${t.count > 1 ? 's' : ''} de ${formatEuro(t.faceValueCents)}`,
        ),
        'Aucune monnaie rendue sur les titres',
      ];
    }
    case 'virement':
      return [`Référence du virement : ${s(details.reference)}`];
    default:
      return [];
  }
}
