// The invoices a family sees per régie and tab, with the states and payment details the
// counters and online payments produce; the PDF read back; messages, alerts and paper opt-out.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import {
  alertEmail,
  familyMessage,
  familyPreference,
  invoice,
  invoiceAlert,
  onlinePayment,
  onlinePaymentLock,
  onlinePaymentSuspension,
  regie,
} from '../../../src/portal/db/schema';
import { createMailer } from '../../../src/portal/family-web/mailer';
import { sendInvoiceAlerts } from '../../../src/portal/family-web/settings';
import { extractPdfText, printed } from '../../helpers/pdf-text';
import { addInvoice, latest, ops, paymentPayload, pullAll, push } from '../helpers/portal-fixture';
import {
  activate,
  issueCode,
  mails,
  openFamilyPortal,
  text,
  type Browser,
  type FamilyPortal,
} from './family-fixture';

let portal: FamilyPortal;
let b: Browser;
const n: Record<string, string> = {};

beforeAll(async () => {
  portal = await openFamilyPortal();
  const db = portal.database.db;
  n.due = await addInvoice(portal, { amountCents: 4900 });
  n.partial = await addInvoice(portal, { amountCents: 10000 });
  n.locked = await addInvoice(portal, { amountCents: 2500 });
  n.treasury = await addInvoice(portal, { amountCents: 3300, status: 'tresorerie' });
  n.cheque = await addInvoice(portal, { amountCents: 6000 });
  n.online = await addInvoice(portal, { amountCents: 1800 });
  n.outside = await addInvoice(portal, { amountCents: 1200, paidOutsideCents: 1200 });
  n.cancelled = await addInvoice(portal, { amountCents: 999, status: 'annulee' });
  n.sports = await addInvoice(portal, { amountCents: 7500, regie: 'SPO' });
  n.other = await addInvoice(portal, { amountCents: 5000, family: 'MAR-00002' });
  // Counter payments pushed by a register: a cheque settles one invoice, cash half another.
  await push(
    portal,
    portal.counter,
    ops(portal.counter, [
      {
        kind: 'payment',
        payload: paymentPayload(portal.counter, {
          amountCents: 6000,
          allocations: [{ invoiceNumber: n.cheque!, amountCents: 6000 }],
          recordedAt: '2026-03-09T14:07:00.000Z',
        }),
      },
      {
        kind: 'payment',
        payload: paymentPayload(portal.counter, {
          amountCents: 4000,
          mode: 'especes',
          allocations: [{ invoiceNumber: n.partial!, amountCents: 4000 }],
        }),
      },
    ]),
  );
  const [online] = await db.select().from(invoice).where(eq(invoice.number, n.online!));
  const [op] = await db
    .insert(onlinePayment)
    .values({
      invoiceId: online!.id,
      amountCents: 1800,
      status: 'paye',
      idop: 'IDOP-1',
      numauto: '117700',
      startedAt: new Date('2026-03-08T10:00:00Z'),
      finishedAt: new Date('2026-03-08T10:03:00Z'),
    })
    .returning();
  await db.update(invoice).set({ onlinePaidCents: 1800 }).where(eq(invoice.id, online!.id));
  const [locked] = await db.select().from(invoice).where(eq(invoice.number, n.locked!));
  const [attempt] = await db
    .insert(onlinePayment)
    .values({ invoiceId: locked!.id, amountCents: 2500, startedAt: portal.clock.now() })
    .returning();
  await db.insert(onlinePaymentLock).values({
    invoiceId: locked!.id,
    onlinePaymentId: attempt!.id,
    startedAt: portal.clock.now(),
    expiresAt: new Date(portal.clock.now().getTime() + 3_600_000),
  });
  expect(op).toBeTruthy();
  await issueCode(portal, 'DUP-00001', 'CCCC-DDDD-EEEE');
  b = await activate(portal, 'DUP-00001', 'CCCC-DDDD-EEEE', 'anne@example.fr');
}, 180_000);
afterAll(async () => portal.close());

const card = (html: string, number: string) => {
  const start = html.indexOf(`id="facture-${number}"`);
  if (start < 0) return '';
  const end = html.indexOf('</article>', start);
  return text(html.slice(start, end));
};

