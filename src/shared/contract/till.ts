import { z } from 'zod';
import { handler } from './define';
import { commandIdSchema } from './payments';
import { cents, centsSchema } from '../money';

// The till (caisse) of one poste: a session opened by counting the float, cash movements,
// the closing count with its differences, the closing report (Z) and the cash ceiling. Every
// command that changes state carries a client-generated commandId (replay returns the first
// result).

/** Notes and coins counted in a till, largest first. Keys are stable identifiers for the UI. */
export const denominations = [
  { key: 'b500', cents: 50000, label: 'Billet de 500 €' },
  { key: 'b200', cents: 20000, label: 'Billet de 200 €' },
  { key: 'b100', cents: 10000, label: 'Billet de 100 €' },
  { key: 'b50', cents: 5000, label: 'Billet de 50 €' },
  { key: 'b20', cents: 2000, label: 'Billet de 20 €' },
  { key: 'b10', cents: 1000, label: 'Billet de 10 €' },
  { key: 'b5', cents: 500, label: 'Billet de 5 €' },
  { key: 'p200', cents: 200, label: 'Pièce de 2 €' },
  { key: 'p100', cents: 100, label: 'Pièce de 1 €' },
  { key: 'p50', cents: 50, label: 'Pièce de 50 c' },
  { key: 'p20', cents: 20, label: 'Pièce de 20 c' },
  { key: 'p10', cents: 10, label: 'Pièce de 10 c' },
  { key: 'p5', cents: 5, label: 'Pièce de 5 c' },
  { key: 'p2', cents: 2, label: 'Pièce de 2 c' },
  { key: 'p1', cents: 1, label: 'Pièce de 1 c' },
] as const;
export type DenominationKey = (typeof denominations)[number]['key'];

const countSchema = z
  .number({ error: 'Le nombre de billets ou de pièces doit être un nombre.' })
  .int({ error: 'Le nombre de billets ou de pièces doit être entier.' })
  .min(0, { error: 'Le nombre de billets ou de pièces ne peut pas être négatif.' })
  .max(100_000, { error: 'Nombre de billets ou de pièces trop élevé (100 000 au plus).' })
  .default(0);

/** Counts per denomination; a missing key counts zero. */
export const cashCountSchema = z.strictObject(
  Object.fromEntries(denominations.map((d) => [d.key, countSchema])) as Record<
    DenominationKey,
    typeof countSchema
  >,
  { error: 'Comptage invalide : indiquez un nombre par billet ou pièce (b500 … p1).' },
);
export type CashCount = z.output<typeof cashCountSchema>;

/** The modes counted in a till at closing (virement and PayFiP never pass through it). */
export const tillCountModes = ['especes', 'cheque', 'carte', 'cesu', 'cheque_vacances'] as const;
export type TillCountMode = (typeof tillCountModes)[number];

export const movementKinds = ['apport', 'retrait', 'versement'] as const;
/**
 * Where the cash of a movement is taken: the till's drawer, or (versement only) the safe that
 * holds the takings earlier closings took out of the drawer.
 */
export const movementSources = ['tiroir', 'coffre'] as const;
export type MovementSource = (typeof movementSources)[number];
export const movementSourceLabels: Record<MovementSource, string> = {
  tiroir: 'Caisse du jour (tiroir)',
  coffre: 'Coffre (recettes des jours précédents)',
};
export type MovementKind = (typeof movementKinds)[number];
export const movementKindLabels: Record<MovementKind, string> = {
  apport: 'Apport',
  retrait: 'Retrait',
  versement: 'Versement au comptable',
};

const reasonSchema = z
  .string()
  .trim()
  .min(5, { error: 'Indiquez un motif d’au moins 5 caractères.' })
  .max(300, { error: 'Motif trop long (300 caractères au plus).' });

const idSchema = z.number().int().positive();

export interface TillSessionView {
  sessionId: number;
  posteCode: string;
  status: 'open' | 'closed';
  openedAt: string;
  openedBy: string;
  closedAt: string | null;
  closedBy: string | null;
  floatCountedCents: number;
}

export interface FloatCheck {
  countedCents: number;
  /** Configured float (setting till_float_cents, else the largest float of the régies). */
  expectedCents: number;
  /** counted - expected: negative is a shortfall. */
  differenceCents: number;
  /** What the previous closing left in the drawer, when there was one. */
  previousFloatLeftCents: number | null;
  previousDifferenceCents: number | null;
  /** French warnings to show the agent; empty when everything matches. */
  warnings: string[];
}

export type CeilingLevel = 'normal' | 'alerte' | 'depasse';

