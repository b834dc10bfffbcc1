// What PayFiP accepts in creerPaiementSecurise, checked before calling it: a refusal then
// says in French which field is wrong, and nothing is sent (payfip.md gives the rules). The
// sandbox applies the same rules on its side, with PayFiP's fault codes.
import { z } from 'zod';

export const MIN_AMOUNT_CENTS = 100;
/** 100 000 €, the highest bound seen in clients of the service. */
export const MAX_AMOUNT_CENTS = 10_000_000;
export const REFDET_RE = /^[A-Za-z0-9]{6,30}$/;
export const NUMCLI_RE = /^[0-9]{6}$/;
export const EXER_RE = /^[0-9]{4}$/;
export const OBJET_RE = /^[A-Za-z0-9 ]{0,100}$/;
const MEL_RE = /^[^\s@<>"&]+@[^\s@<>"&]+$/;

/** A request refused before PayFiP is called; `field` names the PayFiP parameter. */
export class PayfipInputError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
    this.name = 'PayfipInputError';
  }
}

const ligatures: Record<string, string> = { œ: 'oe', Œ: 'OE', æ: 'ae', Æ: 'AE', ß: 'ss' };

/**
 * Only letters without accents, digits and spaces are known to pass PayFiP: accents are
 * stripped, apostrophes, hyphens and slashes become spaces, anything else is dropped, spaces
 * are collapsed and the text is cut at 100 characters.
 */
export function normaliseObjet(text: string): string {
  return text
    .replace(/[œŒæÆß]/g, (c) => ligatures[c] ?? '')
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(/['’‘\-‐‑–—/]/g, ' ')
    .replace(/[^A-Za-z0-9 ]/g, ' ')
    .replace(/ +/g, ' ')
    .trim()
    .slice(0, 100)
    .trim();
}

const url = (field: string, label: string) =>
  z
    .string({ error: `${label} manquante.` })
    .max(250, { error: `${label} trop longue (250 caractères au plus).` })
    .refine(
      (v) => {
        try {
          const u = new URL(v);
          return u.protocol === 'https:' || u.protocol === 'http:';
        } catch {
          return false;
        }
      },
      { error: `${label} invalide : une adresse http(s) complète est attendue.`, path: [field] },
    );

export const createPaymentSchema = z.object({
  numcli: z.string({ error: 'Numéro client PayFiP (numcli) manquant.' }).regex(NUMCLI_RE, {
    error:
      'Le numéro client PayFiP (numcli) comporte exactement 6 chiffres, zéros compris : vérifiez la configuration de la régie.',
  }),
  exer: z
    .string({ error: 'Exercice (exer) manquant.' })
    .regex(EXER_RE, { error: 'L’exercice (exer) est une année sur 4 chiffres, par exemple 2026.' }),
  refdet: z.string({ error: 'Référence de la dette (refdet) manquante.' }).regex(REFDET_RE, {
    error:
      'La référence de la dette (refdet) doit compter de 6 à 30 lettres sans accent ou chiffres, sans espace ni tiret.',
  }),
  montantCents: z
    .number({ error: 'Montant manquant.' })
    .int({ error: 'Le montant est un nombre entier de centimes.' })
    .min(MIN_AMOUNT_CENTS, {
      error:
        'Un paiement en ligne est d’au moins 1,00 € : ajoutez une facture ou réglez au guichet.',
    })
    .max(MAX_AMOUNT_CENTS, {
      error: 'Un paiement en ligne ne peut dépasser 100 000,00 € : réglez au guichet.',
    }),
  mel: z
    .string({ error: 'Adresse électronique manquante.' })
    .min(6, { error: 'Adresse électronique trop courte (6 caractères au moins) : corrigez-la.' })
    .max(80, {
      error:
        'PayFiP n’accepte pas d’adresse électronique de plus de 80 caractères : indiquez-en une plus courte dans « Mon compte ».',
    })
    .regex(MEL_RE, { error: 'Adresse électronique invalide (un @ est attendu) : corrigez-la.' }),
  objet: z.string().default(''),
  saisie: z.enum(['T', 'X', 'W'], {
    error: 'Le mode PayFiP (saisie) est T (test), X (activation) ou W (production).',
  }),
  urlnotif: url('urlnotif', 'Adresse de notification'),
  urlredirect: url('urlredirect', 'Adresse de retour'),
});

export type CreatePaymentInput = z.input<typeof createPaymentSchema>;
export type CreatePaymentRequest = z.output<typeof createPaymentSchema>;

/** Validates and normalises (objet) a creerPaiementSecurise request. */
export function validateCreatePayment(input: CreatePaymentInput): CreatePaymentRequest {
  const parsed = createPaymentSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = String(issue?.path[0] ?? 'requete');
    throw new PayfipInputError(field, issue?.message ?? 'Demande de paiement invalide.');
  }
  return { ...parsed.data, objet: normaliseObjet(parsed.data.objet) };
}

const IDOP_RE = /^[A-Za-z0-9-]{1,64}$/;

/** An idOp as received from a notification or a browser: PayFiP's are 36-character UUIDs. */
export function validateIdop(idop: string): string {
  if (!IDOP_RE.test(idop)) {
    throw new PayfipInputError('idOp', 'Identifiant d’opération PayFiP (idOp) invalide.');
  }
  return idop;
}
