// The portal's demo commune, "Ville de Démo", as a commune bundle: the same commune, régies
// (codes, PayFiP numbers, ceilings, accepted modes) and postes as the register's demo
// (core/demo/generate.ts), with families and six months of invoices drawn from a seeded
// generator, so that the same seed, size and date always give the same bundle.
//
// The families are NOT those of the register's demo: the portal may not import the core, and
// the register's generator writes SQLite directly. Until that generator's pure part moves to
// src/shared/ and emits this bundle format (see the report to the lead), a register enrolled
// with this portal should start empty and receive the portal's families and invoices through
// its first pull, which is the normal path for a real commune anyway.
import type { PaymentMode } from '../../shared/payment-modes';
import type { CommuneBundle } from '../ordonnateur/bundle';

export const DEMO_FAMILIES = 300;
export const DEMO_SEED = 20_260_301;

export const demoCounters = [
  { posteCode: 'P01', name: 'Accueil mairie' },
  { posteCode: 'P02', name: 'Guichet école' },
] as const;

const COMMUNE = {
  name: 'Ville de Démo',
  addressLine: '1 place de la Mairie',
  postalCode: '49100',
  city: 'Ville de Démo',
  siret: '21490099500017',
  phone: '02 61 91 00 00',
  portalUrl: 'http://127.0.0.1:8790',
  demo: true,
};

type RegieCode = 'SCO' | 'PEN' | 'SPO';

const REGIES: {
  code: RegieCode;
  name: string;
  numcli: string;
  acceptedModes: PaymentMode[];
  cashCeilingCents: number;
  floatCents: number;
  allowCredit: boolean;
  allowDirectDebitPayment: boolean;
  dftAccount: string;
  serviceName: string;
  serviceAddress: string;
  servicePhone: string;
}[] = [
  {
    code: 'SCO',
    name: 'Régie scolaire et périscolaire',
    numcli: '090909',
    acceptedModes: ['especes', 'cheque', 'carte', 'virement', 'payfip'],
    cashCeilingCents: 1_500_00,
    floatCents: 150_00,
    allowCredit: true,
    allowDirectDebitPayment: false,
    dftAccount: 'FR76 1007 1490 0000 0020 0101 234',
    serviceName: 'Service Éducation et Enfance',
    serviceAddress: 'Hôtel de ville, 1 place de la Mairie, 49100 Ville de Démo',
    servicePhone: '02 61 91 00 10',
  },
  {
    code: 'PEN',
    name: 'Régie petite enfance',
    numcli: '090910',
    acceptedModes: ['especes', 'cheque', 'carte', 'cesu', 'virement', 'payfip'],
    cashCeilingCents: 1_000_00,
    floatCents: 100_00,
    allowCredit: true,
    allowDirectDebitPayment: true,
    dftAccount: 'FR76 1007 1490 0000 0020 0102 345',
    serviceName: 'Service Petite Enfance',
    serviceAddress: 'Maison de l’enfance, 12 rue des Écoles, 49100 Ville de Démo',
    servicePhone: '02 61 91 00 20',
  },
  {
    code: 'SPO',
    name: 'Régie des sports',
    numcli: '090911',
    acceptedModes: ['especes', 'cheque', 'carte', 'cheque_vacances', 'payfip'],
    cashCeilingCents: 800_00,
    floatCents: 100_00,
    allowCredit: false,
    allowDirectDebitPayment: false,
    dftAccount: 'FR76 1007 1490 0000 0020 0103 456',
    serviceName: 'Service des Sports',
    serviceAddress: 'Complexe sportif Léo Lagrange, avenue Jean Jaurès, 49100 Ville de Démo',
    servicePhone: '02 61 91 00 30',
  },
];

