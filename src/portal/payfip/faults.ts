// PayFiP's SOAP faults as typed errors. PayFiP answers a refused call with HTTP 500 and a SOAP
// 1.1 fault whose detail names the error family (FonctionnelleErreur: the request is wrong or
// the operation is in a state that forbids it; Tech…Erreur: the service is broken or down) and
// carries a code, a description, a label and a severity. The portal acts on the code; the
// family and the agent read the French message below, never PayFiP's raw text alone.
import { escapeXml, soapEnvelope } from './xml';

export const FAULT_TYPES = [
  'FonctionnelleErreur',
  'TechDysfonctionnementErreur',
  'TechIndisponibiliteErreur',
  'TechProtocolaireErreur',
] as const;
export type FaultType = (typeof FAULT_TYPES)[number];
export type FaultKind = 'fonctionnelle' | 'technique';

/**
 * Codes and their meaning. P1, P5, R3 and A2 are confirmed against the real service
 * (payfip.md); the other letters come from less reliable sources and are what the sandbox
 * answers, so that the portal's handling of them is exercised all the same.
 */
export const FAULT_CODES: Record<string, { libelle: string; message: string }> = {
  P1: {
    libelle: 'IdOp incorrect.',
    message:
      'PayFiP ne connaît pas cette opération de paiement (identifiant inconnu ou effacé). Si vous avez été débité, contactez le service avec la date du paiement.',
  },
  P3: {
    libelle: 'IdOp déjà utilisé.',
    message:
      'Cette page de paiement a déjà servi : chaque paiement en ligne s’ouvre une seule fois. Revenez à vos factures pour en commencer un nouveau.',
  },
  P4: {
    libelle: 'IdOp expiré.',
    message:
      'Cette page de paiement a expiré (plus de 15 minutes). Revenez à vos factures pour commencer un nouveau paiement.',
  },
  P5: {
    libelle: 'Résultat de la transaction non connu.',
    message:
      'Le paiement est encore en cours chez PayFiP : son résultat n’est pas encore connu. Réessayez dans quelques minutes.',
  },
  R1: {
    libelle: 'Le paramètre REFDET est absent.',
    message: 'La référence de la dette (refdet) manque : le paiement n’a pas été créé.',
  },
  R3: {
    libelle: "Le format du paramètre REFDET n'est pas conforme",
    message:
      'PayFiP refuse la référence de la facture (6 à 30 lettres ou chiffres attendus) : le paiement n’a pas été créé. Signalez-le au service.',
  },
  A1: {
    libelle: 'Adresse mel absente.',
    message: 'L’adresse électronique manque : le paiement n’a pas été créé.',
  },
  A2: {
    libelle: 'Adresse mel incorrecte',
    message:
      'PayFiP refuse l’adresse électronique du compte : corrigez-la dans « Mon compte » puis recommencez.',
  },
  M1: {
    libelle: 'Montant absent.',
    message: 'Le montant manque : le paiement n’a pas été créé.',
  },
  M3: {
    libelle: 'Le format du paramètre MONTANT n’est pas conforme.',
    message:
      'PayFiP refuse ce montant (1,00 € au moins, en centimes entiers) : le paiement n’a pas été créé.',
  },
  M5: {
    libelle: 'Montant supérieur au maximum autorisé.',
    message:
      'Ce montant dépasse le maximum d’un paiement en ligne : réglez au guichet ou en plusieurs fois.',
  },
  T1: {
    libelle: 'Numéro client absent ou incorrect.',
    message:
      'Le numéro client PayFiP de la régie est incorrect : le paiement en ligne est indisponible, signalez-le au service.',
  },
  T2: {
    libelle: 'Client inconnu.',
    message:
      'PayFiP ne connaît pas le numéro client de la régie : le paiement en ligne est indisponible, signalez-le au service.',
  },
  E1: {
    libelle: 'Le format du paramètre EXER n’est pas conforme.',
    message: 'L’exercice (année) transmis à PayFiP est incorrect : le paiement n’a pas été créé.',
  },
  O1: {
    libelle: 'Le format du paramètre OBJET n’est pas conforme.',
    message: 'Le libellé transmis à PayFiP est refusé : le paiement n’a pas été créé.',
  },
  S1: {
    libelle: 'Le paramètre SAISIE n’est pas conforme.',
    message:
      'Le mode PayFiP de la régie (test, activation, production) est incorrect : signalez-le au service.',
  },
  N1: {
    libelle: 'URL de notification absente ou incorrecte.',
    message:
      'L’adresse de notification du portail est refusée par PayFiP : signalez-le au service.',
  },
  D1: {
    libelle: 'URL de redirection absente ou incorrecte.',
    message: 'L’adresse de retour du portail est refusée par PayFiP : signalez-le au service.',
  },
};

export function faultKind(type: string): FaultKind {
  return type === 'FonctionnelleErreur' ? 'fonctionnelle' : 'technique';
}

/** A SOAP fault answered by PayFiP (or the sandbox). */
export class PayfipFault extends Error {
  readonly kind: FaultKind;
  constructor(
    readonly code: string,
    readonly type: string,
    readonly descriptif: string,
    readonly libelle: string,
    readonly severite: string,
  ) {
    const known = FAULT_CODES[code];
    super(
      known?.message ??
        (faultKind(type) === 'technique'
          ? `Le service PayFiP rencontre une difficulté technique (${code || type}) : réessayez dans un moment ; rien n’a été payé.`
          : `PayFiP a refusé la demande (${code || type}${descriptif ? ` : ${descriptif}` : ''}) : rien n’a été payé. Signalez-le au service.`),
    );
    this.name = 'PayfipFault';
    this.kind = faultKind(type);
  }
}

/** PayFiP could not be reached or answered something that is no SOAP message. */
export class PayfipUnavailable extends Error {
  constructor(
    readonly reason: 'delai' | 'reseau' | 'reponse_invalide',
    readonly detail: string,
  ) {
    super(
      reason === 'delai'
        ? 'PayFiP n’a pas répondu à temps. Réessayez dans quelques minutes ; rien n’a été payé.'
        : reason === 'reseau'
          ? 'PayFiP est injoignable pour le moment. Réessayez dans quelques minutes ; rien n’a été payé.'
          : 'PayFiP a donné une réponse incompréhensible. Réessayez dans quelques minutes ; si cela se répète, signalez-le au service.',
    );
    this.name = 'PayfipUnavailable';
  }
}

/** The fault document PayFiP sends (HTTP 500), used by the sandbox and the tests. */
export function faultXml(
  code: string,
  opts: { type?: FaultType; descriptif?: string; libelle?: string; severite?: string } = {},
): string {
  const type = opts.type ?? 'FonctionnelleErreur';
  const libelle = opts.libelle ?? FAULT_CODES[code]?.libelle ?? code;
  const descriptif = opts.descriptif ?? libelle;
  return soapEnvelope(
    `<soap:Fault><faultcode>soap:Server</faultcode>` +
      `<faultstring>fr.gouv.finances.cp.tpa.webservice.exceptions.${type}</faultstring>` +
      `<detail><ns2:${type} xmlns:ns2="http://securite.service.tpa.cp.finances.gouv.fr/services/mas_securite/contrat_paiement_securise/PaiementSecuriseService">` +
      `<code>${escapeXml(code)}</code><descriptif>${escapeXml(descriptif)}</descriptif>` +
      `<libelle>${escapeXml(libelle)}</libelle><severite>${escapeXml(opts.severite ?? '2')}</severite>` +
      `</ns2:${type}></detail></soap:Fault>`,
  );
}
