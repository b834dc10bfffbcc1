// A portal on a real database (PGlite in memory, or a PostgreSQL server), with a small known
// commune, a settable clock, and helpers that speak the protocol exactly as a register must:
// signed requests through Fastify's inject, operation builders, a full pull.
import { createHash, randomUUID } from 'node:crypto';
import pino from 'pino';
import { createCounter } from '../../../src/portal/counters/admin';
import {
  openPortalDatabase,
  type DatabaseTarget,
  type PortalDatabase,
} from '../../../src/portal/db/open';
import { importBundle } from '../../../src/portal/ordonnateur/import';
import type { CommuneBundle } from '../../../src/portal/ordonnateur/bundle';
import type {
  Change,
  ChangesResponse,
  EnrolResponse,
  OpKind,
  PushResponse,
} from '../../../src/shared/sync/schemas';
import { signRequest, type CounterCredentials } from '../../../src/shared/sync/signing';
import { buildPortalApp, type PortalApp } from '../../../src/portal/server';

export const ADMIN_TOKEN = 'jeton-admin-de-test-0123456789';
export const MASTER_KEY = Buffer.alloc(32, 7);
export const T0 = new Date('2026-03-10T09:00:00.000Z');

export interface Clock {
  now: () => Date;
  set(d: Date): void;
  advance(ms: number): void;
}

export function clock(start: Date = T0): Clock {
  let t = start.getTime();
  return {
    now: () => new Date(t),
    set: (d) => {
      t = d.getTime();
    },
    advance: (ms) => {
      t += ms;
    },
  };
}

export const silentLog = pino({ level: process.env.DBG ? 'error' : 'silent' }, pino.destination(1));

export interface TestPortal {
  database: PortalDatabase;
  app: PortalApp;
  clock: Clock;
  close(): Promise<void>;
}

export async function openTestPortal(target: DatabaseTarget): Promise<TestPortal> {
  const database = await openPortalDatabase({ target, log: silentLog });
  const c = clock();
  const app = await buildPortalApp({
    database,
    masterKey: MASTER_KEY,
    adminToken: ADMIN_TOKEN,
    logger: silentLog,
    now: c.now,
  });
  await app.ready();
  return {
    database,
    app,
    clock: c,
    close: async () => {
      await app.close();
      await database.close();
    },
  };
}

const responsable = (lastName: string, firstName: string) => ({
  rank: 1 as const,
  civility: 'Mme',
  lastName,
  firstName,
  addressLine1: '3 rue des Écoles',
  postalCode: '49100',
  city: 'Ville de Démo',
});

/** The commune every test file starts from; tests add their own invoices with addInvoice. */
export const baseBundle: CommuneBundle = {
  format: 'guichet-commune-bundle',
  version: 1,
  commune: {
    name: 'Ville de Test',
    addressLine: '1 place de la Mairie',
    postalCode: '49100',
    city: 'Ville de Test',
  },
  regies: [
    {
      code: 'SCO',
      name: 'Régie scolaire',
      numcli: '090909',
      acceptedModes: ['especes', 'cheque', 'carte', 'payfip'],
      cashCeilingCents: 150000,
      floatCents: 15000,
      creditorLabel: 'Régie scolaire de Ville de Test',
      allowCredit: true,
      serviceName: 'Service Éducation',
      serviceAddress: 'Hôtel de ville',
    },
    {
      code: 'SPO',
      name: 'Régie des sports',
      numcli: '090911',
      acceptedModes: ['especes', 'cheque', 'payfip'],
      cashCeilingCents: 80000,
      floatCents: 10000,
      creditorLabel: 'Régie des sports de Ville de Test',
      allowCredit: false,
      serviceName: 'Service des Sports',
      serviceAddress: 'Complexe sportif',
    },
    {
      code: 'PEN',
      name: 'Régie petite enfance',
      numcli: '090910',
      acceptedModes: ['especes', 'cheque', 'cesu', 'payfip'],
      cashCeilingCents: 100000,
      floatCents: 10000,
      creditorLabel: 'Régie petite enfance de Ville de Test',
      allowDirectDebitPayment: true,
      serviceName: 'Service Petite Enfance',
      serviceAddress: 'Maison de l’enfance',
    },
  ],
  families: [
    {
      code: 'DUP-00001',
      familyName: 'Dupond',
      responsables: [responsable('Dupond', 'Anne')],
      regies: ['SCO', 'SPO'],
    },
    {
      code: 'MAR-00002',
      familyName: 'Martin',
      responsables: [responsable('Martin', 'Léa')],
      regies: ['SCO', 'PEN'],
    },
  ],
};