const FAMILY_NAMES = [
  'Martin',
  'Bernard',
  'Thomas',
  'Petit',
  'Robert',
  'Richard',
  'Durand',
  'Dubois',
  'Moreau',
  'Laurent',
  'Simon',
  'Michel',
  'Lefebvre',
  'Leroy',
  'Roux',
  'David',
  'Bertrand',
  'Morel',
  'Fournier',
  'Girard',
  'Bonnet',
  'Dupont',
  'Lambert',
  'Fontaine',
  'Rousseau',
  'Vincent',
  'Muller',
  'Lefèvre',
  'Faure',
  'André',
  'Mercier',
  'Blanc',
  'Guérin',
  'Boyer',
  'Garnier',
  'Chevalier',
  'François',
  'Legrand',
  'Gauthier',
  'Garcia',
  'Perrin',
  'Robin',
  'Clément',
  'Morin',
  'Nicolas',
  'Henry',
  'Roussel',
  'Mathieu',
  'Gautier',
  'Masson',
  'Benali',
  'Nguyen',
  'Diallo',
  'Da Silva',
  'Le Gall',
  'Ferreira',
  'Haddad',
  'Kone',
];
const WOMEN = [
  'Camille',
  'Julie',
  'Sophie',
  'Aurélie',
  'Émilie',
  'Sarah',
  'Laura',
  'Claire',
  'Nadia',
  'Céline',
  'Inès',
  'Marion',
];
const MEN = [
  'Nicolas',
  'Julien',
  'Thomas',
  'Maxime',
  'Karim',
  'Romain',
  'Antoine',
  'Mehdi',
  'Sébastien',
  'Kevin',
  'Yannick',
  'Hugo',
];
const GIRLS = [
  'Jade',
  'Louise',
  'Emma',
  'Alice',
  'Chloé',
  'Lina',
  'Rose',
  'Anna',
  'Mila',
  'Léna',
  'Zoé',
  'Inaya',
];
const BOYS = [
  'Gabriel',
  'Léo',
  'Raphaël',
  'Louis',
  'Arthur',
  'Jules',
  'Adam',
  'Maël',
  'Lucas',
  'Noah',
  'Sacha',
  'Ismaël',
];
const STREETS = [
  'rue des Écoles',
  'avenue Jean Jaurès',
  'rue du Moulin',
  'impasse des Lilas',
  'place de l’Église',
  'rue Victor Hugo',
  'chemin des Vignes',
  'rue de la Gare',
];
const SCHOOLS = ['École Jules Ferry', 'École des Tilleuls', 'École Marie Curie'];
const MONTHS = [
  'JANVIER',
  'FÉVRIER',
  'MARS',
  'AVRIL',
  'MAI',
  'JUIN',
  'JUILLET',
  'AOÛT',
  'SEPTEMBRE',
  'OCTOBRE',
  'NOVEMBRE',
  'DÉCEMBRE',
];
const SCHOOL_DAYS = [16, 12, 15, 11, 12, 16, 3, 0, 15, 12, 14, 11];
const CRECHE_DAYS = [21, 20, 21, 20, 18, 21, 21, 5, 21, 22, 19, 16];
const MEAL = [95, 180, 265, 350, 420, 480];
const EVENING = [120, 160, 200, 240, 270, 300];
const CRECHE_HOUR = [45, 90, 140, 200, 260, 320];
const SWIM = [3500, 4500, 5500, 6500, 7500, 8500];
const DAY_MS = 86_400_000;

/** mulberry32: a seeded generator of a few lines (public domain), ample for fake names. */
function rng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (min: number, max: number) => min + Math.floor(next() * (max - min + 1));
  const pick = <T>(items: readonly T[]): T => items[int(0, items.length - 1)] as T;
  return { next, int, pick, chance: (p: number) => next() < p };
}

function fold(s: string): string {
  return s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^A-Za-z]/g, '')
    .toUpperCase();
}

function mod97(s: string): number {
  let r = 0;
  for (const ch of s) {
    const v = /[0-9]/.test(ch) ? ch : String(ch.charCodeAt(0) - 55);
    for (const d of v) r = (r * 10 + Number(d)) % 97;
  }
  return r;
}

function refdetOf(year: number, regie: RegieCode, seq: number): string {
  const base = `${year}${regie}${String(seq).padStart(6, '0')}`;
  return `${base}${String(98 - mod97(`${base}00`)).padStart(2, '0')}`;
}

export interface DemoOptions {
  families?: number;
  seed?: number;
  /** YYYY-MM-DD: invoices cover the six months before. */
  today: string;
}

