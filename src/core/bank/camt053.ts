// camt.053 (ISO 20022 "Bank to customer statement"), the XML equivalent of CFONB 120. Read with
// fast-xml-parser configured so that a hostile file can do nothing: a DOCTYPE (hence any entity
// declaration, external or recursive) is refused before parsing, the parser expands no entity,
// and only the five predefined entities and character references are decoded, by hand.
// Amounts are decimal strings turned into cents by string arithmetic, never through a float.
import { XMLParser } from 'fast-xml-parser';
import { formatEuro } from '../../shared/money';
import {
  fileError,
  type Statement,
  type StatementComplement,
  type StatementFile,
  type StatementLine,
} from './statement-model';

/** The camt.053 versions banks send today; the structure read here is common to all of them. */
export const CAMT053_NAMESPACES = [
  'urn:iso:std:iso:20022:tech:xsd:camt.053.001.02',
  'urn:iso:std:iso:20022:tech:xsd:camt.053.001.04',
  'urn:iso:std:iso:20022:tech:xsd:camt.053.001.06',
  'urn:iso:std:iso:20022:tech:xsd:camt.053.001.08',
] as const;

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  removeNSPrefix: true,
  processEntities: false,
  htmlEntities: false,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  isArray: (name) =>
    ['Stmt', 'Bal', 'Ntry', 'NtryDtls', 'TxDtls', 'Ustrd', 'Strd', 'AddtlNtryInf'].includes(name),
});

type Node = Record<string, unknown>;

const predefined: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

function decodeText(value: string): string {
  return value.replace(/&(#x[0-9a-fA-F]{1,6}|#[0-9]{1,7}|lt|gt|amp|quot|apos);/g, (all, ref) => {
    const r = String(ref);
    const code = r.startsWith('#x')
      ? parseInt(r.slice(2), 16)
      : r.startsWith('#')
        ? parseInt(r.slice(1), 10)
        : null;
    if (code === null) return predefined[r] ?? all;
    return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : all;
  });
}

const isNode = (v: unknown): v is Node => typeof v === 'object' && v !== null && !Array.isArray(v);
const child = (n: unknown, key: string): unknown => (isNode(n) ? n[key] : undefined);
const path = (n: unknown, ...keys: string[]): unknown => keys.reduce(child, n);
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : v === undefined ? [] : [v]);

/** The text of an element, whether it has attributes (`#text`) or not. */
function text(v: unknown): string | null {
  if (typeof v === 'string') return decodeText(v);
  if (typeof v === 'number') return String(v);
  if (isNode(v) && typeof v['#text'] === 'string') return decodeText(v['#text']);
  return null;
}

/** "1234.5" -> 123450; refuses signs, exponents and fractions of a cent. */
export function decimalToCents(value: string): number | null {
  const m = /^(\d{1,15})(?:\.(\d{1,5}))?$/.exec(value.trim());
  if (!m) return null;
  const frac = (m[2] ?? '').padEnd(2, '0');
  if (/[1-9]/.test(frac.slice(2))) return null;
  const cents = Number(m[1]) * 100 + Number(frac.slice(0, 2));
  return Number.isSafeInteger(cents) ? cents : null;
}

function isoDate(v: unknown): string | null {
  const raw = text(child(v, 'Dt')) ?? text(child(v, 'DtTm'));
  if (!raw) return null;
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(raw);
  if (!m) return null;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.getUTCDate() === Number(m[3]) ? `${m[1]}-${m[2]}-${m[3]}` : null;
}

