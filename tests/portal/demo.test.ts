// The portal's demo commune: a valid commune bundle, reproducible from its seed and date, and
// the same commune, régies and postes as the register's demo (the families differ until both
// demos are built from one generator; see src/portal/seed/demo.ts).
import { describe, expect, it } from 'vitest';
import { demoPostes, demoRegies } from '../../src/shared/demo/commune';
import { communeBundleSchema } from '../../src/portal/ordonnateur/bundle';
import { demoBundle, demoCounters } from '../../src/portal/seed/demo';

describe('commune de démonstration du portail', () => {
  const bundle = communeBundleSchema.parse(demoBundle({ today: '2026-03-10', families: 40 }));

  it('est un fichier d’import valide, identique à chaque génération pour la même graine et la même date', () => {
    expect(bundle.families).toHaveLength(40);
    expect(bundle.invoices.length).toBeGreaterThan(80);
    expect(JSON.stringify(demoBundle({ today: '2026-03-10', families: 40 }))).toBe(
      JSON.stringify(demoBundle({ today: '2026-03-10', families: 40 })),
    );
    expect(JSON.stringify(demoBundle({ today: '2026-03-10', families: 40, seed: 1 }))).not.toBe(
      JSON.stringify(demoBundle({ today: '2026-03-10', families: 40 })),
    );
    for (const inv of bundle.invoices) {
      expect(inv.lines.reduce((s, l) => s + l.quantity * l.unitPriceCents, 0)).toBe(
        inv.amountCents,
      );
      expect(inv.paidOutsideCents).toBeLessThanOrEqual(inv.amountCents);
      expect(inv.issueDate <= '2026-03-10').toBe(true);
    }
    expect(new Set(bundle.invoices.map((i) => i.number)).size).toBe(bundle.invoices.length);
    expect(new Set(bundle.families.map((f) => f.code)).size).toBe(40);
    expect(new Set(bundle.invoices.map((i) => i.status))).toEqual(
      new Set(['emise', 'tresorerie', 'prelevement', 'annulee']),
    );
  });

  it('reprend les régies et les postes du registre de démonstration', () => {
    expect(
      bundle.regies.map((r) => ({
        code: r.code,
        name: r.name,
        numcli: r.numcli,
        acceptedModes: r.acceptedModes,
        cashCeilingCents: r.cashCeilingCents,
        floatCents: r.floatCents,
        allowCredit: r.allowCredit,
        allowDirectDebitPayment: r.allowDirectDebitPayment,
        dftAccount: r.dftAccount,
        serviceName: r.serviceName,
        serviceAddress: r.serviceAddress,
        servicePhone: r.servicePhone,
      })),
    ).toEqual(demoRegies.map((r) => ({ ...r })));
    expect(demoCounters.map((c) => ({ code: c.posteCode, name: c.name }))).toEqual(
      demoPostes.map((p) => ({ ...p })),
    );
  });
});
