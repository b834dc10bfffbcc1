// The sandbox against PayFiP's behaviour (payfip.md), through the real client over HTTP: each
// fault code of creerPaiementSecurise, the 15-minute window (clock injected), P5 while in
// progress, P3 on reuse, P1 for unknown and cleaned-up ids, notifications once, twice, late,
// never.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPayfipClient } from '../../../src/portal/payfip/client';
import { PayfipFault } from '../../../src/portal/payfip/faults';
import { startSandbox, type SandboxApp } from '../../../src/portal/payfip/sandbox/server';
import { clock } from '../helpers/portal-fixture';
import { payerChooses } from './payfip-fixture';

const c = clock();
let sb: SandboxApp;
let notified: string[] = [];
let receiver: Server;
let notifUrl = '';

beforeAll(async () => {
  sb = await startSandbox({ now: c.now });
  receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      notified.push(body);
      res.end('OK');
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  notifUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/payfip/notification`;
});
afterAll(async () => {
  await sb?.close();
  receiver?.close();
});

const base = () => ({
  numcli: '090909',
  exer: '2026',
  refdet: '2026SCO000001',
  montant: '4900',
  mel: 'anne@example.fr',
  objet: 'Cantine',
  saisie: 'T',
  urlnotif: notifUrl,
  urlredirect: 'http://127.0.0.1:1/payfip/retour',
});

/** Raw SOAP creation through the sandbox's HTTP endpoint, without client-side validation. */
async function rawCreate(fields: Record<string, string>) {
  const args = Object.entries(fields)
    .map(([k, v]) => `<${k}>${v}</${k}>`)
    .join('');
  const res = await fetch(sb.endpoint, {
    method: 'POST',
    headers: { 'content-type': 'text/xml; charset=utf-8', soapaction: '""' },
    body: `<?xml version="1.0"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><t:creerPaiementSecurise xmlns:t="x"><arg0>${args}</arg0></t:creerPaiementSecurise></soap:Body></soap:Envelope>`,
  });
  return { status: res.status, text: await res.text() };
}

describe('bac à sable PayFiP', () => {
  const client = () => createPayfipClient({ endpoint: sb.endpoint });
  const create = () =>
    client().creerPaiementSecurise({ ...base(), montantCents: 4900, saisie: 'T' });

  for (const [change, code] of [
    [{ refdet: 'AB12' }, 'R3'],
    [{ refdet: '' }, 'R1'],
    [{ mel: 'anne.example.fr' }, 'A2'],
    [{ mel: '' }, 'A1'],
    [{ montant: '99' }, 'M3'],
    [{ montant: '' }, 'M1'],
    [{ montant: '10000001' }, 'M5'],
    [{ numcli: '9090' }, 'T1'],
    [{ exer: '26' }, 'E1'],
    [{ saisie: 'Q' }, 'S1'],
    [{ objet: 'Cantine-été' }, 'O1'],
    [{ urlnotif: 'pas une url' }, 'N1'],
    [{ urlredirect: '' }, 'D1'],
  ] as [Record<string, string>, string][]) {
    it(`creerPaiementSecurise : faute ${code} (HTTP 500, FonctionnelleErreur)`, async () => {
      const r = await rawCreate({ ...base(), ...change });
      expect(r.status).toBe(500);
      expect(r.text).toContain('fr.gouv.finances.cp.tpa.webservice.exceptions.FonctionnelleErreur');
      expect(r.text).toContain(`<code>${code}</code>`);
    });
  }

  it('refuse une requête avec DOCTYPE (faute technique protocolaire)', async () => {
    const res = await fetch(sb.endpoint, {
      method: 'POST',
      headers: { 'content-type': 'text/xml' },
      body: '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e "e">]><x>&e;</x>',
    });
    expect(res.status).toBe(500);
    expect(await res.text()).toContain('TechProtocolaireErreur');
  });

  it('P5 tant que le payeur n’a pas choisi, P3 à la seconde ouverture, détail après choix', async () => {
    notified = [];
    const idop = await create();
    expect(idop).toMatch(/^[0-9a-f-]{36}$/);
    await expect(client().recupererDetailPaiementSecurise(idop)).rejects.toMatchObject({
      code: 'P5',
    });
    const page = await fetch(`${sb.url}/tpa/paiementws.web?idop=${idop}`);
    const html = await page.text();
    expect(html).toContain('49,00');
    for (const r of ['P', 'V', 'R', 'Z', 'A']) expect(html).toContain(`value="${r}"`);
    await expect(client().recupererDetailPaiementSecurise(idop)).rejects.toMatchObject({
      code: 'P5',
    });
    const second = await fetch(`${sb.url}/tpa/paiementws.web?idop=${idop}`);
    expect(second.status).toBe(400);
    expect(await second.text()).toContain('code P3');
    const jeton = /name="jeton" value="([^"]+)"/.exec(html)?.[1] ?? '';
    const choice = await fetch(`${sb.url}/tpa/paiementws.web`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ idop, jeton, resultrans: 'P' }).toString(),
    });
    expect(choice.status).toBe(200);
    expect(await choice.text()).toContain(`payfip/retour?idop=${idop}`);
    const d = await client().recupererDetailPaiementSecurise(idop);
    expect(d).toMatchObject({
      resultrans: 'P',
      montantCents: 4900,
      refdet: '2026SCO000001',
      numcli: '090909',
    });
    expect(d.numauto).toMatch(/^\d{12}-tip$/);
    expect(d.dattrans).toBe('10032026');
    expect(d.heurtrans).toBe('1000');
    // A second choice on the same page is refused.
    const again = await fetch(`${sb.url}/tpa/paiementws.web`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ idop, jeton, resultrans: 'R' }).toString(),
    });
    expect(again.status).toBe(400);
    expect((await client().recupererDetailPaiementSecurise(idop)).resultrans).toBe('P');
    await sb.sandbox.idle();
    expect(notified).toEqual([`idop=${idop}`]);
  });

  it('fenêtre de 15 minutes : P4 à l’ouverture, P1 ensuite pour une page jamais ouverte', async () => {
    const idop = await create();
    c.advance(15 * 60_000 + 1);
    const page = await fetch(`${sb.url}/tpa/paiementws.web?idop=${idop}`);
    expect(page.status).toBe(400);
    expect(await page.text()).toContain('code P4');
    await expect(client().recupererDetailPaiementSecurise(idop)).rejects.toMatchObject({
      code: 'P1',
    });
  });

  it('P1 pour un idOp inconnu, et après le nettoyage', async () => {
    const err = await client()
      .recupererDetailPaiementSecurise('00000000-0000-0000-0000-000000000000')
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PayfipFault);
    expect(err).toMatchObject({ code: 'P1', kind: 'fonctionnelle' });
    const idop = await create();
    c.advance(60_000);
    const res = await fetch(`${sb.url}/sandbox/cleanup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ olderThanMinutes: 0 }),
    });
    expect(((await res.json()) as { forgotten: number }).forgotten).toBeGreaterThanOrEqual(1);
    await expect(client().recupererDetailPaiementSecurise(idop)).rejects.toMatchObject({
      code: 'P1',
    });
  });

  it('notifications : deux fois, en retard, jamais (par opération ou par instance)', async () => {
    const run = async (plan: Record<string, unknown>) => {
      notified = [];
      const idop = await create();
      const res = await fetch(`${sb.url}/sandbox/notifications`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ ...plan, idop }),
      });
      expect(res.status).toBe(200);
      await payerChooses(`${sb.url}/tpa/paiementws.web?idop=${idop}`, 'P');
      return idop;
    };
    const twice = await run({ mode: 'twice' });
    await sb.sandbox.idle();
    expect(notified).toEqual([`idop=${twice}`, `idop=${twice}`]);

    const late = await run({ mode: 'late', delayMs: 250 });
    expect(notified).toEqual([]);
    const t0 = Date.now();
    await sb.sandbox.idle();
    expect(Date.now() - t0).toBeGreaterThanOrEqual(150);
    expect(notified).toEqual([`idop=${late}`]);

    await run({ mode: 'never' });
    await sb.sandbox.idle();
    expect(notified).toEqual([]);

    sb.sandbox.setNotification({ mode: 'never' });
    notified = [];
    const idop = await create();
    await payerChooses(`${sb.url}/tpa/paiementws.web?idop=${idop}`, 'R');
    await sb.sandbox.idle();
    expect(notified).toEqual([]);
    sb.sandbox.setNotification({ mode: 'once' });
  });

  it('recupererDetailClient répond pour un numcli de 6 chiffres', async () => {
    expect(await client().recupererDetailClient('090909')).toMatchObject({ numcli: '090909' });
  });
});
