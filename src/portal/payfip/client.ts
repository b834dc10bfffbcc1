// The PayFiP web-service client (SOAP 1.1, document/literal): creerPaiementSecurise,
// recupererDetailPaiementSecurise and recupererDetailClient, to a configurable address (the
// real service, or the sandbox of ./sandbox in tests and the demo). Requests are validated
// before anything is sent; faults become PayfipFault, a silent or garbled service
// PayfipUnavailable.
import { FAULT_TYPES, PayfipFault, PayfipUnavailable } from './faults';
import {
  validateCreatePayment,
  validateIdop,
  NUMCLI_RE,
  PayfipInputError,
  type CreatePaymentInput,
} from './validate';
import { child, leaves, parseSoap, soapBody, soapRequest, XmlRefused, MAX_SOAP_BYTES } from './xml';

export const PAYFIP_ENDPOINT = 'https://www.payfip.gouv.fr/tpa/services/securite';
export const DEFAULT_TIMEOUT_MS = 15_000;

export type Resultrans = 'P' | 'V' | 'R' | 'Z' | 'A';

export interface PaymentDetail {
  idOp: string;
  resultrans: string;
  /** Cents, as PayFiP gives them. */
  montantCents: number;
  numauto: string | null;
  /** DDMMYYYY and HHMM, French local time. */
  dattrans: string;
  heurtrans: string;
  exer: string;
  mel: string;
  numcli: string;
  objet: string;
  refdet: string;
  saisie: string;
  /** Every field as received. */
  raw: Record<string, string>;
}

export interface PayfipClient {
  endpoint: string;
  creerPaiementSecurise(input: CreatePaymentInput): Promise<string>;
  recupererDetailPaiementSecurise(idOp: string): Promise<PaymentDetail>;
  recupererDetailClient(numcli: string): Promise<Record<string, string>>;
  /** Where the payer's browser goes: the payment page of the same service. */
  paymentPageUrl(idOp: string): string;
}

export interface PayfipClientOptions {
  endpoint?: string;
  timeoutMs?: number;
  fetch?: typeof fetch;
}

/** The payment page that belongs to a web-service address (same origin). */
export function paymentPageUrl(endpoint: string, idOp: string): string {
  const page = new URL('/tpa/paiementws.web', endpoint);
  page.searchParams.set('idop', idOp);
  return page.toString();
}

/** Reads a SOAP answer: the operation's <return> leaves, or throws its fault. */
export function readSoapAnswer(text: string, operation: string): Record<string, string> {
  let doc;
  try {
    doc = parseSoap(text);
  } catch (e) {
    if (e instanceof XmlRefused) throw new PayfipUnavailable('reponse_invalide', e.message);
    throw e;
  }
  const body = soapBody(doc);
  if (body === undefined) throw new PayfipUnavailable('reponse_invalide', 'pas d’enveloppe SOAP');
  const fault = child(body, 'Fault');
  if (fault !== undefined) {
    const detail = child(fault, 'detail');
    const faultstring = leaves(fault).faultstring ?? '';
    for (const type of FAULT_TYPES) {
      const d = child(detail, type);
      if (d !== undefined) {
        const f = leaves(d);
        throw new PayfipFault(
          f.code ?? '',
          type,
          f.descriptif ?? '',
          f.libelle ?? '',
          f.severite ?? '',
        );
      }
    }
    // A fault without PayFiP's detail: keep what the faultstring says of its family.
    const type = FAULT_TYPES.find((t) => faultstring.endsWith(t)) ?? 'TechDysfonctionnementErreur';
    throw new PayfipFault('', type, faultstring, faultstring, '');
  }
  const response = child(body, `${operation}Response`);
  const ret = child(response, 'return');
  if (ret === undefined) {
    throw new PayfipUnavailable('reponse_invalide', `pas de réponse ${operation}`);
  }
  return leaves(ret);
}