describe('factures par régie et par onglet', () => {
  it('à payer : reste dû, partiellement réglée, paiement en cours', async () => {
    const page = await b.get('/famille/factures?regie=SCO&onglet=a-payer');
    expect(page.statusCode).toBe(200);
    const html = page.body;
    for (const k of ['due', 'partial', 'locked']) expect(card(html, n[k]!)).not.toBe('');
    for (const k of ['treasury', 'cheque', 'online', 'outside', 'cancelled', 'sports', 'other'])
      expect(card(html, n[k]!)).toBe('');
    expect(card(html, n.due!)).toContain('Montant total 49,00 €');
    expect(card(html, n.partial!)).toContain('Partiellement réglée');
    expect(card(html, n.partial!)).toContain('Reste à payer 60,00 €');
    expect(card(html, n.partial!)).toContain('Espèces');
    expect(card(html, n.locked!)).toContain('Paiement en cours');
    expect(card(html, n.locked!)).toContain('attendez avant une nouvelle tentative');
    expect(card(html, n.due!)).not.toContain('Paiement en cours');
    expect(text(html)).toContain('À payer (3)');
    expect(text(html)).toContain('Réglées (3)');
    expect(text(html)).toContain('En trésorerie (1)');
    expect(html).toContain('aria-current="page"');
  });

  it('à payer : « paiement suspendu » quand le service l’a suspendu, puis plus après', async () => {
    const db = portal.database.db;
    const [sco] = await db.select().from(regie).where(eq(regie.code, 'SCO'));
    const [s] = await db
      .insert(onlinePaymentSuspension)
      .values({
        regieId: sco!.id,
        startsAt: portal.clock.now(),
        endsAt: new Date(portal.clock.now().getTime() + 3_600_000),
        reason: 'maintenance des factures',
      })
      .returning();
    const during = await b.get('/famille/factures?regie=SCO&onglet=a-payer');
    expect(card(during.body, n.due!)).toContain('Paiement suspendu');
    expect(card(during.body, n.due!)).toContain('maintenance des factures');
    const sports = await b.get('/famille/factures?regie=SPO&onglet=a-payer');
    expect(card(sports.body, n.sports!)).not.toContain('Paiement suspendu');
    await db.delete(onlinePaymentSuspension).where(eq(onlinePaymentSuspension.id, s!.id));
    const after = await b.get('/famille/factures?regie=SCO&onglet=a-payer');
    expect(card(after.body, n.due!)).not.toContain('Paiement suspendu');
  });

  it('réglées : comment et quand (chèque et quittance, en ligne avec autorisation, hors Guichet)', async () => {
    const html = (await b.get('/famille/factures?regie=SCO&onglet=reglees')).body;
    expect(card(html, n.cheque!)).toContain('Chèque');
    expect(card(html, n.cheque!)).toContain('09/03/2026 à 15:07');
    expect(card(html, n.cheque!)).toMatch(/Quittance R-SCO-T\d{3}-2026-\d{6}/);
    expect(card(html, n.online!)).toContain('Paiement en ligne');
    expect(card(html, n.online!)).toContain('Autorisation n° 117700');
    expect(card(html, n.online!)).toContain('08/03/2026 à 11:03');
    expect(card(html, n.outside!)).toContain('Règlement enregistré par le service');
    expect(card(html, n.due!)).toBe('');
    expect(card(html, n.cancelled!)).toBe('');
  });

  it('en trésorerie : ce qu’il faut faire', async () => {
    const html = (await b.get('/famille/factures?regie=SCO&onglet=tresorerie')).body;
    expect(card(html, n.treasury!)).toContain('Transmise au Trésor public');
    expect(text(html)).toContain('Réglez-les auprès du Trésor public');
  });

  it('un paiement au guichet poussé par un registre fait passer la facture dans « réglées »', async () => {
    await push(
      portal,
      portal.counter,
      ops(portal.counter, [
        {
          kind: 'payment',
          payload: paymentPayload(portal.counter, {
            amountCents: 4900,
            mode: 'especes',
            allocations: [{ invoiceNumber: n.due!, amountCents: 4900 }],
          }),
        },
      ]),
    );
    expect(card((await b.get('/famille/factures?regie=SCO&onglet=a-payer')).body, n.due!)).toBe('');
    expect(
      card((await b.get('/famille/factures?regie=SCO&onglet=reglees')).body, n.due!),
    ).toContain('Espèces');
  });

  it('ne montre ni ne sert les factures d’une autre famille', async () => {
    const other = await b.get(`/famille/factures/${n.other}.pdf`);
    expect(other.statusCode).toBe(404);
    expect(text(other.body)).toContain('Cette facture est introuvable dans votre espace');
    const anonymous = await portal.app.inject({
      method: 'GET',
      url: `/famille/factures/${n.due}.pdf`,
    });
    expect(anonymous.statusCode).toBe(303);
  });

  it('sert le PDF de la facture, relu avec pdf.js', async () => {
    const res = await b.get(`/famille/factures/${n.partial}.pdf`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    const pdf = await extractPdfText(new Uint8Array(res.rawPayload));
    for (const s of [
      'Ville de Test',
      `Facture n° ${n.partial}`,
      'Régie scolaire — Service Éducation',
      'Mme Anne Dupond',
      '3 rue des Écoles',
      '49100 Ville de Démo',
      'Code famille : DUP-00001',
      'À régler avant le : 04/04/2026',
      'Repas de cantine',
      'Montant total 100,00 €',
      'Déjà réglé 40,00 €',
      'Reste à payer 60,00 €',
      'Espèces',
    ])
      expect(printed(pdf, s), s).toBe(true);
    expect(pdf.info.title).toBe(`Facture ${n.partial}`);
  });
});

describe('compte, alertes, papier et messages', () => {
  it('enregistre au plus trois adresses d’alerte (refus clair, rien d’écrit au-delà)', async () => {
    await b.get('/famille/compte');
    for (const e of ['a@example.fr', 'b@example.fr', 'c@example.fr']) {
      const res = await b.post('/famille/compte/alertes', { alertEmail: e });
      expect(res.statusCode).toBe(303);
      await b.get('/famille/compte');
    }
    const page = await b.get('/famille/compte');
    expect(text(page.body)).toContain('Trois adresses sont déjà enregistrées');
    const fourth = await b.post('/famille/compte/alertes', { alertEmail: 'd@example.fr' });
    expect(fourth.statusCode).toBe(400);
    expect(text(fourth.body)).toContain('Trois adresses sont déjà enregistrées');
    expect(await portal.database.db.select().from(alertEmail)).toHaveLength(3);
    // The database holds the rule too, whatever the page does.
    const [fam] = await portal.database.db
      .select({ id: alertEmail.familyId })
      .from(alertEmail)
      .limit(1);
    await expect(
      portal.database.db.insert(alertEmail).values({ familyId: fam!.id, email: 'e@example.fr' }),
    ).rejects.toThrow();
    const bad = await b.post('/famille/compte/alertes', { alertEmail: 'pas une adresse' });
    expect(bad.statusCode).toBe(400);
  });

  it('envoie un e-mail d’alerte aux trois adresses quand une facture est importée', async () => {
    const before = mails(portal.mailDir).length;
    const number = await addInvoice(portal, { amountCents: 3100 });
    const queued = await portal.database.db.select().from(invoiceAlert);
    expect(queued).toHaveLength(1);
    const mailer = createMailer({ folder: portal.mailDir, from: 'test@example.fr' });
    const sent = await sendInvoiceAlerts(portal.database.db, mailer, {
      now: portal.clock.now(),
      portalUrl: 'https://famille.example.fr',
    });
    expect(sent).toBe(1);
    const mail = mails(portal.mailDir).slice(before);
    expect(mail).toHaveLength(1);
    expect(mail[0]).toMatch(/^To: a@example\.fr, b@example\.fr, c@example\.fr/m);
    expect(mail[0]!.replace(/=\r?\n/g, '')).toContain(number);
    // Sent once only.
    expect(
      await sendInvoiceAlerts(portal.database.db, mailer, {
        now: portal.clock.now(),
        portalUrl: '',
      }),
    ).toBe(0);
    // Invoices of families without alert addresses queue nothing.
    await addInvoice(portal, { amountCents: 100, family: 'MAR-00002' });
    expect(await portal.database.db.select().from(invoiceAlert)).toHaveLength(1);
  });

  it('renonce aux factures papier et prévient chaque service par un message', async () => {
    await b.get('/famille/compte');
    const res = await b.post('/famille/compte/papier', { paper: 'non' });
    expect(res.statusCode).toBe(303);
    const page = await b.get('/famille/compte?info=sans-papier');
    expect(text(page.body)).toContain('le service est prévenu');
    const [pref] = await portal.database.db.select().from(familyPreference);
    expect(pref?.paperOptOutAt?.toISOString()).toBe(portal.clock.now().toISOString());
    const msgs = await portal.database.db.select().from(familyMessage);
    expect(msgs.map((m) => m.subject)).toEqual([
      'Demande : ne plus recevoir les factures papier',
      'Demande : ne plus recevoir les factures papier',
    ]);
  });

  it('envoie un message au service, publié dans le flux pour les registres de la régie', async () => {
    const { cursor } = await pullAll(portal, portal.counter);
    await b.get('/famille/contact');
    const empty = await b.post('/famille/contact', { regieCode: 'SCO', subject: '', body: '' });
    expect(empty.statusCode).toBe(400);
    expect(text(empty.body)).toContain('Le champ « Objet » est obligatoire');
    const foreign = await b.post('/famille/contact', { regieCode: 'PEN', subject: 'x', body: 'y' });
    expect(foreign.statusCode).toBe(400);
    expect(text(foreign.body)).toContain('Choisissez un des services de la liste');
    const before = (await portal.database.db.select().from(familyMessage)).length;
    const ok = await b.post('/famille/contact', {
      regieCode: 'SCO',
      subject: 'Absence du 12 mars',
      body: `Bonjour, Léo était malade le 12 mars (facture ${n.due}). <b>Merci</b>`,
    });
    expect(ok.statusCode).toBe(303);
    expect(await portal.database.db.select().from(familyMessage)).toHaveLength(before + 1);
    const { changes } = await pullAll(portal, portal.counter, cursor);
    const published = changes.filter((c) => c.entity === 'family_message');
    const last = published.at(-1);
    expect(last?.data).toMatchObject({
      familyCode: 'DUP-00001',
      regieCode: 'SCO',
      subject: 'Absence du 12 mars',
      status: 'nouveau',
    });
    expect(String(last?.data?.body)).toContain('<b>Merci</b>');
    expect(latest(changes).size).toBeGreaterThan(0);
  });
});
