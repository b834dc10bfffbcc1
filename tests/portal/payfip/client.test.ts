// The PayFiP client on its own: every validation rule refuses in French before anything is
// sent, faults become typed errors, and answers carrying a DOCTYPE or entities are refused.
import { describe, expect, it } from 'vitest';
import {
  createPayfipClient,
  payfipDateParts,
  payfipInstant,
} from '../../../src/portal/payfip/client';
import { faultXml, PayfipFault, PayfipUnavailable } from '../../../src/portal/payfip/faults';
import { normaliseObjet, PayfipInputError } from '../../../src/portal/payfip/validate';
import { soapResponse } from '../../../src/portal/payfip/xml';

const valid = {
  numcli: '090909',
  exer: '2026',
  refdet: '2026SCO000123',
  montantCents: 4900,
  mel: 'anne.dupond@example.fr',
  objet: 'Cantine de mars',
  saisie: 'T' as const,
  urlnotif: 'https://portail.example.fr/payfip/notification',
  urlredirect: 'https://portail.example.fr/payfip/retour',
};

/** A fetch that records requests and answers with the given status and body. */
function fakeFetch(status: number, body: string) {
  const calls: { url: string; body: string; headers: Record<string, string> }[] = [];
  const f = (async (url: string | URL | Request, init?: RequestInit) => {
    calls.push({
      url: String(url),
      body: String(init?.body ?? ''),
      headers: init?.headers as Record<string, string>,
    });
    return new Response(body, { status, headers: { 'content-type': 'text/xml' } });
  }) as typeof fetch;
  return { f, calls };
}

describe('client PayFiP : validation avant appel', () => {
  const cases: [string, Record<string, unknown>, RegExp][] = [
    ['refdet trop court', { refdet: 'AB12' }, /refdet\) doit compter de 6 à 30/],
    ['refdet trop long', { refdet: 'A'.repeat(31) }, /refdet\) doit compter de 6 à 30/],
    ['refdet avec tiret', { refdet: '2026-SCO-1' }, /sans espace ni tiret/],
    ['montant sous 1 €', { montantCents: 99 }, /au moins 1,00 €/],
    ['montant non entier', { montantCents: 49.5 }, /entier de centimes/],
    ['montant trop grand', { montantCents: 10_000_001 }, /100 000,00 €/],
    ['mel sans @', { mel: 'anne.example.fr' }, /un @ est attendu/],
    ['mel trop court', { mel: 'a@b.f' }, /trop courte/],
    ['mel trop long', { mel: `${'a'.repeat(75)}@ex.fr` }, /80 caractères/],
    ['numcli à 5 chiffres', { numcli: '90909' }, /exactement 6 chiffres/],
    ['numcli avec lettre', { numcli: '09090A' }, /exactement 6 chiffres/],
    ['exer sur 2 chiffres', { exer: '26' }, /année sur 4 chiffres/],
    ['saisie inconnue', { saisie: 'Q' }, /T \(test\), X \(activation\) ou W/],
    ['urlnotif invalide', { urlnotif: 'javascript:alert(1)' }, /Adresse de notification invalide/],
  ];
  for (const [name, change, message] of cases) {
    it(`refuse ${name}, en français, sans rien envoyer`, async () => {
      const { f, calls } = fakeFetch(200, '');
      const client = createPayfipClient({ endpoint: 'http://127.0.0.1:1/x', fetch: f });
      const err = await client
        .creerPaiementSecurise({ ...valid, ...change } as typeof valid)
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(PayfipInputError);
      expect((err as Error).message).toMatch(message);
      expect(calls).toHaveLength(0);
    });
  }

  it('normalise l’objet : accents, apostrophes, tirets, barres, espaces, 100 caractères', () => {
    expect(normaliseObjet("Cantine d'Élodie – février/mars  2026 œuvre")).toBe(
      'Cantine d Elodie fevrier mars 2026 oeuvre',
    );
    expect(normaliseObjet('é'.repeat(150))).toBe('e'.repeat(100));
    expect(normaliseObjet('<script>&amp;')).toBe('script amp');
  });

  it('envoie une enveloppe SOAP document/literal avec les champs échappés et lit l’idOp', async () => {
    const { f, calls } = fakeFetch(
      200,
      soapResponse('creerPaiementSecurise', [['idOp', 'cc0cb210-1cd4-11ea-8cca-0213ad91a103']]),
    );
    const client = createPayfipClient({
      endpoint: 'http://127.0.0.1:1/tpa/services/securite',
      fetch: f,
    });
    const idop = await client.creerPaiementSecurise({
      ...valid,
      urlredirect: 'https://portail.example.fr/payfip/retour?a=1&b=<2>',
    });
    expect(idop).toBe('cc0cb210-1cd4-11ea-8cca-0213ad91a103');
    const sent = calls[0]!;
    expect(sent.headers['content-type']).toBe('text/xml; charset=utf-8');
    expect(sent.headers.soapaction).toBe('""');
    expect(sent.body).toContain(
      'xmlns:tns="http://securite.service.tpa.cp.finances.gouv.fr/services/mas_securite/contrat_paiement_securise/PaiementSecuriseService"',
    );
    expect(sent.body).toContain('<tns:creerPaiementSecurise');
    expect(sent.body).toContain('<montant>4900</montant><numcli>090909</numcli>');
    expect(sent.body).toContain('retour?a=1&amp;b=&lt;2&gt;</urlredirect>');
    expect(client.paymentPageUrl(idop)).toBe(
      'http://127.0.0.1:1/tpa/paiementws.web?idop=cc0cb210-1cd4-11ea-8cca-0213ad91a103',
    );
  });
});