export function demoBundle(opts: DemoOptions): CommuneBundle {
  const r = rng(opts.seed ?? DEMO_SEED);
  const count = opts.families ?? DEMO_FAMILIES;
  const todayMs = Date.parse(`${opts.today}T00:00:00Z`);
  if (!Number.isFinite(todayMs))
    throw new RangeError(`Date attendue au format AAAA-MM-JJ : ${opts.today}`);
  const today = new Date(todayMs);

  type Kid = { ref: string; firstName: string; ageYears: number };
  const families: NonNullable<CommuneBundle['families']> = [];
  const plans: {
    code: string;
    bracket: number;
    kids: Kid[];
    profile: 'regular' | 'late' | 'debit';
  }[] = [];
  for (let i = 0; i < count; i++) {
    const familyName = r.pick(FAMILY_NAMES);
    const code = `${fold(familyName).slice(0, 3).padEnd(3, 'X')}-${String((i * 7919 + 4242) % 100_000).padStart(5, '0')}`;
    const street = `${r.int(1, 120)} ${r.pick(STREETS)}`;
    const couple = r.chance(0.7);
    const woman = r.pick(WOMEN);
    const responsables: NonNullable<CommuneBundle['families']>[number]['responsables'] = [
      {
        rank: 1,
        civility: 'Mme',
        lastName: familyName,
        firstName: woman,
        addressLine1: street,
        postalCode: '49100',
        city: 'Ville de Démo',
        email: `${fold(woman).toLowerCase()}.${fold(familyName).toLowerCase()}@example.org`,
        phoneMobile: `06 39 98 ${String(r.int(10, 99))} ${String(r.int(10, 99))}`,
      },
    ];
    if (couple) {
      responsables.push({
        rank: 2,
        civility: 'M.',
        lastName: r.chance(0.7) ? familyName : r.pick(FAMILY_NAMES),
        firstName: r.pick(MEN),
        addressLine1: street,
        postalCode: '49100',
        city: 'Ville de Démo',
      });
    }
    const kids: Kid[] = [];
    const wanted = r.int(1, 3);
    let age = r.int(1, 11);
    for (let k = 0; k < wanted && age >= 0; k++) {
      const firstName = r.chance(0.5) ? r.pick(GIRLS) : r.pick(BOYS);
      if (kids.some((x) => x.firstName === firstName)) continue;
      kids.push({ ref: `${code}-E${k + 1}`, firstName, ageYears: age });
      age -= r.int(1, 4);
    }
    const regies = new Set<RegieCode>();
    for (const kid of kids) {
      if (kid.ageYears < 3) regies.add('PEN');
      else regies.add('SCO');
      if (kid.ageYears >= 5) regies.add('SPO');
    }
    families.push({
      code,
      familyName,
      responsables,
      children: kids.map((kid) => {
        const birth = new Date(todayMs - kid.ageYears * 365.25 * DAY_MS - r.int(0, 300) * DAY_MS);
        return {
          ref: kid.ref,
          firstName: kid.firstName,
          lastName: familyName,
          birthDate: birth.toISOString().slice(0, 10),
          school: kid.ageYears >= 3 ? r.pick(SCHOOLS) : 'Multi-accueil Les Petits Pas',
        };
      }),
      regies: [...regies].sort(),
    });
    plans.push({
      code,
      bracket: r.int(0, 5),
      kids,
      profile: r.chance(0.12) ? 'debit' : r.chance(0.2) ? 'late' : 'regular',
    });
  }

  const invoices: NonNullable<CommuneBundle['invoices']> = [];
  const seqs = new Map<string, number>();
  for (let back = 6; back >= 1; back--) {
    const p = new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth() - back, 1));
    const month = p.getUTCMonth();
    const issueMs = Date.UTC(p.getUTCFullYear(), month + 1, 5);
    if (issueMs > todayMs) continue;
    const dueMs = issueMs + 30 * DAY_MS;
    const issueYear = new Date(issueMs).getUTCFullYear();
    const period = `${p.getUTCFullYear()}-${String(month + 1).padStart(2, '0')}`;
    for (const plan of plans) {
      const streams: {
        regie: RegieCode;
        label: string;
        lines: { label: string; childRef: string; quantity: number; unitPriceCents: number }[];
      }[] = [];
      const school = plan.kids.filter((k) => k.ageYears >= 3);
      const creche = plan.kids.filter((k) => k.ageYears < 3);
      const sport = plan.kids.filter((k) => k.ageYears >= 5);
      const sco = school.flatMap((k) => {
        const days = Math.max(0, (SCHOOL_DAYS[month] ?? 0) - r.int(0, 2));
        const lines = [
          {
            label: 'Repas de cantine',
            childRef: k.ref,
            quantity: days,
            unitPriceCents: MEAL[plan.bracket] ?? 0,
          },
        ];
        if (r.chance(0.4))
          lines.push({
            label: 'Garderie du soir',
            childRef: k.ref,
            quantity: Math.round(days / 2),
            unitPriceCents: EVENING[plan.bracket] ?? 0,
          });
        return lines.filter((l) => l.quantity > 0);
      });
      if (sco.length)
        streams.push({
          regie: 'SCO',
          label: `CANTINE ET GARDERIE ${MONTHS[month]} ${p.getUTCFullYear()}`,
          lines: sco,
        });
      const pen = creche
        .map((k) => ({
          label: 'Accueil en crèche (heures)',
          childRef: k.ref,
          quantity: Math.round((CRECHE_DAYS[month] ?? 0) * r.int(5, 9)),
          unitPriceCents: CRECHE_HOUR[plan.bracket] ?? 0,
        }))
        .filter((l) => l.quantity > 0);
      if (pen.length)
        streams.push({
          regie: 'PEN',
          label: `ACCUEIL PETITE ENFANCE ${MONTHS[month]} ${p.getUTCFullYear()}`,
          lines: pen,
        });
      if ([8, 0, 3].includes(month)) {
        const spo = sport
          .filter(() => r.chance(0.5))
          .map((k) => ({
            label: 'École de natation (trimestre)',
            childRef: k.ref,
            quantity: 1,
            unitPriceCents: SWIM[plan.bracket] ?? 0,
          }));
        if (spo.length)
          streams.push({
            regie: 'SPO',
            label: `ÉCOLE DE NATATION ${MONTHS[month]} ${p.getUTCFullYear()}`,
            lines: spo,
          });
      }
      for (const s of streams) {
        const key = `${issueYear}-${s.regie}`;
        const seq = (seqs.get(key) ?? 0) + 1;
        seqs.set(key, seq);
        const amount = s.lines.reduce((t, l) => t + l.quantity * l.unitPriceCents, 0);
        const overdue = Math.floor((todayMs - dueMs) / DAY_MS);
        let status: 'emise' | 'tresorerie' | 'prelevement' | 'annulee' = 'emise';
        let paid = 0;
        const roll = r.next();
        if (roll < 0.015) status = 'annulee';
        else if (plan.profile === 'debit' && s.regie !== 'SPO') {
          status = 'prelevement';
          paid = overdue >= 0 ? amount : 0;
        } else if (overdue < 0) {
          paid = roll < (plan.profile === 'late' ? 0.1 : 0.35) ? amount : 0;
        } else if (roll < (plan.profile === 'late' ? 0.55 : 0.93)) {
          paid = amount;
        } else {
          paid = r.chance(0.5) ? Math.floor(amount / 200) * 100 : 0;
          if (overdue > 60 && r.chance(0.8)) status = 'tresorerie';
        }
        invoices.push({
          number: `${issueYear}-${s.regie}-${String(seq).padStart(6, '0')}`,
          regieCode: s.regie,
          familyCode: plan.code,
          label: s.label,
          period,
          issueDate: new Date(issueMs).toISOString().slice(0, 10),
          dueDate: new Date(dueMs).toISOString().slice(0, 10),
          amountCents: amount,
          paidOutsideCents: paid,
          refdet: refdetOf(issueYear, s.regie, seq),
          status,
          lines: s.lines,
        });
      }
    }
  }

  return {
    format: 'guichet-commune-bundle',
    version: 1,
    commune: COMMUNE,
    regies: REGIES.map((reg) => ({ ...reg, creditorLabel: `${reg.name} de ${COMMUNE.name}` })),
    families,
    invoices,
  };
}