export interface CashPosition {
  regieId: number;
  regieCode: string;
  regieName: string;
  /** Cash held for the régie on every poste of this register, float excluded. */
  cashHeldCents: number;
  /** The same, on this poste only. */
  posteCashHeldCents: number;
  ceilingCents: number;
  warnAtCents: number;
  level: CeilingLevel;
  /** The régisseur allowed cash above the ceiling for the current session. */
  overrideActive: boolean;
  lastVersementAt: string | null;
  /** True when cash is held and no versement was recorded in the last month. */
  versementReminder: boolean;
  /** French messages (alert, block, reminder); empty when there is nothing to say. */
  messages: string[];
}

export interface TillStatus {
  posteCode: string;
  session: TillSessionView | null;
  /** The open session was opened on an earlier Paris day: it must be closed first. */
  overnight: boolean;
  /** French message for the home screen (no session, session of an earlier day...). */
  message: string | null;
  cash: CashPosition[];
}

export interface ExpectedCheque {
  paymentId: number;
  receiptNumber: string;
  bank: string;
  number: string;
  drawer: string;
  amountCents: number;
}

export interface ModeExpectation {
  mode: TillCountMode;
  label: string;
  /** Payments of the mode recorded in this session (count and total). */
  paymentCount: number;
  collectedCents: number;
  /** Cancellations of the mode recorded in this session. */
  cancellationCount: number;
  cancelledCents: number;
  /** Cash only: float at opening and net movements. */
  floatCents: number;
  movementsCents: number;
  /** What should be in the till for this mode. */
  expectedCents: number;
}

export interface ClosingPreview {
  sessionId: number;
  openedAt: string;
  overnight: boolean;
  modes: ModeExpectation[];
  /** The cheques that should be in the till, to tick off one by one. */
  cheques: ExpectedCheque[];
  /** Differences above this amount need validation by the régisseur or the suppléant. */
  toleranceCents: number;
}

export interface ClosingLine {
  mode: TillCountMode;
  label: string;
  expectedCents: number;
  countedCents: number;
  /** counted - expected: déficit negative, excédent positive. */
  differenceCents: number;
  reason: string | null;
}

export interface CloseResult {
  sessionId: number;
  closedAt: string;
  lines: ClosingLine[];
  /** The closing (Z) entry of the operations journal. */
  journalSeq: number;
  floatLeftCents: number;
  replayed: boolean;
}

export interface ReportFile {
  fileName: string;
  pdfBase64: string;
}

export const tillContract = {
  'till.status': handler(z.object({}), 'read').returns<TillStatus>(),
  'till.open': handler(
    z.object({ commandId: commandIdSchema, counts: cashCountSchema }),
    'till',
  ).returns<{ sessionId: number; float: FloatCheck; replayed: boolean }>(),
  'till.movement': handler(
    z.object({
      commandId: commandIdSchema,
      regieId: idSchema,
      kind: z.enum(movementKinds, {
        error: 'Type de mouvement attendu : apport, retrait ou versement.',
      }),
      /** Always positive: the kind gives the direction. */
      amountCents: centsSchema.refine((n) => n > 0, {
        error: 'Le montant du mouvement doit être supérieur à zéro.',
      }),
      reason: reasonSchema,
      source: z
        .enum(movementSources, { error: 'Origine attendue : tiroir ou coffre.' })
        .default('tiroir'),
    }),
    'till',
  ).returns<{ movementId: number; signedAmountCents: number; replayed: boolean }>(),
  'till.closingPreview': handler(z.object({}), 'till').returns<ClosingPreview>(),
  'till.close': handler(
    z.object({
      commandId: commandIdSchema,
      cashCounts: cashCountSchema,
      /** Payment ids of the cheques physically present. */
      chequesPresent: z.array(idSchema).max(10_000).default([]),
      cardBatchCents: centsSchema.default(cents(0)),
      cesuCents: centsSchema.default(cents(0)),
      chequeVacancesCents: centsSchema.default(cents(0)),
      /** A reason for each mode whose count differs from what is expected. */
      reasons: z.partialRecord(z.enum(tillCountModes), reasonSchema).default({}),
      /**
       * Credentials of the régisseur or suppléant validating differences above the tolerance,
       * when the closing agent may not validate them alone.
       */
      validator: z
        .object({
          login: z.string().trim().min(1, { error: 'Identifiant du valideur manquant.' }),
          password: z.string().min(1, { error: 'Mot de passe du valideur manquant.' }),
        })
        .optional(),
    }),
    'till',
  ).returns<CloseResult>(),
  'till.zReport': handler(z.object({ sessionId: idSchema }), 'read').returns<ReportFile>(),
  'till.ceilingOverride': handler(
    z.object({ commandId: commandIdSchema, regieId: idSchema, reason: reasonSchema }),
    'validate',
  ).returns<{ overrideId: number; sessionId: number; replayed: boolean }>(),
} as const;