export function createPayfipClient(opts: PayfipClientOptions = {}): PayfipClient {
  const endpoint = opts.endpoint ?? PAYFIP_ENDPOINT;
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const doFetch = opts.fetch ?? fetch;

  const call = async (operation: string, fields: [string, string][]) => {
    let res: Response;
    try {
      res = await doFetch(endpoint, {
        method: 'POST',
        headers: { 'content-type': 'text/xml; charset=utf-8', soapaction: '""' },
        body: soapRequest(operation, fields),
        signal: AbortSignal.timeout(timeoutMs),
        redirect: 'error',
      });
    } catch (e) {
      const name = (e as { name?: string }).name;
      if (name === 'TimeoutError' || name === 'AbortError')
        throw new PayfipUnavailable('delai', `${operation} : pas de réponse en ${timeoutMs} ms`);
      throw new PayfipUnavailable('reseau', `${operation} : ${(e as Error).message}`);
    }
    let text: string;
    try {
      text = await res.text();
    } catch (e) {
      throw new PayfipUnavailable('reseau', `${operation} : ${(e as Error).message}`);
    }
    if (text.length > MAX_SOAP_BYTES)
      throw new PayfipUnavailable('reponse_invalide', `${operation} : réponse trop volumineuse`);
    // A fault comes with HTTP 500; read it first, whatever the status.
    if (!res.ok && !/Fault/.test(text))
      throw new PayfipUnavailable('reponse_invalide', `${operation} : HTTP ${res.status}`);
    return readSoapAnswer(text, operation);
  };

  return {
    endpoint,
    paymentPageUrl: (idOp) => paymentPageUrl(endpoint, idOp),

    async creerPaiementSecurise(input) {
      const r = validateCreatePayment(input);
      const fields: [string, string][] = [
        ['exer', r.exer],
        ['mel', r.mel],
        ['montant', String(r.montantCents)],
        ['numcli', r.numcli],
        ...(r.objet ? ([['objet', r.objet]] as [string, string][]) : []),
        ['refdet', r.refdet],
        ['saisie', r.saisie],
        ['urlnotif', r.urlnotif],
        ['urlredirect', r.urlredirect],
      ];
      const answer = await call('creerPaiementSecurise', fields);
      const idOp = answer.idOp ?? '';
      if (!/^[A-Za-z0-9-]{8,64}$/.test(idOp))
        throw new PayfipUnavailable('reponse_invalide', 'creerPaiementSecurise : idOp absent');
      return idOp;
    },

    async recupererDetailPaiementSecurise(idOp) {
      const a = await call('recupererDetailPaiementSecurise', [['idOp', validateIdop(idOp)]]);
      const montant = a.montant ?? '';
      if (!/^\d{1,9}$/.test(montant) || !a.resultrans)
        throw new PayfipUnavailable(
          'reponse_invalide',
          'recupererDetailPaiementSecurise : montant ou résultat absent',
        );
      return {
        idOp: a.idOp ?? idOp,
        resultrans: a.resultrans,
        montantCents: Number(montant),
        numauto: a.numauto ? a.numauto : null,
        dattrans: a.dattrans ?? '',
        heurtrans: a.heurtrans ?? '',
        exer: a.exer ?? '',
        mel: a.mel ?? '',
        numcli: a.numcli ?? '',
        objet: a.objet ?? '',
        refdet: a.refdet ?? '',
        saisie: a.saisie ?? '',
        raw: a,
      };
    },

    async recupererDetailClient(numcli) {
      if (!NUMCLI_RE.test(numcli))
        throw new PayfipInputError(
          'numcli',
          'Le numéro client PayFiP (numcli) comporte exactement 6 chiffres, zéros compris.',
        );
      return call('recupererDetailClient', [['numCli', numcli]]);
    },
  };
}

/** DDMMYYYY + HHMM in Paris time → the UTC instant; null when either is malformed. */
export function payfipInstant(dattrans: string, heurtrans: string): Date | null {
  const d = /^(\d{2})(\d{2})(\d{4})$/.exec(dattrans);
  const h = /^(\d{2})(\d{2})$/.exec(heurtrans);
  if (!d || !h) return null;
  const [, dd, mm, yyyy] = d;
  const [, hh, mi] = h;
  const asUtc = Date.UTC(Number(yyyy), Number(mm) - 1, Number(dd), Number(hh), Number(mi));
  if (Number.isNaN(asUtc)) return null;
  // Paris is UTC+1 or +2: take the offset in force at that moment (checked twice around DST).
  let guess = asUtc - parisOffsetMs(new Date(asUtc));
  guess = asUtc - parisOffsetMs(new Date(guess));
  return new Date(guess);
}

export function parisOffsetMs(at: Date): number {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone: 'Europe/Paris',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(at);
  const get = (t: string) => Number(parts.find((p) => p.type === t)?.value);
  const local = Date.UTC(
    get('year'),
    get('month') - 1,
    get('day'),
    get('hour'),
    get('minute'),
    get('second'),
  );
  return local - Math.floor(at.getTime() / 1000) * 1000;
}

/** The transaction date and time PayFiP shows for an instant: DDMMYYYY and HHMM, Paris. */
export function payfipDateParts(at: Date): { dattrans: string; heurtrans: string } {
  const local = new Date(at.getTime() + parisOffsetMs(at));
  const p = (n: number) => String(n).padStart(2, '0');
  return {
    dattrans: `${p(local.getUTCDate())}${p(local.getUTCMonth() + 1)}${local.getUTCFullYear()}`,
    heurtrans: `${p(local.getUTCHours())}${p(local.getUTCMinutes())}`,
  };
}