export function parseCamt053(xml: string): StatementFile {
  const body = xml.startsWith('\ufeff') ? xml.slice(1) : xml;
  if (/<!DOCTYPE/i.test(body) || /<!ENTITY/i.test(body)) {
    throw fileError(
      'Le fichier XML contient une déclaration DOCTYPE ou ENTITY : un relevé camt.053 n’en a jamais, et elle pourrait servir à une attaque. Fichier refusé ; demandez à la banque un export camt.053 standard.',
    );
  }
  const trimmed = body.trimStart();
  let doc: Node;
  try {
    doc = parser.parse(trimmed, true) as Node;
  } catch (e) {
    throw fileError(
      `Le fichier n’est pas un XML valable (${e instanceof Error ? e.message : String(e)}). Vérifiez qu’il s’agit bien du relevé camt.053 exporté par la banque.`,
    );
  }
  const document = doc.Document;
  const ns = documentNamespace(trimmed);
  if (!isNode(document) || !(CAMT053_NAMESPACES as readonly string[]).includes(ns)) {
    throw fileError(
      `Ce fichier XML n’est pas un relevé camt.053 reconnu (espace de noms « ${ns || 'absent'} »). Versions acceptées : camt.053.001.02, .04, .06 et .08.`,
    );
  }
  const stmts = list(path(document, 'BkToCstmrStmt', 'Stmt'));
  if (stmts.length === 0) {
    throw fileError('Le relevé camt.053 ne contient aucun relevé de compte (élément Stmt).');
  }
  return { format: 'camt053', statements: stmts.map((s, i) => readStatement(s, i + 1)) };
}

/**
 * The namespace of the root Document element, read from its start tag: the parser drops
 * namespace declarations once it removes prefixes.
 */
function documentNamespace(xml: string): string {
  const m = /<(?:([A-Za-z_][\w.-]*):)?Document\b([^>]*)>/.exec(xml);
  if (!m) return '';
  const attr = m[1] ? `xmlns:${m[1]}` : 'xmlns';
  const decl = new RegExp(`\\s${attr.replace(/\./g, '\\.')}\\s*=\\s*["']([^"']*)["']`).exec(
    m[2] ?? '',
  );
  return decl?.[1] ?? '';
}

