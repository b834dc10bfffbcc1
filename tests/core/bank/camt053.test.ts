// camt.053 parsing: the three namespaces banks send, balances and entries, amounts as decimal
// strings turned into cents without floating point, remittance information, the balance check,
// and hostile XML (entity expansion, external entities) refused before anything is parsed.
import { describe, expect, it } from 'vitest';
import { decimalToCents, parseCamt053 } from '../../../src/core/bank/camt053';
import { parseStatementFile } from '../../../src/core/bank/read-file';
import { DomainError } from '../../../src/core/errors';

interface Entry {
  amount: string;
  ind: 'CRDT' | 'DBIT';
  date?: string;
  ustrd?: string[];
  strdRef?: string;
  status?: string;
  info?: string;
}

export function camt(
  opts: { version?: string; iban?: string; opening?: string; closing?: string; openInd?: string },
  entries: Entry[],
): string {
  const ntry = entries
    .map(
      (e) => `<Ntry><Amt Ccy="EUR">${e.amount}</Amt><CdtDbtInd>${e.ind}</CdtDbtInd>
  <Sts>${e.status ?? 'BOOK'}</Sts><BookgDt><Dt>${e.date ?? '2026-03-03'}</Dt></BookgDt>
  <ValDt><Dt>${e.date ?? '2026-03-03'}</Dt></ValDt><AcctSvcrRef>BQ${e.amount}</AcctSvcrRef>
  ${e.info ? `<AddtlNtryInf>${e.info}</AddtlNtryInf>` : ''}
  <NtryDtls><TxDtls><Refs><EndToEndId>NOTPROVIDED</EndToEndId></Refs><RmtInf>
  ${(e.ustrd ?? []).map((u) => `<Ustrd>${u}</Ustrd>`).join('')}
  ${e.strdRef ? `<Strd><CdtrRefInf><Ref>${e.strdRef}</Ref></CdtrRefInf></Strd>` : ''}
  </RmtInf></TxDtls></NtryDtls></Ntry>`,
    )
    .join('\n');
  return `<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.${opts.version ?? '02'}">
<BkToCstmrStmt><GrpHdr><MsgId>M1</MsgId></GrpHdr><Stmt><Id>REL-2026-03</Id>
<Acct><Id><IBAN>${opts.iban ?? 'FR7610071690000000200101234'}</IBAN></Id><Ccy>EUR</Ccy></Acct>
<Bal><Tp><CdOrPrtry><Cd>OPBD</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">${opts.opening ?? '1000.00'}</Amt><CdtDbtInd>${opts.openInd ?? 'CRDT'}</CdtDbtInd><Dt><Dt>2026-03-01</Dt></Dt></Bal>
<Bal><Tp><CdOrPrtry><Cd>CLBD</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">${opts.closing ?? '1000.00'}</Amt><CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2026-03-31</Dt></Dt></Bal>
${ntry}
</Stmt></BkToCstmrStmt></Document>`;
}

function refusal(fn: () => unknown): DomainError {
  try {
    fn();
  } catch (e) {
    if (e instanceof DomainError) return e;
    throw e;
  }
  throw new Error('refus attendu');
}

