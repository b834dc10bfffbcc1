// import.csv.20k: seconds for import.apply of a familles.csv of 20,000 families (two
// responsables for most) and a factures.csv of 100,000 invoices, through the dispatcher as the
// UI sends them (base64), into a fresh file database holding an empty commune with its three
// régies. Everything is included: decoding, parsing, validation against the base, writing with
// the search-index triggers, and the journal. Baseline: the same rows written with bare prepared
// INSERTs in one transaction (no parsing, no checks), what any import costs at the least.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { openCore, type Core } from '../../../src/core/core';
import { demoRegies } from '../../../src/shared/demo/commune';
import { registerBench } from '../registry';

const FAMILIES = 20_000;
const INVOICES_PER_FAMILY = 5;
const runs = Math.max(1, Number(process.env.BENCH_IMPORT_RUNS) || 3);
const PASSWORD = 'Bench-Import-2026';

const last = ['MARTIN', 'BERNARD', 'THOMAS', 'PETIT', 'ROBERT', 'RICHARD', 'DURAND', 'DUBOIS'];
const first = ['Élodie', 'Jérôme', 'Anaïs', 'François', 'Maëlle', 'Noël', 'Zoé', 'Loïc'];

function files(): { families: string; invoices: string } {
  const f = [
    'code_famille;civilite_1;nom_1;prenom_1;adresse;code_postal;ville;courriel_1;telephone_portable_1;civilite_2;nom_2;prenom_2',
  ];
  const inv = [
    'regie;numero_facture;code_famille;libelle;periode;date_emission;date_echeance;montant;statut',
  ];
  const regies = ['SCO', 'PEN', 'SPO'] as const;
  let n = 0;
  for (let i = 0; i < FAMILIES; i++) {
    const code = `B${String(i).padStart(6, '0')}`;
    const name = last[i % last.length] ?? 'X';
    const p1 = first[i % first.length] ?? 'X';
    const p2 = first[(i + 3) % first.length] ?? 'X';
    const second = i % 10 < 7 ? `M.;${name};${p2}` : ';;';
    f.push(
      `${code};Mme;${name};${p1};${i % 120} rue des Écoles;49100;Ville de Démo;p${i}@example.org;06 39 98 ${String(i % 100).padStart(2, '0')} 00;${second}`,
    );
    for (let k = 0; k < INVOICES_PER_FAMILY; k++) {
      const regie = regies[k % regies.length] ?? 'SCO';
      n++;
      const month = String((k % 6) + 1).padStart(2, '0');
      const cents = 1000 + ((i * 7 + k) % 9000);
      const amount = `${Math.floor(cents / 100)},${String(cents % 100).padStart(2, '0')}`;
      inv.push(
        `${regie};B26-${regie}-${String(n).padStart(7, '0')};${code};CANTINE ${month}/2026;${month}/2026;05/${month}/2026;04/${String((k % 6) + 2).padStart(2, '0')}/2026;${amount};à payer`,
      );
    }
  }
  return { families: f.join('\r\n') + '\r\n', invoices: inv.join('\r\n') + '\r\n' };
}

async function freshCore(dbFile: string): Promise<{ core: Core; token: string }> {
  process.env.GUICHET_ADMIN_PASSWORD = PASSWORD;
  const core = await openCore({
    dbFile,
    seed: 'empty',
    logger: pino({ level: 'silent' }),
    backupSchedule: false,
    sync: { background: false },
  });
  delete process.env.GUICHET_ADMIN_PASSWORD;
  const insert = core.sqlite.prepare(
    `INSERT INTO regie (commune_id, code, name, accepted_modes, cash_ceiling_cents, float_cents,
       creditor_label, service_name, service_address) VALUES (1, ?, ?, '["especes"]', 0, 0, ?, ?, ?)`,
  );
  for (const r of demoRegies) insert.run(r.code, r.name, r.name, r.serviceName, r.serviceAddress);
  const login = await core.send('auth.login', { login: 'regisseur', password: PASSWORD }, null);
  if (!login.ok) throw new Error(login.error.message);
  return { core, token: (login.value as { token: string }).token };
}

let content: { families: string; invoices: string } | null = null;
const data = () => (content ??= files());

registerBench({
  name: 'import.csv.20k',
  unit: 's',
  description: `import.apply de ${FAMILIES} familles et ${FAMILIES * INVOICES_PER_FAMILY} factures (CSV, base64) dans une commune vide, ${runs} exécution(s)`,
  async run(ctx) {
    const dir = mkdtempSync(path.join(tmpdir(), 'guichet-bench-import-'));
    const samples: number[] = [];
    try {
      const { families, invoices } = data();
      const args = {
        families: { name: 'familles.csv', contentBase64: Buffer.from(families).toString('base64') },
        invoices: { name: 'factures.csv', contentBase64: Buffer.from(invoices).toString('base64') },
      };
      for (let i = 0; i < runs; i++) {
        ctx.progress(`import ${i + 1}/${runs}…`);
        const { core, token } = await freshCore(path.join(dir, `import-${i}.sqlite`));
        try {
          const t = performance.now();
          const r = await core.send(
            'import.apply',
            { ...args, commandId: crypto.randomUUID() },
            token,
          );
          samples.push((performance.now() - t) / 1000);
          if (!r.ok) throw new Error(r.error.message);
        } finally {
          core.close();
        }
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    return samples;
  },
  baseline: {
    description: 'les mêmes lignes par INSERT préparés nus, une transaction',
    async run() {
      const dir = mkdtempSync(path.join(tmpdir(), 'guichet-bench-import-base-'));
      const samples: number[] = [];
      try {
        const rows = (text: string) =>
          text
            .trim()
            .split('\r\n')
            .slice(1)
            .map((l) => l.split(';'));
        const fam = rows(data().families);
        const inv = rows(data().invoices);
        for (let i = 0; i < runs; i++) {
          const { core } = await freshCore(path.join(dir, `base-${i}.sqlite`));
          try {
            const s = core.sqlite;
            const t = performance.now();
            s.transaction(() => {
              const f = s.prepare('INSERT INTO family (code, family_name) VALUES (?, ?)');
              const r = s.prepare(
                `INSERT INTO responsable (family_id, rank, civility, last_name, first_name, address_line1,
                   postal_code, city, email, phone_mobile) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
              );
              const ids = new Map<string, number>();
              for (const c of fam) {
                const id = Number(f.run(c[0], c[2]).lastInsertRowid);
                ids.set(c[0] ?? '', id);
                r.run(id, 1, c[1], c[2], c[3], c[4], c[5], c[6], c[7], c[8]);
                if (c[10]) r.run(id, 2, c[9], c[10], c[11], c[4], c[5], c[6], null, null);
              }
              const regie = new Map(
                (
                  s.prepare('SELECT id, code FROM regie').all() as { id: number; code: string }[]
                ).map((x) => [x.code, x.id]),
              );
              const v = s.prepare(
                `INSERT INTO invoice (number, regie_id, family_id, label, period, issue_date, due_date,
                   amount_cents, refdet, source) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'import')`,
              );
              for (const c of inv) {
                v.run(
                  c[1],
                  regie.get(c[0] ?? ''),
                  ids.get(c[2] ?? ''),
                  c[3],
                  '2026-01',
                  '2026-01-05',
                  '2026-02-04',
                  1000,
                  (c[1] ?? '').replace(/-/g, ''),
                );
              }
            })();
            samples.push((performance.now() - t) / 1000);
          } finally {
            core.close();
          }
        }
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
      return samples;
    },
  },
});
