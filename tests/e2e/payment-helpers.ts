// What the payment tests share: choosing a demo family that fits a test (read-only SQL on the
// test database: the demo's invoices depend on the day it was generated), calling the API as an
// agent to set up a state, and opening a family's page the way an agent does.
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import Database from 'better-sqlite3';
import { expect, type APIRequestContext, type Download, type Page } from '@playwright/test';
import type { HandlerName, Input, Output } from '../../src/shared/contract';
import type { Result } from '../../src/shared/result';
import { extractPdfText, type PdfText } from '../helpers/pdf-text';
import { appOrigin, appSecret, searchBox } from './helpers';

export const REGIE = { SCO: 'SCO', PEN: 'PEN', SPO: 'SPO' } as const;

export interface PickedInvoice {
  id: number;
  number: string;
  remainingCents: number;
  dueDate: string;
}

export interface PickedFamily {
  id: number;
  code: string;
  regieId: number;
  /** Payable invoices of that régie, oldest due first (the order the core settles them). */
  invoices: PickedInvoice[];
}

function withDb<T>(fn: (db: Database.Database) => T): T {
  const dataDir = process.env.GUICHET_E2E_DATA;
  if (!dataDir) throw new Error('GUICHET_E2E_DATA absent');
  const db = new Database(path.join(dataDir, 'guichet.sqlite'), { readonly: true });
  try {
    return fn(db);
  } finally {
    db.close();
  }
}

/**
 * A family with no counter payment yet (so no other test has used it) and at least `minInvoices`
 * payable invoices in the régie, the first of them owing at least `minFirstCents`. `skip` picks a
 * later match, for tests that need two families.
 */
export function pickFamily(
  regieCode: string,
  opts: { minInvoices?: number; minFirstCents?: number; minAnyCents?: number; skip?: number } = {},
): PickedFamily {
  return withDb((db) => {
    const regie = db.prepare('SELECT id FROM regie WHERE code = ?').get(regieCode) as
      { id: number } | undefined;
    if (!regie) throw new Error(`Régie ${regieCode} absente de la démonstration`);
    const families = db
      .prepare(
        `SELECT f.id, f.code FROM family f
         WHERE NOT EXISTS (SELECT 1 FROM payment p WHERE p.family_id = f.id)
         ORDER BY f.id`,
      )
      .all() as { id: number; code: string }[];
    const invoicesOf = db.prepare(
      `SELECT id, number, amount_cents - paid_cents AS remainingCents, due_date AS dueDate
       FROM invoice
       WHERE family_id = ? AND regie_id = ? AND status = 'emise' AND paid_cents < amount_cents
       ORDER BY due_date, id`,
    );
    let skip = opts.skip ?? 0;
    for (const f of families) {
      const invoices = invoicesOf.all(f.id, regie.id) as PickedInvoice[];
      if (invoices.length < (opts.minInvoices ?? 1)) continue;
      if ((invoices[0]?.remainingCents ?? 0) < (opts.minFirstCents ?? 0)) continue;
      if (opts.minAnyCents && !invoices.some((i) => i.remainingCents >= (opts.minAnyCents ?? 0)))
        continue;
      if (skip-- > 0) continue;
      return { id: f.id, code: f.code, regieId: regie.id, invoices };
    }
    throw new Error(`Aucune famille de démonstration ne convient (${regieCode}).`);
  });
}

export function paymentCount(familyId: number): number {
  return withDb(
    (db) =>
      (
        db.prepare('SELECT count(*) AS n FROM payment WHERE family_id = ?').get(familyId) as {
          n: number;
        }
      ).n,
  );
}

export function invoiceRemaining(invoiceId: number): number {
  return withDb(
    (db) =>
      (
        db
          .prepare('SELECT amount_cents - paid_cents AS r FROM invoice WHERE id = ?')
          .get(invoiceId) as { r: number }
      ).r,
  );
}

/** An agent's session opened through the API, for setting up a test's state. */
export class Api {
  private constructor(
    private readonly request: APIRequestContext,
    readonly token: string,
  ) {}

  static async login(request: APIRequestContext, login: string, password: string): Promise<Api> {
    const r = await request.post(`${appOrigin()}/api/auth.login`, {
      data: { login, password },
      headers: { 'x-guichet-secret': appSecret() },
    });
    const body = (await r.json()) as Result<{ token: string }>;
    if (!body.ok) throw new Error(`Connexion de ${login} refusée : ${body.error.message}`);
    return new Api(request, body.value.token);
  }

  async send<K extends HandlerName>(name: K, args: Input<K>): Promise<Result<Output<K>>> {
    const r = await this.request.post(`${appOrigin()}/api/${name}`, {
      data: args,
      headers: { 'x-guichet-secret': appSecret(), 'x-guichet-session': this.token },
    });
    return (await r.json()) as Result<Output<K>>;
  }

  async ok<K extends HandlerName>(name: K, args: Input<K>): Promise<Output<K>> {
    const r = await this.send(name, args);
    if (!r.ok) throw new Error(`${name} refusé : ${r.error.message}`);
    return r.value;
  }
}

/**
 * Money handled at the counter needs an open till session on the poste. The session is opened
 * once (by the régisseur, counting a 150 € float) and then shared by every test of the run.
 */
export async function ensureTillOpen(request: APIRequestContext): Promise<void> {
  const api = await Api.login(request, 'regisseur', 'demo-regisseur');
  const status = await api.ok('till.status', {});
  if (status.session) return;
  await api.ok('till.open', { commandId: randomUUID(), counts: { b50: 3 } });
}

/** Finds the family by its code in the search box and opens it with Entrée. */
export async function openFamily(page: Page, code: string): Promise<void> {
  await searchBox(page).fill(code);
  await expect(page.getByRole('option').first()).toContainText(code);
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(/^Famille /);
}

export function regiePanel(page: Page, regieCode: string) {
  return page.locator(`[data-testid="regie-panel"][data-regie="${regieCode}"]`);
}

/** The bytes of a downloaded receipt, read back as text. */
export async function downloadedPdf(download: Download): Promise<PdfText> {
  const file = await download.path();
  return extractPdfText(new Uint8Array(await readFile(file)));
}

/** 2550 -> "25,50": an amount as the agent types it. */
export function typed(cents: number): string {
  return `${Math.floor(cents / 100)},${String(cents % 100).padStart(2, '0')}`;
}

/**
 * Collects the page's errors (console errors, uncaught exceptions, HTTP failures) so a test can
 * assert there were none. Refusals a test provokes on purpose are 403s and are not counted.
 */
export function watchProblems(page: Page, ignore: () => readonly RegExp[] = () => []): string[] {
  const problems: string[] = [];
  const keep = (text: string) => !ignore().some((re) => re.test(text));
  page.on('console', (msg) => {
    if (msg.type() === 'error' && !/status of 403/.test(msg.text()) && keep(msg.text()))
      problems.push(msg.text());
  });
  page.on('pageerror', (err) => problems.push(err.message));
  page.on('response', (res) => {
    if (res.status() >= 400 && res.status() !== 403) problems.push(`${res.status()} ${res.url()}`);
  });
  return problems;
}