let invoiceSeq = 0;

/** A new invoice (unique number and refdet) for a family, through the import path. */
export async function addInvoice(
  portal: TestPortal,
  opts: {
    family?: string;
    regie?: 'SCO' | 'SPO' | 'PEN';
    amountCents: number;
    status?: 'emise' | 'tresorerie' | 'prelevement' | 'annulee';
    paidOutsideCents?: number;
  },
): Promise<string> {
  invoiceSeq++;
  const regie = opts.regie ?? 'SCO';
  const number = `2026-${regie}-${String(invoiceSeq).padStart(6, '0')}`;
  await importBundle(
    portal.database.db,
    {
      ...baseBundle,
      regies: [],
      families: [],
      invoices: [
        {
          number,
          regieCode: regie,
          familyCode: opts.family ?? 'DUP-00001',
          label: `CANTINE ${invoiceSeq}`,
          period: '2026-02',
          issueDate: '2026-03-05',
          dueDate: '2026-04-04',
          amountCents: opts.amountCents,
          paidOutsideCents: opts.paidOutsideCents ?? 0,
          refdet: `2026${regie}${String(invoiceSeq).padStart(6, '0')}`,
          status: opts.status ?? 'emise',
          lines: [{ label: 'Repas de cantine', quantity: 1, unitPriceCents: opts.amountCents }],
        },
      ],
    },
    'test',
    portal.clock.now(),
  );
  return number;
}

export async function seedBase(portal: TestPortal): Promise<void> {
  await importBundle(portal.database.db, baseBundle, 'test', portal.clock.now());
}

let posteSeq = 0;
export function nextPoste(): string {
  posteSeq++;
  return `T${String(posteSeq).padStart(3, '0')}`;
}

export interface TestCounter extends CounterCredentials {
  posteCode: string;
  enrol: EnrolResponse;
  /** The counter's next outbox sequence number. */
  seq: number;
}

export async function enrolNewCounter(portal: TestPortal, regies?: string[]): Promise<TestCounter> {
  const posteCode = nextPoste();
  const issued = await createCounter(
    portal.database.db,
    { posteCode, name: `Poste ${posteCode}`, ...(regies ? { regies } : {}) },
    'test',
    portal.clock.now(),
  );
  const res = await portal.app.inject({
    method: 'POST',
    url: '/sync/v1/enrol',
    payload: { code: issued.code },
  });
  if (res.statusCode !== 200) throw new Error(`enrôlement refusé : ${res.body}`);
  const enrol = res.json<EnrolResponse>();
  return { posteCode, counterId: enrol.counterId, secret: enrol.secret, enrol, seq: 0 };
}

export interface SignedOptions {
  now?: Date;
  nonce?: string;
  /** Sign this body but send `sendBody` (tampering). */
  sendBody?: string;
  secret?: string;
}

