// What the printing actions say. The document is never lost: every failure message says it is
// still there, to print again or to save.
export const printingMessages = {
  print: 'Imprimer',
  printing: 'Impression en cours…',
  printAgain: 'Imprimer à nouveau',
  retry: 'Réessayer l’impression',
  reprintDuplicata: 'Réimprimer (DUPLICATA)',
  retryDuplicata: 'Réessayer l’impression (DUPLICATA)',
  save: 'Enregistrer le PDF',
  help: '« Imprimer » envoie le document à l’imprimante de ce poste ; « Enregistrer le PDF » en garde une copie à ouvrir dans un lecteur de PDF.',
  sent: (printer: string) =>
    printer ? `Document envoyé à l’imprimante « ${printer} ».` : 'Document envoyé à l’imprimante.',
  openedInBrowser:
    'Le document s’est ouvert dans un nouvel onglet, avec la fenêtre d’impression du navigateur.',
  keptAfterFailure:
    'Le document reste affiché : vous pouvez réessayer l’impression ou enregistrer le PDF.',
  duplicataNote:
    'Le premier essai comptait comme l’original, même si rien n’est sorti : la nouvelle impression portera la mention DUPLICATA, inscrite au journal des opérations.',
  originalPrintedNote:
    'L’original a été imprimé. Toute nouvelle impression est un DUPLICATA, inscrit au journal des opérations.',
  popupBlocked:
    'Le navigateur a bloqué l’ouverture du document : rien n’a été imprimé. Autorisez les fenêtres pour cette adresse, ou enregistrez le PDF et imprimez-le depuis un lecteur de PDF.',
  bridgeFailed:
    'L’impression n’a pas pu être demandée au poste : rien n’a été imprimé. Réessayez, ou enregistrez le PDF.',
  unreadable:
    'Le document n’a pas pu être lu pour choisir l’imprimante : rien n’a été imprimé. Enregistrez le PDF et faites un rapport d’incident.',
  printersDesktopOnly:
    'La liste des imprimantes n’est disponible que dans l’application de bureau : saisissez le nom exact de l’imprimante tel que Windows l’affiche.',
  printersBridgeFailed:
    'La liste des imprimantes n’a pas pu être lue. Saisissez le nom exact de l’imprimante, ou réessayez.',
  settings: {
    receipt: 'Imprimante des reçus (ticket 80 mm)',
    receiptHelp:
      'Les tickets sont imprimés sur un rouleau de 80 mm de large, à la longueur exacte du reçu.',
    a4: 'Imprimante A4',
    a4Help: 'Pour les reçus A5, les rapports Z, les bordereaux et les autres documents A4.',
    systemDefault: 'Imprimante par défaut de Windows',
    missing: (name: string) => `${name} — introuvable sur cet ordinateur`,
    missingWarning:
      'Cette imprimante n’est pas installée sur cet ordinateur : rien ne pourra y être imprimé. Choisissez-en une autre ou reconnectez-la, puis actualisez la liste.',
    typedHelp:
      'Nom exact de l’imprimante tel que Windows l’affiche ; vide = imprimante par défaut.',
    loading: 'Lecture des imprimantes de cet ordinateur…',
    refresh: 'Actualiser la liste',
    silent: 'Imprimer sans afficher la fenêtre d’impression',
    silentHelp:
      'Coché, chaque document part directement sur l’imprimante choisie. Décoché, la fenêtre d’impression de Windows s’ouvre à chaque document.',
  },
} as const;