describe('client PayFiP : fautes SOAP et réponses refusées', () => {
  const call = async (status: number, body: string) => {
    const { f } = fakeFetch(status, body);
    const client = createPayfipClient({ endpoint: 'http://127.0.0.1:1/x', fetch: f });
    return client
      .recupererDetailPaiementSecurise('cc0cb210-1cd4-11ea-8cca-0213ad91a103')
      .catch((e: unknown) => e);
  };

  for (const [code, message] of [
    ['P1', /ne connaît pas cette opération/],
    ['P5', /encore en cours/],
    ['R3', /refuse la référence/],
    ['A2', /refuse l’adresse électronique/],
  ] as const) {
    it(`lit la faute fonctionnelle ${code}`, async () => {
      const err = await call(500, faultXml(code));
      expect(err).toBeInstanceOf(PayfipFault);
      expect(err).toMatchObject({ code, kind: 'fonctionnelle', type: 'FonctionnelleErreur' });
      expect((err as Error).message).toMatch(message);
    });
  }

  it('lit une faute technique (indisponibilité) comme technique, en français', async () => {
    const err = await call(
      500,
      faultXml('T9', { type: 'TechIndisponibiliteErreur', descriptif: 'Service indisponible' }),
    );
    expect(err).toMatchObject({ code: 'T9', kind: 'technique', type: 'TechIndisponibiliteErreur' });
    expect((err as Error).message).toMatch(/difficulté technique \(T9\).*rien n’a été payé/);
  });

  it('refuse une réponse qui contient un DOCTYPE ou une entité', async () => {
    const bomb = `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;">]><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><x>&lol2;</x></soap:Body></soap:Envelope>`;
    const err = await call(200, bomb);
    expect(err).toBeInstanceOf(PayfipUnavailable);
    expect((err as PayfipUnavailable).detail).toMatch(/DOCTYPE/);
  });

  it('n’étend aucune entité inconnue et décode les entités prédéfinies', async () => {
    const body = soapResponse('recupererDetailPaiementSecurise', [
      ['idOp', 'cc0cb210-1cd4-11ea-8cca-0213ad91a103'],
      ['montant', '4900'],
      ['resultrans', 'P'],
      ['numauto', '112233445566-tip'],
      ['objet', 'A & B'],
      ['mel', '&foo;@x.fr'],
      ['dattrans', '12122019'],
      ['heurtrans', '1311'],
      ['numcli', '004200'],
    ]).replace('&amp;foo;', '&foo;');
    const d = await call(200, body);
    expect(d).toMatchObject({
      montantCents: 4900,
      resultrans: 'P',
      numauto: '112233445566-tip',
      objet: 'A & B',
      mel: '&foo;@x.fr',
      numcli: '004200',
    });
  });

  it('une réponse HTTP sans SOAP ou un délai dépassé sont « indisponible »', async () => {
    expect(await call(502, '<html>Bad gateway</html>')).toBeInstanceOf(PayfipUnavailable);
    const slow = (async (_u: unknown, init?: RequestInit) =>
      new Promise((_r, reject) =>
        init?.signal?.addEventListener('abort', () => reject(init.signal?.reason)),
      )) as typeof fetch;
    const client = createPayfipClient({
      endpoint: 'http://127.0.0.1:1/x',
      fetch: slow,
      timeoutMs: 50,
    });
    const err = await client.recupererDetailPaiementSecurise('abc-123').catch((e: unknown) => e);
    expect(err).toMatchObject({ reason: 'delai' });
    expect((err as Error).message).toMatch(/pas répondu à temps/);
  });

  it('heure française : 12122019 1311 est 12:11 UTC en hiver, et retour', () => {
    expect(payfipInstant('12122019', '1311')?.toISOString()).toBe('2019-12-12T12:11:00.000Z');
    expect(payfipInstant('01072026', '0930')?.toISOString()).toBe('2026-07-01T07:30:00.000Z');
    expect(payfipDateParts(new Date('2026-07-01T07:30:00Z'))).toEqual({
      dattrans: '01072026',
      heurtrans: '0930',
    });
    expect(payfipInstant('3212201', '1311')).toBeNull();
  });
});
