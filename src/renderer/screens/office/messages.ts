export const officeMessages = {
  title: 'Remises, clôtures et éditions',
  back: 'Retour (Échap)',
  tabDeposits: 'Remises au comptable',
  tabClosures: 'Clôtures',
  tabReports: 'Éditions pour le comptable',
  tabCoupons: 'Coupons',
  tabImport: 'Import',
  tabBank: 'Rapprochement',
};
