// Every handler of the contract against the permission it is expected to need: a new writing
// handler declared 'read' (or a read handler made public) fails here, and the contrôleur, who
// audits read-only, can reach no handler that collects, cancels, handles the till, validates
// or administers.
import { describe, expect, it } from 'vitest';
import { contract, type HandlerName } from '../../../src/shared/contract';
import { handlerNameList } from '../../../src/shared/contract/handler-names';
import { can, roles, type Permission } from '../../../src/shared/roles';

const expected: Record<HandlerName, 'public' | Permission> = {
  'system.status': 'public',
  'auth.login': 'public',
  'auth.unlock': 'public',
  'auth.logout': 'public',
  'auth.me': 'read',
  'families.search': 'read',
  'families.get': 'read',
  'invoices.lookup': 'read',
  'payments.preview': 'collect',
  'payments.record': 'collect',
  'payments.receipt': 'collect',
  'payments.cancel': 'cancel',
  'payments.list': 'read',
  'credits.apply': 'collect',
  'credits.cancel': 'cancel',
  'journal.list': 'read',
  'journal.verify': 'audit',
  'till.status': 'read',
  'till.open': 'till',
  'till.movement': 'till',
  'till.closingPreview': 'till',
  'till.close': 'till',
  'till.zReport': 'read',
  'till.ceilingOverride': 'validate',
  'closures.status': 'read',
  'closures.list': 'read',
  'closures.close': 'validate',
  'closures.report': 'read',
  'deposits.candidates': 'read',
  'deposits.list': 'read',
  'deposits.get': 'read',
  'deposits.draft': 'till',
  'deposits.validate': 'validate',
  'deposits.slipPdf': 'read',
  'deposits.cashDeposit': 'till',
  'deposits.cashDeposits': 'read',
  'deposits.cashDepositPdf': 'read',
  'deposits.cardSummary': 'read',
  'deposits.cardSummaryPdf': 'read',
  'reports.receipts': 'audit',
  'reports.totals': 'audit',
  'reports.balances': 'audit',
  'reports.credits': 'audit',
  'reports.cashSituation': 'audit',
  'reports.export': 'audit',
  'sync.enrol': 'admin',
  'sync.status': 'read',
  'sync.now': 'collect',
  'access.get': 'read',
  'access.issue': 'collect',
  'coupons.family': 'read',
  'coupons.batchStart': 'validate',
  'coupons.batchStatus': 'read',
  'coupons.batchCancel': 'validate',
  'coupons.batchFile': 'read',
  'import.preview': 'admin',
  'import.apply': 'admin',
  'settings.get': 'read',
  'settings.update': 'validate',
  'regies.update': 'admin',
  'regies.create': 'admin',
  'commune.update': 'admin',
  'backups.list': 'validate',
  'backups.create': 'validate',
  'backups.restore': 'admin',
  'incident.report': 'read',
  'bank.import': 'validate',
  'bank.statements': 'read',
  'bank.statement': 'read',
  'bank.unmatched': 'read',
  'bank.match': 'validate',
  'bank.unmatch': 'validate',
  'bank.missing': 'read',
  'online.reconciliation': 'read',
  'online.resolveOverpayment': 'validate',
  'online.familyPayments': 'read',
  'online.recheck': 'collect',
  'setup.status': 'public',
  'setup.initialize': 'public',
};

const writing: readonly (Permission | 'public')[] = [
  'collect',
  'cancel',
  'till',
  'validate',
  'admin',
];

describe('permission matrix', () => {
  it('gives every handler of the contract the expected access, and no other', () => {
    const actual = Object.fromEntries(
      Object.entries(contract).map(([name, spec]) => [name, spec.access]),
    );
    expect(actual).toEqual(expected);
    expect([...handlerNameList].sort()).toEqual(Object.keys(expected).sort());
  });

  it('lets the contrôleur call no handler that writes', () => {
    const reachable = Object.entries(contract)
      .filter(([, spec]) => spec.access !== 'public' && can('controleur', spec.access))
      .map(([name, spec]) => [name, spec.access]);
    for (const [name, access] of reachable) {
      expect(writing, `${name} (${access})`).not.toContain(access);
    }
    expect(reachable.map(([n]) => n)).toContain('journal.verify');
  });

  it('grants each role exactly its permissions', () => {
    const table = Object.fromEntries(
      roles.map((r) => [
        r,
        (['read', 'collect', 'cancel', 'till', 'validate', 'admin', 'audit'] as const).filter((p) =>
          can(r, p),
        ),
      ]),
    );
    expect(table).toEqual({
      regisseur: ['read', 'collect', 'cancel', 'till', 'validate', 'admin', 'audit'],
      suppleant: ['read', 'collect', 'cancel', 'till', 'validate', 'audit'],
      mandataire: ['read', 'collect', 'till'],
      controleur: ['read', 'audit'],
    });
  });
});
