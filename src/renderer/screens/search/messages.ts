const NBSP = '\u00a0';

export const searchMessages = {
  title: 'Rechercher une famille',
  label: 'Nom, code famille, enfant ou n° de facture',
  placeholder: 'Ex.\u00a0: Lefèvre, LEF-48213, Léa, 2026-SCO-004217',
  keyboardHelp: `↑ ↓ pour choisir, Entrée pour ouvrir la famille${NBSP}; «\u00a0/\u00a0» ou F2 pour revenir ici depuis n’importe quel écran.`,
  tooShort: 'Saisissez au moins 2 caractères pour lancer la recherche.',
  searching: 'Recherche en cours…',
  noResult: (q: string) =>
    `Aucune famille ne correspond à «${NBSP}${q}${NBSP}». Vérifiez l’orthographe, ou cherchez par code famille, prénom d’un enfant ou numéro de facture.`,
  resultCount: (n: number) => (n === 1 ? '1 famille trouvée' : `${n} familles trouvées`),
  resultsLabel: 'Familles trouvées',
  /** `matched` comes from the core already labelled ("Nom : Lefèvre", "Enfant : Léa"). */
  hitDetail: (matched: string, city: string) => `${matched} · ${city}`,
  due: 'Reste dû',
  nothingDue: 'Rien à payer',
} as const;