export async function signed(
  portal: TestPortal,
  creds: CounterCredentials,
  method: 'GET' | 'POST',
  url: string,
  body?: unknown,
  o: SignedOptions = {},
) {
  const text = body === undefined ? undefined : JSON.stringify(body);
  const headers = signRequest(
    { counterId: creds.counterId, secret: o.secret ?? creds.secret },
    method,
    url,
    text,
    { now: o.now ?? portal.clock.now(), ...(o.nonce ? { nonce: o.nonce } : {}) },
  );
  const payload = o.sendBody ?? text;
  return portal.app.inject({
    method,
    url,
    headers: payload === undefined ? headers : { ...headers, 'content-type': 'application/json' },
    ...(payload === undefined ? {} : { payload }),
  });
}

export interface OpInput {
  opId?: string;
  seq?: number;
  kind: OpKind;
  payload: unknown;
}

export interface WireOp {
  opId: string;
  seq: number;
  kind: OpKind;
  payload: unknown;
}

/** Gives each operation the counter's next sequence number (unless it names one). */
export function ops(counter: TestCounter, list: OpInput[]): WireOp[] {
  return list.map((o) => {
    const seq = o.seq ?? ++counter.seq;
    return { opId: o.opId ?? randomUUID(), seq, kind: o.kind, payload: o.payload };
  });
}

export async function push(
  portal: TestPortal,
  counter: TestCounter,
  wire: WireOp[],
): Promise<PushResponse> {
  const res = await signed(portal, counter, 'POST', '/sync/v1/push', { ops: wire });
  if (res.statusCode !== 200) throw new Error(`push refusé (${res.statusCode}) : ${res.body}`);
  return res.json<PushResponse>();
}

export const agent = { login: 'mguichet', displayName: 'Marc Guichet' };

let receiptSeq = 0;

export function paymentPayload(
  counter: TestCounter,
  o: {
    family?: string;
    regie?: string;
    amountCents: number;
    allocations: { invoiceNumber: string; amountCents: number }[];
    creditCreatedCents?: number;
    recordedAt?: string;
    mode?: 'especes' | 'cheque';
  },
) {
  receiptSeq++;
  const regie = o.regie ?? 'SCO';
  return {
    ref: randomUUID(),
    receiptNumber: `R-${regie}-${counter.posteCode}-2026-${String(receiptSeq).padStart(6, '0')}`,
    regieCode: regie,
    familyCode: o.family ?? 'DUP-00001',
    mode: o.mode ?? 'cheque',
    amountCents: o.amountCents,
    tenderedCents: null,
    changeCents: null,
    creditCreatedCents: o.creditCreatedCents ?? 0,
    details:
      o.mode === 'especes'
        ? {}
        : {
            bank: 'Crédit Agricole',
            number: '1234567',
            drawer: 'Anne Dupond',
            payee: 'Régie scolaire',
          },
    recordedAt: o.recordedAt ?? T0.toISOString(),
    agent,
    allocations: o.allocations,
  };
}

export function codeSha256(code: string): string {
  return createHash('sha256').update(code.toUpperCase().replace(/[\s-]/g, '')).digest('hex');
}

/** Pulls every page from `cursor`; returns the changes and the final cursor. */
export async function pullAll(
  portal: TestPortal,
  counter: CounterCredentials,
  cursor = '',
  limit = 500,
): Promise<{ changes: Change[]; cursor: string; pages: number }> {
  const changes: Change[] = [];
  let pages = 0;
  for (;;) {
    const res = await signed(
      portal,
      counter,
      'GET',
      `/sync/v1/changes?cursor=${cursor}&limit=${limit}`,
    );
    if (res.statusCode !== 200) throw new Error(`pull refusé (${res.statusCode}) : ${res.body}`);
    const page = res.json<ChangesResponse>();
    pages++;
    changes.push(...page.changes);
    cursor = page.nextCursor;
    if (!page.hasMore) return { changes, cursor, pages };
  }
}

/** The last state of each entity in a list of changes, keyed "entity:key". */
export function latest(changes: Change[]): Map<string, Record<string, unknown> | null> {
  const m = new Map<string, Record<string, unknown> | null>();
  for (const c of changes) m.set(`${c.entity}:${c.key}`, c.data);
  return m;
}
