// SOAP 1.1 envelopes of PayFiP's web-service, written and read safely. Values are escaped when
// written; when read, no DOCTYPE (hence no entity declaration) is accepted and the parser
// expands no entity: only the five predefined ones and character references are decoded, by
// hand, so a hostile or broken answer cannot make the portal fetch or expand anything.
import { XMLParser } from 'fast-xml-parser';

export const SOAP_ENV_NS = 'http://schemas.xmlsoap.org/soap/envelope/';
export const PAYFIP_NS =
  'http://securite.service.tpa.cp.finances.gouv.fr/services/mas_securite/contrat_paiement_securise/PaiementSecuriseService';

/** A document that is not acceptable XML for this exchange (DOCTYPE, malformed, too large). */
export class XmlRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'XmlRefused';
  }
}

export function escapeXml(value: string): string {
  return value
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

const predefined: Record<string, string> = {
  lt: '<',
  gt: '>',
  amp: '&',
  quot: '"',
  apos: "'",
};

/** Decodes the predefined entities and character references; anything else stays as is. */
export function decodeXmlText(value: string): string {
  return value.replace(/&(#x[0-9a-fA-F]{1,6}|#[0-9]{1,7}|lt|gt|amp|quot|apos);/g, (all, ref) => {
    const r = String(ref);
    if (r.startsWith('#x')) return safeCodePoint(parseInt(r.slice(2), 16)) ?? all;
    if (r.startsWith('#')) return safeCodePoint(parseInt(r.slice(1), 10)) ?? all;
    return predefined[r] ?? all;
  });
}

function safeCodePoint(n: number): string | null {
  return n > 0 && n <= 0x10ffff ? String.fromCodePoint(n) : null;
}

/** `<tns:op xmlns:tns="…"><arg0><k>v</k>…</arg0></tns:op>` inside a SOAP envelope. */
export function soapRequest(operation: string, fields: [string, string][]): string {
  const children = fields.map(([k, v]) => `<${k}>${escapeXml(v)}</${k}>`).join('');
  return soapEnvelope(
    `<tns:${operation} xmlns:tns="${PAYFIP_NS}"><arg0>${children}</arg0></tns:${operation}>`,
  );
}

/** `<ns2:opResponse><return>…</return></ns2:opResponse>`, as PayFiP answers. */
export function soapResponse(operation: string, fields: [string, string][]): string {
  const children = fields.map(([k, v]) => `<${k}>${escapeXml(v)}</${k}>`).join('');
  return soapEnvelope(
    `<ns2:${operation}Response xmlns:ns2="${PAYFIP_NS}"><return>${children}</return></ns2:${operation}Response>`,
  );
}

export function soapEnvelope(body: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?><soap:Envelope xmlns:soap="${SOAP_ENV_NS}"><soap:Body>${body}</soap:Body></soap:Envelope>`;
}

/** PayFiP's answers are a few hundred bytes; anything far larger is not one. */
export const MAX_SOAP_BYTES = 256 * 1024;

const parser = new XMLParser({
  ignoreAttributes: true,
  removeNSPrefix: true,
  processEntities: false,
  // Every value stays a string: numcli "004200" and montant "4900" must not become numbers.
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
});

export type XmlNode = string | { [key: string]: XmlNode | XmlNode[] };

/** Parses a SOAP document; refuses a DOCTYPE, entity declarations and malformed XML. */
export function parseSoap(text: string): Record<string, XmlNode> {
  if (text.length > MAX_SOAP_BYTES) throw new XmlRefused('document XML trop volumineux');
  if (/<!DOCTYPE/i.test(text) || /<!ENTITY/i.test(text)) {
    throw new XmlRefused('document XML refusé : il contient une déclaration DOCTYPE ou ENTITY');
  }
  let parsed: unknown;
  try {
    parsed = parser.parse(text, true);
  } catch (e) {
    throw new XmlRefused(`XML mal formé : ${e instanceof Error ? e.message : String(e)}`);
  }
  if (typeof parsed !== 'object' || parsed === null) throw new XmlRefused('XML vide');
  return parsed as Record<string, XmlNode>;
}

/** The child `name` of a node, when it is an element (not text or a list). */
export function child(node: XmlNode | XmlNode[] | undefined, name: string): XmlNode | undefined {
  if (node === undefined || typeof node === 'string' || Array.isArray(node)) return undefined;
  const found = node[name];
  return Array.isArray(found) ? found[0] : found;
}

/** The SOAP Body's content, or undefined when the document is no SOAP envelope. */
export function soapBody(doc: Record<string, XmlNode>): XmlNode | undefined {
  return child(child(doc, 'Envelope'), 'Body');
}

/** Leaf children of an element as decoded strings (empty elements give ""). */
export function leaves(node: XmlNode | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (node === undefined || typeof node === 'string') return out;
  for (const [k, v] of Object.entries(node)) {
    const first = Array.isArray(v) ? v[0] : v;
    if (typeof first === 'string') out[k] = decodeXmlText(first);
    else if (first !== undefined && Object.keys(first).length === 0) out[k] = '';
  }
  return out;
}
