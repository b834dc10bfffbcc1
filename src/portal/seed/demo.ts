// The portal's demo commune, "Ville de Démo", as a commune bundle. The commune, régies, postes,
// invoice numbers and PayFiP references, the seeded generator and the word lists are the
// register demo's own (src/shared/demo/); the families and six months of invoices are drawn
// here, so that the same seed, size and date always give the same bundle.
//
// The families are NOT those of the register's demo yet: the register's generator writes SQLite
// directly. Until its planning half emits this bundle format, a register enrolled with this
// portal should start empty and receive the portal's families and invoices through its first
// pull, which is the normal path for a real commune anyway.
import {
  demoCommune,
  demoPostes,
  demoRegies,
  invoiceNumber,
  invoiceRefdet,
  type RegieCode,
} from '../../shared/demo/commune';
import { createRng } from '../../shared/demo/prng';
import {
  boyFirstNames,
  familyNames,
  femaleFirstNames,
  girlFirstNames,
  maleFirstNames,
} from '../../shared/demo/word-lists';
import type { CommuneBundle } from '../ordonnateur/bundle';

export const DEMO_FAMILIES = 300;
export const DEMO_SEED = 20_260_301;

/** The portal's counters of the demo: the register demo's postes. */
export const demoCounters = demoPostes.map((p) => ({ posteCode: p.code, name: p.name }));

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

function fold(s: string): string {
  return s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^A-Za-z]/g, '')
    .toUpperCase();
}

export interface DemoOptions {
  families?: number;
  seed?: number;
  /** YYYY-MM-DD: invoices cover the six months before. */
  today: string;
}

export function demoBundle(opts: DemoOptions): CommuneBundle {
  const r = createRng(opts.seed ?? DEMO_SEED);
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
    const familyName = r.pick(familyNames);
    const code = `${fold(familyName).slice(0, 3).padEnd(3, 'X')}-${String((i * 7919 + 4242) % 100_000).padStart(5, '0')}`;
    const street = `${r.int(1, 120)} ${r.pick(STREETS)}`;
    const couple = r.chance(0.7);
    const woman = r.pick(femaleFirstNames);
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
        lastName: r.chance(0.7) ? familyName : r.pick(familyNames),
        firstName: r.pick(maleFirstNames),
        addressLine1: street,
        postalCode: '49100',
        city: 'Ville de Démo',
      });
    }
    const kids: Kid[] = [];
    const wanted = r.int(1, 3);
    let age = r.int(1, 11);
    for (let k = 0; k < wanted && age >= 0; k++) {
      const firstName = r.chance(0.5) ? r.pick(girlFirstNames) : r.pick(boyFirstNames);
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
          number: invoiceNumber(issueYear, s.regie, seq),
          regieCode: s.regie,
          familyCode: plan.code,
          label: s.label,
          period,
          issueDate: new Date(issueMs).toISOString().slice(0, 10),
          dueDate: new Date(dueMs).toISOString().slice(0, 10),
          amountCents: amount,
          paidOutsideCents: paid,
          refdet: invoiceRefdet(issueYear, s.regie, seq),
          status,
          lines: s.lines,
        });
      }
    }
  }

  return {
    format: 'guichet-commune-bundle',
    version: 1,
    commune: { ...demoCommune, demo: true },
    regies: demoRegies.map((reg) => ({
      ...reg,
      acceptedModes: [...reg.acceptedModes],
      creditorLabel: `${reg.name} de ${demoCommune.name}`,
    })),
    families,
    invoices,
  };
}