describe('camt.053', () => {
  it('reads balances, entries and remittance information in versions .02, .04 and .08', () => {
    for (const version of ['02', '04', '08']) {
      const r = parseCamt053(
        camt({ version, opening: '1000.00', closing: '1036.5' }, [
          {
            amount: '49',
            ind: 'CRDT',
            ustrd: ['PAYFIP REF000001', 'NUMAUTO 112233'],
            info: 'VIR PAYFIP',
          },
          { amount: '12.50', ind: 'DBIT', date: '2026-03-04', strdRef: 'RF18539007547034' },
          { amount: '999.99', ind: 'CRDT', status: 'PDNG' },
        ]),
      );
      expect(r.format).toBe('camt053');
      const s = r.statements[0]!;
      expect(s).toMatchObject({
        account: 'FR7610071690000000200101234',
        openingDate: '2026-03-01',
        openingCents: 100000,
        closingDate: '2026-03-31',
        closingCents: 103650,
      });
      // The pending entry is not on the account yet.
      expect(s.lines.map((l) => [l.bookingDate, l.amountCents, l.label])).toEqual([
        ['2026-03-03', 4900, 'VIR PAYFIP'],
        ['2026-03-04', -1250, ''],
      ]);
      expect(s.lines[0]!.complements).toEqual([
        { qualifier: 'Ustrd', text: 'PAYFIP REF000001' },
        { qualifier: 'Ustrd', text: 'NUMAUTO 112233' },
      ]);
      expect(s.lines[1]!.complements).toEqual([{ qualifier: 'Strd', text: 'RF18539007547034' }]);
      expect(s.lines[0]!.reference).toBe('BQ49');
    }
  });

  it('turns decimal strings into cents without floating point', () => {
    expect(decimalToCents('0.1')).toBe(10);
    expect(decimalToCents('0.29')).toBe(29);
    expect(decimalToCents('1234567890.07')).toBe(123456789007);
    expect(decimalToCents('5.000')).toBe(500);
    expect(decimalToCents('5.001')).toBeNull();
    expect(decimalToCents('-5')).toBeNull();
    expect(decimalToCents('1e3')).toBeNull();
    expect(decimalToCents('')).toBeNull();
  });

  it('refuses an unbalanced statement, a foreign namespace and unreadable amounts', () => {
    const cases: [string, RegExp][] = [
      [
        camt({ opening: '1000.00', closing: '1300.00' }, [{ amount: '250.00', ind: 'CRDT' }]),
        /^Relevé n° 1 \(« REL-2026-03 »\) : le relevé du compte FR7610071690000000200101234 ne s’équilibre pas : solde d’ouverture 1\u202f000,00\u202f€ \+ mouvements 250,00\u202f€ ≠ solde de clôture 1\u202f300,00\u202f€\.$/,
      ],
      [camt({ version: '99' }, []), /n’est pas un relevé camt\.053 reconnu/],
      [camt({}, [{ amount: '12,50', ind: 'CRDT' }]), /écriture n° 1 : montant « 12,50 » illisible/],
      [camt({ openInd: 'XXXX' }, []), /solde OPBD : sens « XXXX » illisible/],
      ['<Document><oops></Document>', /n’est pas un XML valable|n’est pas un relevé camt/],
    ];
    for (const [xml, message] of cases) {
      const e = refusal(() => parseCamt053(xml));
      expect(e.code).toBe('VALIDATION');
      expect(e.message).toMatch(message);
    }
  });

  it('refuses a billion-laughs or external-entity file before parsing it', () => {
    const laughs = `<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt><Stmt><Id>&lol3;</Id></Stmt></BkToCstmrStmt></Document>`;
    const xxe = `<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt><Stmt><Id>&x;</Id></Stmt></BkToCstmrStmt></Document>`;
    for (const xml of [laughs, xxe]) {
      const started = performance.now();
      const e = refusal(() => parseStatementFile(new TextEncoder().encode(xml)));
      expect(performance.now() - started).toBeLessThan(200);
      expect(e.message).toMatch(/DOCTYPE ou ENTITY/);
    }
    // An undeclared entity reference is left as text, never resolved.
    const r = parseCamt053(
      camt({ opening: '0', closing: '1.00' }, [
        { amount: '1.00', ind: 'CRDT', info: 'A &amp; B &x; C' },
      ]),
    );
    expect(r.statements[0]!.lines[0]!.label).toBe('A & B &x; C');
  });

  it('tells camt.053 from CFONB 120 by the content', () => {
    const xml = camt({ opening: '0', closing: '0' }, []);
    expect(parseStatementFile(new TextEncoder().encode(`\ufeff  ${xml}`)).format).toBe('camt053');
  });
});