function readStatement(s: unknown, rank: number): Statement {
  const id = text(child(s, 'Id')) ?? String(rank);
  const where = `Relevé n° ${rank} (« ${id} »)`;
  const fail = (reason: string): never => {
    throw fileError(`${where} : ${reason}`, { statement: rank });
  };
  const acct = child(s, 'Acct');
  const account =
    text(path(acct, 'Id', 'IBAN')) ??
    text(path(acct, 'Id', 'Othr', 'Id')) ??
    fail('compte absent (Acct/Id).');
  const currency = text(child(acct, 'Ccy')) ?? 'EUR';
  if (currency !== 'EUR')
    fail(`devise « ${currency} » : seuls les relevés en euros (EUR) sont acceptés.`);

  const balance = (codes: string[]) => {
    const b = list(child(s, 'Bal')).find((x) =>
      codes.includes(text(path(x, 'Tp', 'CdOrPrtry', 'Cd')) ?? ''),
    );
    if (!b) return null;
    const amount = readAmount(child(b, 'Amt'), `solde ${codes[0]}`, fail);
    const sign = readSign(child(b, 'CdtDbtInd'), `solde ${codes[0]}`, fail);
    const date = isoDate(child(b, 'Dt')) ?? fail(`date du solde ${codes[0]} absente ou illisible.`);
    return { cents: sign * amount, date };
  };
  // PRCD (previously closed booked) stands for the opening balance in some banks' files.
  const opening = balance(['OPBD', 'PRCD']) ?? fail('solde d’ouverture (OPBD) absent.');
  const closing = balance(['CLBD']) ?? fail('solde de clôture (CLBD) absent.');

  const lines: StatementLine[] = [];
  list(child(s, 'Ntry')).forEach((n, i) => {
    const entryWhere = `écriture n° ${i + 1}`;
    const failEntry = (reason: string): never => fail(`${entryWhere} : ${reason}`);
    const status = text(child(n, 'Sts')) ?? text(path(n, 'Sts', 'Cd')) ?? 'BOOK';
    // Pending or informational entries are not on the account yet and are not in its balance.
    if (status !== 'BOOK') return;
    const amount = readAmount(child(n, 'Amt'), entryWhere, fail);
    const sign = readSign(child(n, 'CdtDbtInd'), entryWhere, fail);
    const reversal = text(child(n, 'RvslInd')) === 'true';
    const bookingDate =
      isoDate(child(n, 'BookgDt')) ?? failEntry('date de comptabilisation (BookgDt) absente.');
    const txs = list(child(n, 'NtryDtls')).flatMap((d) => list(child(d, 'TxDtls')));
    const complements: StatementComplement[] = [];
    for (const tx of txs) {
      for (const u of list(path(tx, 'RmtInf', 'Ustrd'))) {
        const t = text(u);
        if (t) complements.push({ qualifier: 'Ustrd', text: t });
      }
      for (const st of list(path(tx, 'RmtInf', 'Strd'))) {
        const ref = text(path(st, 'CdtrRefInf', 'Ref'));
        if (ref) complements.push({ qualifier: 'Strd', text: ref });
        for (const add of list(child(st, 'AddtlRmtInf'))) {
          const t = text(add);
          if (t) complements.push({ qualifier: 'Strd', text: t });
        }
      }
      const e2e = text(path(tx, 'Refs', 'EndToEndId'));
      if (e2e && e2e !== 'NOTPROVIDED') complements.push({ qualifier: 'EndToEndId', text: e2e });
      const debtor =
        text(path(tx, 'RltdPties', 'Dbtr', 'Nm')) ??
        text(path(tx, 'RltdPties', 'Dbtr', 'Pty', 'Nm'));
      if (debtor) complements.push({ qualifier: 'Dbtr', text: debtor });
    }
    const info = list(child(n, 'AddtlNtryInf'))
      .map(text)
      .filter((t): t is string => !!t);
    // A reversal (RvslInd) books the opposite of what its indicator says.
    const signed = (reversal ? -sign : sign) * amount;
    lines.push({
      sourceLine: i + 1,
      bookingDate,
      valueDate: isoDate(child(n, 'ValDt')),
      amountCents: signed === 0 ? 0 : signed,
      label: (info[0] ?? complements.find((c) => c.qualifier === 'Ustrd')?.text ?? '').slice(
        0,
        140,
      ),
      reference: text(child(n, 'AcctSvcrRef')) ?? text(child(n, 'NtryRef')),
      entryNumber: null,
      operationCode:
        text(path(n, 'BkTxCd', 'Domn', 'Cd')) ?? text(path(n, 'BkTxCd', 'Prtry', 'Cd')) ?? null,
      complements: [
        ...info.slice(1).map((t) => ({ qualifier: 'AddtlNtryInf', text: t })),
        ...complements,
      ],
    });
  });
  const movements = lines.reduce((sum, l) => sum + l.amountCents, 0);
  if (opening.cents + movements !== closing.cents) {
    fail(
      `le relevé du compte ${account} ne s’équilibre pas : solde d’ouverture ${formatEuro(opening.cents)} + mouvements ${formatEuro(movements)} ≠ solde de clôture ${formatEuro(closing.cents)}.`,
    );
  }
  return {
    sourceLine: rank,
    account: account.replace(/\s+/g, ''),
    bankCode: null,
    branchCode: null,
    currency,
    openingDate: opening.date,
    openingCents: opening.cents,
    closingDate: closing.date,
    closingCents: closing.cents,
    lines,
  };
}

function readAmount(v: unknown, what: string, fail: (reason: string) => never): number {
  const raw = text(v);
  const ccy = child(v, '@_Ccy');
  if (typeof ccy === 'string' && ccy !== 'EUR')
    fail(`${what} : montant en ${ccy}, euros attendus.`);
  const cents = raw === null ? null : decimalToCents(raw);
  return (
    cents ?? fail(`${what} : montant « ${raw ?? ''} » illisible (nombre décimal positif attendu).`)
  );
}

function readSign(v: unknown, what: string, fail: (reason: string) => never): 1 | -1 {
  const ind = text(v);
  if (ind === 'CRDT') return 1;
  if (ind === 'DBIT') return -1;
  return fail(`${what} : sens « ${ind ?? ''} » illisible (CRDT ou DBIT attendu).`);
}
