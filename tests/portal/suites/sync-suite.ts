// The sync protocol's behaviour, defined once and run on PGlite (sync.pglite.test.ts) and on a
// real PostgreSQL server (sync.pg.test.ts). One database per file; each test makes its own
// counters and invoices so that tests do not depend on one another.
import { randomUUID } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  issueEnrolmentCode,
  revokeCounter,
  createCounter,
} from '../../../src/portal/counters/admin';
import type { DatabaseTarget } from '../../../src/portal/db/open';
import {
  counter,
  counterOp,
  counterPayment,
  enrolmentCode,
  family,
  invoice,
} from '../../../src/portal/db/schema';
import { rows } from '../../../src/portal/db/sql';
import {
  finishOnlinePayment,
  startOnlinePayment,
} from '../../../src/portal/online/online-payments';
import { importBundle, setInvoiceStatus } from '../../../src/portal/ordonnateur/import';
import type {
  ChangesResponse,
  CounterInfo,
  OpResult,
  ProtocolError,
} from '../../../src/shared/sync/schemas';
import {
  ADMIN_TOKEN,
  agent,
  addInvoice,
  baseBundle,
  codeSha256,
  enrolNewCounter,
  latest,
  ops,
  paymentPayload,
  pullAll,
  push,
  seedBase,
  signed,
  T0,
  openTestPortal,
  type TestCounter,
  type TestPortal,
} from '../helpers/portal-fixture';

export function defineSyncSuite(
  label: string,
  expectedKind: DatabaseTarget['kind'],
  target: () => Promise<DatabaseTarget | null>,
  skipReason?: string,
) {
  const suite = skipReason ? describe.skip : describe;
  suite(`${label}${skipReason ? ` — ignoré : ${skipReason}` : ''}`, () => {
    let portal: TestPortal;

    beforeAll(async () => {
      const t = await target();
      if (!t) throw new Error('aucune base de test');
      portal = await openTestPortal(t);
      await seedBase(portal);
    });
    afterAll(async () => {
      await portal?.close();
    });

    const paidOf = async (number: string) => {
      const [row] = await portal.database.db
        .select({
          paid: invoice.paidCents,
          counters: invoice.countersPaidCents,
          online: invoice.onlinePaidCents,
        })
        .from(invoice)
        .where(eq(invoice.number, number));
      return row;
    };
    const lastSeqOf = async (c: TestCounter) =>
      (
        await portal.database.db
          .select({ s: counter.lastSeq })
          .from(counter)
          .where(eq(counter.id, c.counterId))
      )[0]?.s;
    const opCount = async (c: TestCounter) =>
      (
        await rows<{ n: number }>(
          portal.database.db,
          sql`SELECT count(*)::int AS n FROM counter_op WHERE counter_id = ${c.counterId}`,
        )
      )[0]?.n;
    const errorOf = (res: { json: <T>() => T }) => res.json<ProtocolError>();

    it('tourne sur la base annoncée', async () => {
      const [row] = await rows<{ v: string }>(portal.database.db, sql`SELECT version() AS v`);
      expect(portal.database.kind).toBe(expectedKind);
      expect(row?.v.includes('PGlite')).toBe(expectedKind === 'pglite');
    });

    // -----------------------------------------------------------------------------------------
    describe('enrôlement', () => {
      it('échange un code à usage unique contre un identifiant et un secret ; un second usage est refusé', async () => {
        const posteCode = 'E01';
        const issued = await createCounter(
          portal.database.db,
          { posteCode, name: 'Accueil piscine', regies: ['SPO'] },
          'test',
          portal.clock.now(),
        );
        expect(issued.code).toMatch(/^[A-HJKMNP-Z2-9]{4}(-[A-HJKMNP-Z2-9]{4}){3}$/);
        const stored = await portal.database.db
          .select()
          .from(enrolmentCode)
          .where(eq(enrolmentCode.counterId, issued.counterId));
        expect(stored).toHaveLength(1);
        expect(stored[0]?.codeHash).toMatch(/^[0-9a-f]{64}$/);
        expect(JSON.stringify(stored)).not.toContain(issued.code.replace(/-/g, ''));

        // Typed in lower case with spaces: the code is normalised.
        const typed = issued.code.toLowerCase().replace(/-/g, ' ');
        const first = await portal.app.inject({
          method: 'POST',
          url: '/sync/v1/enrol',
          payload: { code: typed },
        });
        expect(first.statusCode).toBe(200);
        const body = first.json<{
          counterId: string;
          secret: string;
          posteCode: string;
          regies: { code: string }[];
          lastSeq: number;
        }>();
        expect(body.counterId).toBe(issued.counterId);
        expect(body.posteCode).toBe(posteCode);
        expect(body.regies.map((r) => r.code)).toEqual(['SPO']);
        expect(Buffer.from(body.secret, 'base64url')).toHaveLength(32);
        expect(body.lastSeq).toBe(0);

        const again = await portal.app.inject({
          method: 'POST',
          url: '/sync/v1/enrol',
          payload: { code: issued.code },
        });
        expect(again.statusCode).toBe(401);
        expect(errorOf(again)).toMatchObject({ code: 'CODE_DEJA_UTILISE' });
        expect(errorOf(again).message).toMatch(/déjà servi/);

        const info = await signed(portal, body, 'GET', '/sync/v1/counter');
        expect(info.statusCode).toBe(200);
        expect(info.json<CounterInfo>()).toMatchObject({ posteCode, status: 'actif', lastSeq: 0 });
      });

      it('refuse un code expiré, un code inconnu et un code remplacé, sans rien changer', async () => {
        const issued = await createCounter(
          portal.database.db,
          { posteCode: 'E02', name: 'Poste E02' },
          'test',
          portal.clock.now(),
        );
        portal.clock.advance(24 * 3600_000 + 1000);
        try {
          const expired = await portal.app.inject({
            method: 'POST',
            url: '/sync/v1/enrol',
            payload: { code: issued.code },
          });
          expect(expired.statusCode).toBe(401);
          expect(errorOf(expired).code).toBe('CODE_EXPIRE');
          const [c] = await portal.database.db
            .select()
            .from(counter)
            .where(eq(counter.id, issued.counterId));
          expect(c?.status).toBe('en_attente');
          expect(c?.secretVersion).toBe(0);

          const unknown = await portal.app.inject({
            method: 'POST',
            url: '/sync/v1/enrol',
            payload: { code: 'ABCD-EFGH-JKMN-PQRS' },
          });
          expect(unknown.statusCode).toBe(401);
          expect(errorOf(unknown).code).toBe('CODE_INVALIDE');

          const second = await issueEnrolmentCode(
            portal.database.db,
            'E02',
            'test',
            portal.clock.now(),
          );
          const third = await issueEnrolmentCode(
            portal.database.db,
            'E02',
            'test',
            portal.clock.now(),
          );
          const superseded = await portal.app.inject({
            method: 'POST',
            url: '/sync/v1/enrol',
            payload: { code: second.code },
          });
          expect(errorOf(superseded).code).toBe('CODE_REMPLACE');
          const ok = await portal.app.inject({
            method: 'POST',
            url: '/sync/v1/enrol',
            payload: { code: third.code },
          });
          expect(ok.statusCode).toBe(200);
        } finally {
          portal.clock.set(T0);
        }
      });

      it('un ré-enrôlement (ordinateur remplacé) invalide l’ancien secret et donne la séquence atteinte', async () => {
        const old = await enrolNewCounter(portal);
        const inv = await addInvoice(portal, { amountCents: 1000 });
        await push(
          portal,
          old,
          ops(old, [
            {
              kind: 'payment',
              payload: paymentPayload(old, {
                amountCents: 1000,
                allocations: [{ invoiceNumber: inv, amountCents: 1000 }],
              }),
            },
          ]),
        );
        const code = await issueEnrolmentCode(
          portal.database.db,
          old.posteCode,
          'test',
          portal.clock.now(),
        );
        const res = await portal.app.inject({
          method: 'POST',
          url: '/sync/v1/enrol',
          payload: { code: code.code },
        });
        const fresh = res.json<{ counterId: string; secret: string; lastSeq: number }>();
        expect(fresh.counterId).toBe(old.counterId);
        expect(fresh.secret).not.toBe(old.secret);
        expect(fresh.lastSeq).toBe(1);
        const withOld = await signed(portal, old, 'GET', '/sync/v1/counter');
        expect(withOld.statusCode).toBe(401);
        expect(errorOf(withOld).code).toBe('SIGNATURE_INVALIDE');
        expect((await signed(portal, fresh, 'GET', '/sync/v1/counter')).statusCode).toBe(200);
      });

      it('l’API d’administration crée un poste avec le jeton, et refuse sans lui', async () => {
        const denied = await portal.app.inject({
          method: 'POST',
          url: '/admin/v1/counters',
          payload: { posteCode: 'A01', name: 'Poste A01' },
        });
        expect(denied.statusCode).toBe(401);
        expect(errorOf(denied).code).toBe('ADMIN_NON_AUTORISE');
        const res = await portal.app.inject({
          method: 'POST',
          url: '/admin/v1/counters',
          headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
          payload: { posteCode: 'a01', name: 'Poste A01', regies: ['SCO'] },
        });
        expect(res.statusCode).toBe(201);
        expect(res.json<{ posteCode: string; code: string }>().posteCode).toBe('A01');
        const dup = await portal.app.inject({
          method: 'POST',
          url: '/admin/v1/counters',
          headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
          payload: { posteCode: 'A01', name: 'Autre' },
        });
        expect(dup.statusCode).toBe(409);
        expect(errorOf(dup).message).toMatch(/existe déjà/);
        const badRegie = await portal.app.inject({
          method: 'POST',
          url: '/admin/v1/counters',
          headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
          payload: { posteCode: 'A02', name: 'Poste A02', regies: ['XYZ'] },
        });
        expect(badRegie.statusCode).toBe(404);
        expect(
          await portal.database.db.select().from(counter).where(eq(counter.posteCode, 'A02')),
        ).toHaveLength(0);
      });
    });

    // -----------------------------------------------------------------------------------------
    describe('signature des requêtes', () => {
      let c: TestCounter;
      beforeAll(async () => {
        c = await enrolNewCounter(portal);
      });

      it('refuse une requête sans signature, avec une mauvaise signature ou un corps modifié', async () => {
        const bare = await portal.app.inject({ method: 'GET', url: '/sync/v1/counter' });
        expect(bare.statusCode).toBe(401);
        expect(errorOf(bare)).toMatchObject({ code: 'SIGNATURE_MANQUANTE' });

        const wrongSecret = await signed(portal, c, 'GET', '/sync/v1/counter', undefined, {
          secret: Buffer.alloc(32, 1).toString('base64url'),
        });
        expect(wrongSecret.statusCode).toBe(401);
        expect(errorOf(wrongSecret).code).toBe('SIGNATURE_INVALIDE');

        const inv = await addInvoice(portal, { amountCents: 500 });
        const wire = ops(c, [
          {
            kind: 'payment',
            payload: paymentPayload(c, {
              amountCents: 500,
              allocations: [{ invoiceNumber: inv, amountCents: 500 }],
            }),
          },
        ]);
        const tampered = JSON.stringify({ ops: wire }).replace(
          '"amountCents":500',
          '"amountCents":5',
        );
        const res = await signed(
          portal,
          c,
          'POST',
          '/sync/v1/push',
          { ops: wire },
          { sendBody: tampered },
        );
        expect(res.statusCode).toBe(401);
        expect(errorOf(res).code).toBe('SIGNATURE_INVALIDE');
        expect(await lastSeqOf(c)).toBe(0);
        expect((await paidOf(inv))?.paid).toBe(0);
        c.seq = 0;

        // The query string is signed too.
        const headersFor = await signed(portal, c, 'GET', '/sync/v1/changes?cursor=0');
        expect(headersFor.statusCode).toBe(200);
      });

      it('refuse un horodatage hors de la fenêtre de 5 minutes, et accepte juste dedans', async () => {
        const old = await signed(portal, c, 'GET', '/sync/v1/counter', undefined, {
          now: new Date(T0.getTime() - 301_000),
        });
        expect(old.statusCode).toBe(401);
        const body = errorOf(old);
        expect(body.code).toBe('HORODATAGE_HORS_FENETRE');
        expect(body.message).toMatch(/horloge/);
        expect(body.details?.serverTime).toBe(T0.toISOString());
        const future = await signed(portal, c, 'GET', '/sync/v1/counter', undefined, {
          now: new Date(T0.getTime() + 301_000),
        });
        expect(future.statusCode).toBe(401);
        const inside = await signed(portal, c, 'GET', '/sync/v1/counter', undefined, {
          now: new Date(T0.getTime() - 290_000),
        });
        expect(inside.statusCode).toBe(200);
      });

      it('refuse le rejeu d’un nonce, même pour une requête valide par ailleurs', async () => {
        const nonce = 'nonce-unique-0123456789';
        const first = await signed(portal, c, 'GET', '/sync/v1/counter', undefined, { nonce });
        expect(first.statusCode).toBe(200);
        const replay = await signed(portal, c, 'GET', '/sync/v1/counter', undefined, { nonce });
        expect(replay.statusCode).toBe(401);
        expect(errorOf(replay).code).toBe('NONCE_REJOUE');
      });

      it('refuse un poste inconnu (401) et un poste révoqué (403), en poussée comme en lecture', async () => {
        const ghost = await signed(
          portal,
          { counterId: randomUUID(), secret: c.secret },
          'GET',
          '/sync/v1/counter',
        );
        expect(ghost.statusCode).toBe(401);
        expect(errorOf(ghost).code).toBe('POSTE_INCONNU');

        const doomed = await enrolNewCounter(portal);
        await revokeCounter(
          portal.database.db,
          doomed.posteCode,
          'Ordinateur volé',
          'test',
          portal.clock.now(),
        );
        const pull = await signed(portal, doomed, 'GET', '/sync/v1/changes');
        expect(pull.statusCode).toBe(403);
        expect(errorOf(pull)).toMatchObject({ code: 'POSTE_REVOQUE' });
        expect(errorOf(pull).message).toMatch(/révoqué/);
        const inv = await addInvoice(portal, { amountCents: 700 });
        const res = await signed(portal, doomed, 'POST', '/sync/v1/push', {
          ops: ops(doomed, [
            {
              kind: 'payment',
              payload: paymentPayload(doomed, {
                amountCents: 700,
                allocations: [{ invoiceNumber: inv, amountCents: 700 }],
              }),
            },
          ]),
        });
        expect(res.statusCode).toBe(403);
        expect((await paidOf(inv))?.paid).toBe(0);
        await expect(
          issueEnrolmentCode(portal.database.db, doomed.posteCode, 'test', portal.clock.now()),
        ).rejects.toMatchObject({ code: 'POSTE_REVOQUE' });
      });
    });

    // -----------------------------------------------------------------------------------------
    describe('poussée (push)', () => {
      it('applique une opération une seule fois : le même lot envoyé deux fois répond « duplicate » à l’identique', async () => {
        const c = await enrolNewCounter(portal);
        const inv = await addInvoice(portal, { amountCents: 4900 });
        const wire = ops(c, [
          {
            kind: 'payment',
            payload: paymentPayload(c, {
              amountCents: 3000,
              allocations: [{ invoiceNumber: inv, amountCents: 3000 }],
            }),
          },
        ]);
        const first = await push(portal, c, wire);
        expect(first.results).toEqual([
          { opId: wire[0]?.opId, seq: 1, status: 'applied', effects: { flags: [], conflicts: [] } },
        ]);
        expect(first.lastSeq).toBe(1);
        const second = await push(portal, c, wire);
        expect(second.results[0]).toMatchObject({
          status: 'duplicate',
          original: 'applied',
          effects: { flags: [], conflicts: [] },
        });
        expect(await paidOf(inv)).toMatchObject({ paid: 3000, counters: 3000 });
        const payments = await portal.database.db
          .select()
          .from(counterPayment)
          .where(eq(counterPayment.counterId, c.counterId));
        expect(payments).toHaveLength(1);
      });

      it('met en attente les opérations après un trou de séquence, sans les enregistrer', async () => {
        const c = await enrolNewCounter(portal);
        const inv = await addInvoice(portal, { amountCents: 9000 });
        const pay = (n: number) => ({
          kind: 'payment' as const,
          payload: paymentPayload(c, {
            amountCents: n,
            allocations: [{ invoiceNumber: inv, amountCents: n }],
          }),
        });
        const wire = ops(c, [pay(1000), pay(2000), pay(3000)]);
        const late = await push(portal, c, [wire[1]!, wire[2]!]);
        expect(late.results.map((r) => r.status)).toEqual(['held', 'held']);
        expect(late.results[0]).toMatchObject({ code: 'SEQUENCE_MANQUANTE' });
        expect((late.results[0] as Extract<OpResult, { status: 'held' }>).message).toMatch(/n°1/);
        expect(late.lastSeq).toBe(0);
        expect(await opCount(c)).toBe(0);
        expect((await paidOf(inv))?.paid).toBe(0);
        // Out of order inside one batch is fine: the portal sorts by seq.
        const all = await push(portal, c, [wire[2]!, wire[0]!, wire[1]!]);
        expect(all.results.map((r) => [r.seq, r.status])).toEqual([
          [1, 'applied'],
          [2, 'applied'],
          [3, 'applied'],
        ]);
        expect((await paidOf(inv))?.paid).toBe(6000);
      });

      it('deux lots entremêlés du même poste (un renvoi qui double le premier) appliquent chaque opération une fois', async () => {
        const c = await enrolNewCounter(portal);
        const inv = await addInvoice(portal, { amountCents: 50000 });
        const wire = ops(
          c,
          [1, 2, 3, 4, 5, 6].map((n) => ({
            kind: 'payment' as const,
            payload: paymentPayload(c, {
              amountCents: n * 100,
              allocations: [{ invoiceNumber: inv, amountCents: n * 100 }],
            }),
          })),
        );
        const [a, b, d] = await Promise.all([
          push(portal, c, wire.slice(0, 4)),
          push(portal, c, wire.slice(2, 6)),
          push(portal, c, wire),
        ]);
        const applied = [...a.results, ...b.results, ...d.results]
          .filter((r) => r.status === 'applied')
          .map((r) => r.seq);
        expect(applied.sort()).toEqual([1, 2, 3, 4, 5, 6]);
        for (const r of [...a.results, ...b.results, ...d.results])
          expect(['applied', 'duplicate', 'held']).toContain(r.status);
        // Whatever was held is then delivered by a retry, exactly once.
        const retry = await push(portal, c, wire);
        expect(retry.results.every((r) => r.status === 'duplicate')).toBe(true);
        expect((await paidOf(inv))?.paid).toBe(2100);
        expect(await opCount(c)).toBe(6);
      });

      it('enregistre une opération refusée avec son motif, ne la perd jamais et ne bloque pas les suivantes', async () => {
        const c = await enrolNewCounter(portal);
        const inv = await addInvoice(portal, { amountCents: 2000 });
        const wire = ops(c, [
          {
            kind: 'payment',
            payload: paymentPayload(c, {
              amountCents: 1500,
              allocations: [{ invoiceNumber: '2026-SCO-999999', amountCents: 1500 }],
            }),
          },
          {
            kind: 'payment',
            payload: paymentPayload(c, {
              amountCents: 2000,
              allocations: [{ invoiceNumber: inv, amountCents: 2000 }],
            }),
          },
          {
            kind: 'payment',
            payload: {
              ...paymentPayload(c, { amountCents: 100, allocations: [] }),
              amountCents: -5,
            },
          },
        ]);
        const res = await push(portal, c, wire);
        expect(res.results[0]).toMatchObject({ status: 'rejected', code: 'FACTURE_INCONNUE' });
        expect((res.results[0] as Extract<OpResult, { status: 'rejected' }>).message).toMatch(
          /Facture 2026-SCO-999999 inconnue/,
        );
        expect(res.results[1]).toMatchObject({ status: 'applied' });
        expect(res.results[2]).toMatchObject({ status: 'rejected', code: 'VALIDATION' });
        expect(res.lastSeq).toBe(3);
        expect((await paidOf(inv))?.paid).toBe(2000);
        // Nothing of the refused payment was written, but the operation itself is kept.
        const kept = await portal.database.db
          .select()
          .from(counterOp)
          .where(eq(counterOp.opId, wire[0]!.opId));
        expect(kept[0]).toMatchObject({ status: 'rejected', code: 'FACTURE_INCONNUE', seq: 1 });
        expect(kept[0]?.payload).toMatchObject({
          receiptNumber: (wire[0]!.payload as { receiptNumber: string }).receiptNumber,
        });
        const listed = await portal.app.inject({
          method: 'GET',
          url: '/admin/v1/rejected-ops',
          headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
        });
        expect(
          listed.json<{ rejected: { opId: string }[] }>().rejected.map((r) => r.opId),
        ).toContain(wire[0]!.opId);
        // A resend gets the same refusal back, as a duplicate.
        const again = await push(portal, c, [wire[0]!]);
        expect(again.results[0]).toMatchObject({
          status: 'duplicate',
          original: 'rejected',
          code: 'FACTURE_INCONNUE',
        });
      });

      it('refuse un opId réutilisé pour un autre contenu, un numéro de séquence réutilisé, une régie hors périmètre', async () => {
        const c = await enrolNewCounter(portal, ['SPO']);
        const sco = await addInvoice(portal, { amountCents: 1000 });
        const spo = await addInvoice(portal, { amountCents: 1000, regie: 'SPO' });
        const [first] = ops(c, [
          {
            kind: 'payment',
            payload: paymentPayload(c, {
              regie: 'SPO',
              amountCents: 400,
              allocations: [{ invoiceNumber: spo, amountCents: 400 }],
            }),
          },
        ]);
        await push(portal, c, [first!]);
        const divergent = await push(portal, c, [
          { ...first!, payload: { ...(first!.payload as object), amountCents: 999 } },
        ]);
        expect(divergent.results[0]).toMatchObject({
          status: 'rejected',
          code: 'OPERATION_DIVERGENTE',
        });
        const reused = await push(portal, c, [
          { opId: randomUUID(), seq: 1, kind: 'closure', payload: {} },
        ]);
        expect(reused.results[0]).toMatchObject({
          status: 'rejected',
          code: 'SEQUENCE_DEJA_UTILISEE',
        });
        const outOfScope = await push(
          portal,
          c,
          ops(c, [
            {
              kind: 'payment',
              payload: paymentPayload(c, {
                amountCents: 100,
                allocations: [{ invoiceNumber: sco, amountCents: 100 }],
              }),
            },
          ]),
        );
        expect(outOfScope.results[0]).toMatchObject({
          status: 'rejected',
          code: 'REGIE_HORS_PERIMETRE',
        });
        expect(await opCount(c)).toBe(2);
        expect((await paidOf(spo))?.paid).toBe(400);
        expect((await paidOf(sco))?.paid).toBe(0);
      });

      it('un long lot traverse plusieurs transactions : tout s’applique jusqu’au trou, la suite attend', async () => {
        const c = await enrolNewCounter(portal);
        const inv = await addInvoice(portal, { amountCents: 1_000_000 });
        const wire = ops(
          c,
          Array.from({ length: 130 }, () => ({
            kind: 'payment' as const,
            payload: paymentPayload(c, {
              amountCents: 100,
              allocations: [{ invoiceNumber: inv, amountCents: 100 }],
            }),
          })),
        );
        const missing = wire.splice(104, 1)[0]!;
        const first = await push(portal, c, wire);
        const statuses = first.results.map((r) => r.status);
        expect(statuses.slice(0, 104).every((st) => st === 'applied')).toBe(true);
        expect(statuses.slice(104).every((st) => st === 'held')).toBe(true);
        expect(first.lastSeq).toBe(104);
        expect((await paidOf(inv))?.paid).toBe(10_400);
        const second = await push(portal, c, [missing, ...wire.slice(104)]);
        expect(second.results.every((r) => r.status === 'applied')).toBe(true);
        expect(second.lastSeq).toBe(130);
        expect((await paidOf(inv))?.paid).toBe(13_000);
      });

      it('une opération que la base refuse (montant hors des limites d’une colonne) est enregistrée refusée, pas rejouée à l’infini', async () => {
        const c = await enrolNewCounter(portal);
        const inv = await addInvoice(portal, { amountCents: 1000 });
        const huge = 3_000_000_000;
        const res = await push(
          portal,
          c,
          ops(c, [
            {
              kind: 'payment',
              payload: paymentPayload(c, {
                amountCents: huge,
                creditCreatedCents: huge - 1000,
                allocations: [{ invoiceNumber: inv, amountCents: 1000 }],
              }),
            },
            {
              kind: 'payment',
              payload: paymentPayload(c, {
                amountCents: 1000,
                allocations: [{ invoiceNumber: inv, amountCents: 1000 }],
              }),
            },
          ]),
        );
        expect(res.results[0]).toMatchObject({ status: 'rejected', code: 'DONNEES_INCOHERENTES' });
        expect((res.results[0] as Extract<OpResult, { status: 'rejected' }>).message).toMatch(
          /la base du portail refuse cette opération \(22003/,
        );
        expect(res.results[1]).toMatchObject({ status: 'applied' });
        expect((await paidOf(inv))?.paid).toBe(1000);
      });

      it('refuse un lot mal formé en entier (400), sans rien appliquer', async () => {
        const c = await enrolNewCounter(portal);
        const inv = await addInvoice(portal, { amountCents: 1000 });
        const op = ops(c, [
          {
            kind: 'payment',
            payload: paymentPayload(c, {
              amountCents: 1000,
              allocations: [{ invoiceNumber: inv, amountCents: 1000 }],
            }),
          },
        ])[0]!;
        const res = await signed(portal, c, 'POST', '/sync/v1/push', {
          ops: [op, { ...op, seq: 2 }],
        });
        expect(res.statusCode).toBe(400);
        expect(errorOf(res)).toMatchObject({ code: 'VALIDATION' });
        expect(errorOf(res).message).toMatch(/opId apparaît deux fois/);
        const empty = await signed(portal, c, 'POST', '/sync/v1/push', { ops: [] });
        expect(errorOf(empty).message).toMatch(/vide/);
        expect(await opCount(c)).toBe(0);
        expect((await paidOf(inv))?.paid).toBe(0);
      });

      it('annule un paiement et une utilisation d’avoir : montants et avoir reviennent, une seconde annulation est refusée', async () => {
        const c = await enrolNewCounter(portal);
        const inv = await addInvoice(portal, { amountCents: 3000 });
        const inv2 = await addInvoice(portal, { amountCents: 800 });
        const pay = paymentPayload(c, {
          amountCents: 5000,
          creditCreatedCents: 2000,
          allocations: [{ invoiceNumber: inv, amountCents: 3000 }],
        });
        const use = {
          ref: randomUUID(),
          regieCode: 'SCO',
          familyCode: 'DUP-00001',
          amountCents: 800,
          usedAt: T0.toISOString(),
          agent,
          allocations: [{ invoiceNumber: inv2, amountCents: 800 }],
        };
        const credit = async () =>
          (
            await rows<{ credit: number }>(
              portal.database.db,
              sql`SELECT a.credit_cents AS credit FROM family_account a JOIN family f ON f.id = a.family_id JOIN regie r ON r.id = a.regie_id WHERE f.code = 'DUP-00001' AND r.code = 'SCO'`,
            )
          )[0]?.credit;
        const before = await credit();
        await push(
          portal,
          c,
          ops(c, [
            { kind: 'payment', payload: pay },
            { kind: 'credit_use', payload: use },
          ]),
        );
        expect(await credit()).toBe((before ?? 0) + 2000 - 800);
        expect((await paidOf(inv2))?.paid).toBe(800);
        const cancel = (target: object) => ({
          kind: 'cancellation' as const,
          payload: {
            target,
            reason: 'Erreur de saisie du montant',
            cancelledAt: T0.toISOString(),
            agent,
          },
        });
        const res = await push(
          portal,
          c,
          ops(c, [
            cancel({ kind: 'payment', receiptNumber: pay.receiptNumber }),
            cancel({ kind: 'credit_use', ref: use.ref }),
            cancel({ kind: 'payment', receiptNumber: pay.receiptNumber }),
            cancel({ kind: 'payment', receiptNumber: 'R-SCO-ZZZ-2026-000001' }),
          ]),
        );
        expect(res.results.map((r) => r.status)).toEqual([
          'applied',
          'applied',
          'rejected',
          'rejected',
        ]);
        expect(res.results[2]).toMatchObject({ code: 'DEJA_ANNULE' });
        expect(res.results[3]).toMatchObject({ code: 'CIBLE_INCONNUE' });
        expect((await paidOf(inv))?.paid).toBe(0);
        expect((await paidOf(inv2))?.paid).toBe(0);
        expect(await credit()).toBe(before ?? 0);
      });

      it('enregistre clôtures et codes d’accès ; une clôture reçue deux fois est refusée, un nouveau code remplace l’ancien', async () => {
        const c = await enrolNewCounter(portal);
        const closure = {
          regieCode: 'SCO',
          kind: 'jour',
          period: '2026-03-09',
          periodStart: '2026-03-08T23:00:00.000Z',
          periodEnd: '2026-03-09T23:00:00.000Z',
          totals: { paymentsCents: 12000, count: 3 },
          lastCoveredSeq: 42,
          lastCoveredHash: 'a'.repeat(64),
          closedAt: '2026-03-09T18:00:00.000Z',
          agent,
        };
        const code1 = {
          ref: randomUUID(),
          familyCode: 'MAR-00002',
          codeSha256: codeSha256('ABCD-2345'),
          issuedAt: T0.toISOString(),
          expiresAt: null,
          agent,
        };
        const code2 = { ...code1, ref: randomUUID(), codeSha256: codeSha256('WXYZ-6789') };
        const res = await push(
          portal,
          c,
          ops(c, [
            { kind: 'closure', payload: closure },
            { kind: 'closure', payload: closure },
            { kind: 'access_code', payload: code1 },
            { kind: 'access_code', payload: code2 },
          ]),
        );
        expect(res.results.map((r) => r.status)).toEqual([
          'applied',
          'rejected',
          'applied',
          'applied',
        ]);
        expect(res.results[1]).toMatchObject({ code: 'CLOTURE_EN_DOUBLE' });
        const other = await enrolNewCounter(portal);
        const { changes } = await pullAll(portal, other);
        const states = latest(changes);
        expect(states.get(`access_code:${code1.ref}`)).toMatchObject({
          familyCode: 'MAR-00002',
          status: 'remplace',
        });
        expect(states.get(`access_code:${code2.ref}`)).toMatchObject({
          status: 'emis',
          issuedByPosteCode: c.posteCode,
        });
        expect(JSON.stringify([...states.values()])).not.toContain(code1.codeSha256);
      });

      it('un paiement au guichet retire aussitôt le montant payé de ce que le portail famille propose en ligne', async () => {
        const c = await enrolNewCounter(portal);
        const inv = await addInvoice(portal, { amountCents: 10000 });
        const [row] = await portal.database.db
          .select({ refdet: invoice.refdet })
          .from(invoice)
          .where(eq(invoice.number, inv));
        const payable = async () => {
          const res = await portal.app.inject({
            method: 'GET',
            url: `/family/v1/invoices/${inv}/payable?refdet=${row?.refdet}`,
          });
          expect(res.statusCode).toBe(200);
          return res.json<{
            payableOnlineCents: number;
            remainingCents: number;
            notPayableReason: string | null;
            state: string;
          }>();
        };
        expect(await payable()).toMatchObject({ payableOnlineCents: 10000, state: 'a_payer' });
        await push(
          portal,
          c,
          ops(c, [
            {
              kind: 'payment',
              payload: paymentPayload(c, {
                amountCents: 6000,
                allocations: [{ invoiceNumber: inv, amountCents: 6000 }],
              }),
            },
          ]),
        );
        expect(await payable()).toMatchObject({
          payableOnlineCents: 4000,
          remainingCents: 4000,
          state: 'partielle',
        });
        await push(
          portal,
          c,
          ops(c, [
            {
              kind: 'payment',
              payload: paymentPayload(c, {
                amountCents: 4000,
                allocations: [{ invoiceNumber: inv, amountCents: 4000 }],
              }),
            },
          ]),
        );
        expect(await payable()).toMatchObject({
          payableOnlineCents: 0,
          notPayableReason: 'payee',
          state: 'payee',
        });
        await expect(
          startOnlinePayment(portal.database.db, inv, 100, portal.clock.now()),
        ).rejects.toMatchObject({ code: 'NON_PAYABLE_EN_LIGNE' });
        const wrong = await portal.app.inject({
          method: 'GET',
          url: `/family/v1/invoices/${inv}/payable?refdet=FAUX1234`,
        });
        expect(wrong.statusCode).toBe(404);
      });
    });

    // -----------------------------------------------------------------------------------------
    describe('flux de changements (pull)', () => {
      it('livre toute la commune au premier appel, page par page, et reprend exactement au curseur', async () => {
        const c = await enrolNewCounter(portal);
        const whole = await pullAll(portal, c, '', 2000);
        const keys = whole.changes.map((ch) => `${ch.entity}:${ch.key}`);
        expect(keys).toContain('commune:commune');
        expect(keys).toContain('regie:SCO');
        expect(keys).toContain('family:DUP-00001');
        const families = latest(whole.changes);
        expect(families.get('family:DUP-00001')).toMatchObject({
          familyName: 'Dupond',
          regies: ['SCO', 'SPO'],
        });
        const ids = whole.changes.map((ch) => ch.id);
        expect([...ids].sort((a, b) => a - b)).toEqual(ids);
        expect(new Set(ids).size).toBe(ids.length);

        const paged = await pullAll(portal, c, '', 3);
        expect(paged.pages).toBeGreaterThan(3);
        expect(paged.changes.map((ch) => ch.id)).toEqual(ids);
        expect(paged.cursor).toBe(whole.cursor);

        // Resume from the middle: the rest, nothing more, nothing less.
        const first = await signed(portal, c, 'GET', '/sync/v1/changes?limit=5');
        const page = first.json<ChangesResponse>();
        expect(page.hasMore).toBe(true);
        const rest = await pullAll(portal, c, page.nextCursor);
        expect([...page.changes, ...rest.changes].map((ch) => ch.id)).toEqual(ids);

        // Nothing new: same cursor, empty page.
        const idle = await signed(portal, c, 'GET', `/sync/v1/changes?cursor=${whole.cursor}`);
        expect(idle.json<ChangesResponse>()).toMatchObject({
          changes: [],
          hasMore: false,
          nextCursor: whole.cursor,
        });

        // A new invoice appears after the cursor, once.
        const inv = await addInvoice(portal, { amountCents: 1234 });
        const next = await pullAll(portal, c, whole.cursor);
        expect(next.changes.filter((ch) => ch.entity === 'invoice').map((ch) => ch.key)).toEqual([
          inv,
        ]);
        expect(latest(next.changes).get(`invoice:${inv}`)).toMatchObject({
          amountCents: 1234,
          remainingCents: 1234,
          status: 'emise',
          familyCode: 'DUP-00001',
          lines: [
            {
              lineNo: 1,
              label: 'Repas de cantine',
              quantity: 1,
              unitPriceCents: 1234,
              amountCents: 1234,
            },
          ],
        });
      });

      it('ne livre à un poste que les régies de son périmètre, et avance le curseur au-delà du reste', async () => {
        const spoOnly = await enrolNewCounter(portal, ['SPO']);
        const all = await pullAll(portal, spoOnly);
        const regies = all.changes.filter((ch) => ch.entity === 'regie').map((ch) => ch.key);
        expect(regies).toEqual(['SPO']);
        expect(
          all.changes
            .filter((ch) => ch.entity === 'invoice')
            .every((ch) => (ch.data as { regieCode: string }).regieCode === 'SPO'),
        ).toBe(true);
        expect(all.changes.some((ch) => ch.entity === 'family')).toBe(true);
        const sco = await addInvoice(portal, { amountCents: 999, regie: 'SCO' });
        const after = await signed(portal, spoOnly, 'GET', `/sync/v1/changes?cursor=${all.cursor}`);
        const page = after.json<ChangesResponse>();
        expect(page.changes.map((ch) => ch.key)).not.toContain(sco);
        expect(BigInt(page.nextCursor)).toBeGreaterThan(BigInt(all.cursor));
      });

      it('refuse un curseur ou une limite invalides', async () => {
        const c = await enrolNewCounter(portal);
        const bad = await signed(portal, c, 'GET', '/sync/v1/changes?cursor=abc');
        expect(bad.statusCode).toBe(400);
        expect(errorOf(bad)).toMatchObject({ code: 'CURSEUR_INVALIDE' });
        const limit = await signed(portal, c, 'GET', '/sync/v1/changes?limit=0');
        expect(limit.statusCode).toBe(400);
        expect(errorOf(limit).message).toMatch(/limit/);
      });

      it('deux postes d’une même régie voient chacun les paiements de l’autre, pas les leurs', async () => {
        const a = await enrolNewCounter(portal, ['SCO']);
        const b = await enrolNewCounter(portal, ['SCO']);
        const startA = (await pullAll(portal, a)).cursor;
        const startB = (await pullAll(portal, b)).cursor;
        const inv = await addInvoice(portal, { amountCents: 5000 });
        const payA = paymentPayload(a, {
          amountCents: 2000,
          allocations: [{ invoiceNumber: inv, amountCents: 2000 }],
        });
        const payB = paymentPayload(b, {
          amountCents: 1000,
          allocations: [{ invoiceNumber: inv, amountCents: 1000 }],
        });
        await push(portal, a, ops(a, [{ kind: 'payment', payload: payA }]));
        await push(portal, b, ops(b, [{ kind: 'payment', payload: payB }]));
        const seenByA = latest((await pullAll(portal, a, startA)).changes);
        const seenByB = latest((await pullAll(portal, b, startB)).changes);
        expect(seenByB.get(`counter_payment:${payA.receiptNumber}`)).toMatchObject({
          posteCode: a.posteCode,
          amountCents: 2000,
          allocations: [{ invoiceNumber: inv, amountCents: 2000, flags: [] }],
          cancellation: null,
        });
        expect(seenByA.get(`counter_payment:${payB.receiptNumber}`)).toMatchObject({
          posteCode: b.posteCode,
          amountCents: 1000,
        });
        expect(seenByA.has(`counter_payment:${payA.receiptNumber}`)).toBe(false);
        expect(seenByB.has(`counter_payment:${payB.receiptNumber}`)).toBe(false);
        // Both converge on the invoice's state.
        expect(seenByA.get(`invoice:${inv}`)).toMatchObject({
          paidCents: 3000,
          countersPaidCents: 3000,
          remainingCents: 2000,
        });
        expect(seenByB.get(`invoice:${inv}`)).toEqual(seenByA.get(`invoice:${inv}`));

        // Each register can tell exactly what the others paid, whatever its own acks.
        expect(seenByA.get(`invoice:${inv}`)?.countersPaidByPoste).toEqual({
          [a.posteCode]: 2000,
          [b.posteCode]: 1000,
        });

        // Only the poste that took a payment may cancel it; when it does, B hears of it.
        const cancel = () => ({
          kind: 'cancellation' as const,
          payload: {
            target: { kind: 'payment', receiptNumber: payA.receiptNumber },
            reason: 'Chèque sans provision',
            cancelledAt: T0.toISOString(),
            agent,
          },
        });
        const byB = await push(portal, b, ops(b, [cancel()]));
        expect(byB.results[0]).toMatchObject({ status: 'rejected', code: 'CIBLE_AUTRE_POSTE' });
        expect((byB.results[0] as Extract<OpResult, { status: 'rejected' }>).message).toMatch(
          new RegExp(`poste ${a.posteCode} : seul ce poste peut l’annuler`),
        );
        const cursorB = (await pullAll(portal, b, startB)).cursor;
        await push(portal, a, ops(a, [cancel()]));
        const news = latest((await pullAll(portal, b, cursorB)).changes);
        expect(news.get(`counter_payment:${payA.receiptNumber}`)).toMatchObject({
          cancellation: { posteCode: a.posteCode, reason: 'Chèque sans provision' },
        });
        expect(news.get(`invoice:${inv}`)).toMatchObject({
          paidCents: 1000,
          countersPaidByPoste: { [a.posteCode]: 0, [b.posteCode]: 1000 },
        });
      });
    });

    // -----------------------------------------------------------------------------------------
    describe('import des données de l’ordonnateur', () => {
      const bundleWith = (invoices: NonNullable<typeof baseBundle.invoices>) => ({
        ...baseBundle,
        regies: [],
        families: [],
        invoices,
      });
      const line = (amount: number) => [{ label: 'Repas', quantity: 1, unitPriceCents: amount }];
      const inv = (number: string, o: Record<string, unknown> = {}) => ({
        number,
        regieCode: 'SCO',
        familyCode: 'DUP-00001',
        label: 'CANTINE',
        period: '2026-02',
        issueDate: '2026-03-05',
        dueDate: '2026-04-04',
        amountCents: 900,
        refdet: number.replace(/-/g, ''),
        lines: line(900),
        ...o,
      });
      const count = async (prefix: string) =>
        (
          await rows<{ n: number }>(
            portal.database.db,
            sql`SELECT count(*)::int AS n FROM invoice WHERE number LIKE ${`${prefix}%`}`,
          )
        )[0]?.n;

      it('refuse tout le fichier à la première erreur, avec un message qui désigne l’élément, et n’importe rien', async () => {
        const cases: [unknown, RegExp][] = [
          [
            bundleWith([inv('IMP-000001'), inv('IMP-000002', { familyCode: 'XXX-99999' })]),
            /invoices\[1\] : famille XXX-99999 inconnue/,
          ],
          [
            bundleWith([inv('IMP-000001', { amountCents: 1000 })]),
            /total des lignes \(900\) diffère du montant \(1000\)/,
          ],
          [bundleWith([inv('IMP-000001'), inv('IMP-000001')]), /« IMP-000001 » apparaît deux fois/],
          [
            bundleWith([
              inv('IMP-000001', {
                lines: [{ label: 'Repas', childRef: 'INCONNU', quantity: 1, unitPriceCents: 900 }],
              }),
            ]),
            /enfant INCONNU inconnu/,
          ],
          [{ ...baseBundle, format: 'autre' }, /Format attendu : guichet-commune-bundle/],
        ];
        for (const [bundle, message] of cases) {
          await expect(
            importBundle(portal.database.db, bundle, 'test', portal.clock.now()),
          ).rejects.toMatchObject({
            code: 'IMPORT_REFUSE',
            message: expect.stringMatching(message),
          });
        }
        expect(await count('IMP-')).toBe(0);
      });

      it('accepte un changement de statut d’une facture connue, refuse un changement de montant ; le flux diffuse le statut', async () => {
        const c = await enrolNewCounter(portal, ['SCO']);
        await importBundle(
          portal.database.db,
          bundleWith([inv('IMQ-000001')]),
          'test',
          portal.clock.now(),
        );
        const start = (await pullAll(portal, c)).cursor;
        await expect(
          importBundle(
            portal.database.db,
            bundleWith([inv('IMQ-000001', { amountCents: 800, lines: line(800) })]),
            'test',
            portal.clock.now(),
          ),
        ).rejects.toMatchObject({
          message: expect.stringMatching(/existe déjà avec un autre montant/),
        });
        // The whole commune again, unchanged, plus one status: only that invoice is resent.
        await importBundle(
          portal.database.db,
          { ...baseBundle, invoices: [inv('IMQ-000001', { status: 'tresorerie' })] },
          'test',
          portal.clock.now(),
        );
        const seen = await pullAll(portal, c, start);
        expect(seen.changes.map((ch) => `${ch.entity}:${ch.key}`)).toEqual(['invoice:IMQ-000001']);
        expect(seen.changes[0]?.data).toMatchObject({
          status: 'tresorerie',
          amountCents: 900,
          statusChangedAt: T0.toISOString(),
        });
      });
    });

    // -----------------------------------------------------------------------------------------
    describe('conflits', () => {
      it('payée en ligne puis au guichet : le paiement du guichet est appliqué et un trop-perçu est ouvert, visible des deux côtés', async () => {
        const a = await enrolNewCounter(portal, ['SCO']);
        const b = await enrolNewCounter(portal, ['SCO']);
        const cursorB = (await pullAll(portal, b)).cursor;
        const inv = await addInvoice(portal, { amountCents: 4500 });
        const online = await startOnlinePayment(portal.database.db, inv, 4500, portal.clock.now());
        const lockSeen = latest((await pullAll(portal, b, cursorB)).changes).get(
          `online_lock:${inv}`,
        );
        expect(lockSeen).toMatchObject({
          lock: { onlinePaymentRef: online.ref, amountCents: 4500, releasedAt: null },
        });
        await finishOnlinePayment(
          portal.database.db,
          online.ref,
          { status: 'paye', idop: `IDOP-${inv}`, numauto: '123456' },
          portal.clock.now(),
        );
        const pay = paymentPayload(a, {
          amountCents: 4500,
          allocations: [{ invoiceNumber: inv, amountCents: 4500 }],
        });
        const res = await push(portal, a, ops(a, [{ kind: 'payment', payload: pay }]));
        expect(res.results[0]).toMatchObject({
          status: 'applied',
          effects: {
            flags: [{ invoiceNumber: inv, flag: 'trop_percu' }],
            conflicts: [{ kind: 'trop_percu', invoiceNumber: inv, amountCents: 4500 }],
          },
        });
        expect(await paidOf(inv)).toMatchObject({ paid: 9000, counters: 4500, online: 4500 });
        const seen = latest((await pullAll(portal, b, cursorB)).changes);
        const conflictRef = (res.results[0] as Extract<OpResult, { status: 'applied' }>).effects
          .conflicts[0]?.ref;
        expect(seen.get(`conflict:${conflictRef}`)).toMatchObject({
          kind: 'trop_percu',
          amountCents: 4500,
          proposedResolution: 'avoir',
          status: 'a_traiter',
          source: { kind: 'counter_payment', receiptNumber: pay.receiptNumber },
        });
        expect(String(seen.get(`conflict:${conflictRef}`)?.detail)).toMatch(/Trop-perçu de 45,00/);
        expect(seen.get(`invoice:${inv}`)).toMatchObject({
          remainingCents: 0,
          overpaidCents: 4500,
        });
        expect(seen.get(`online_payment:${online.ref}`)).toMatchObject({
          status: 'paye',
          amountCents: 4500,
        });
        // The paying counter hears of the conflict too (it is not its own record).
        expect(latest((await pullAll(portal, a)).changes).has(`conflict:${conflictRef}`)).toBe(
          true,
        );
      });

      it('payée au guichet pendant un paiement en ligne en cours : le paiement en ligne réussi devient un trop-perçu à rembourser (régie sans avoir)', async () => {
        const a = await enrolNewCounter(portal, ['SPO']);
        const inv = await addInvoice(portal, { amountCents: 3000, regie: 'SPO' });
        const online = await startOnlinePayment(portal.database.db, inv, 3000, portal.clock.now());
        const res = await push(
          portal,
          a,
          ops(a, [
            {
              kind: 'payment',
              payload: paymentPayload(a, {
                regie: 'SPO',
                amountCents: 3000,
                allocations: [{ invoiceNumber: inv, amountCents: 3000 }],
              }),
            },
          ]),
        );
        expect(res.results[0]).toMatchObject({
          status: 'applied',
          effects: { flags: [{ flag: 'paiement_en_ligne_en_cours' }], conflicts: [] },
        });
        const effects = await finishOnlinePayment(
          portal.database.db,
          online.ref,
          { status: 'paye' },
          portal.clock.now(),
        );
        expect(effects.conflicts).toMatchObject([{ kind: 'trop_percu', amountCents: 3000 }]);
        const seen = latest((await pullAll(portal, a)).changes);
        expect(seen.get(`conflict:${effects.conflicts[0]?.ref}`)).toMatchObject({
          proposedResolution: 'remboursement',
          source: { kind: 'online_payment', ref: online.ref },
        });
        expect(seen.get(`online_lock:${inv}`)).toMatchObject({
          lock: { releasedAt: T0.toISOString() },
        });
      });

      it('facture transmise au Trésor après un encaissement hors ligne : le paiement est appliqué, signalé, et l’ordonnateur prévenu', async () => {
        const a = await enrolNewCounter(portal, ['SCO']);
        const inv = await addInvoice(portal, { amountCents: 2500 });
        const takenAt = new Date(T0.getTime() - 2 * 3600_000);
        await setInvoiceStatus(
          portal.database.db,
          inv,
          'tresorerie',
          'test',
          new Date(T0.getTime() - 3600_000),
        );
        const res = await push(
          portal,
          a,
          ops(a, [
            {
              kind: 'payment',
              payload: paymentPayload(a, {
                amountCents: 2500,
                recordedAt: takenAt.toISOString(),
                allocations: [{ invoiceNumber: inv, amountCents: 2500 }],
              }),
            },
          ]),
        );
        expect(res.results[0]).toMatchObject({
          status: 'applied',
          effects: {
            flags: [{ invoiceNumber: inv, flag: 'apres_tresorerie' }],
            conflicts: [{ kind: 'paiement_apres_tresorerie', amountCents: 2500 }],
          },
        });
        expect((await paidOf(inv))?.paid).toBe(2500);
        const seen = latest((await pullAll(portal, a)).changes);
        const ref = (res.results[0] as Extract<OpResult, { status: 'applied' }>).effects
          .conflicts[0]?.ref;
        expect(String(seen.get(`conflict:${ref}`)?.detail)).toMatch(
          /déjà transmise au Trésor après l’encaissement/,
        );
        expect(seen.get(`invoice:${inv}`)).toMatchObject({
          status: 'tresorerie',
          paidCents: 2500,
          remainingCents: 0,
        });
      });

      it('paiement au guichet d’une facture annulée ou en prélèvement : appliqué, avec le conflit qui dit quoi faire', async () => {
        const a = await enrolNewCounter(portal, ['PEN']);
        const cancelled = await addInvoice(portal, {
          amountCents: 1500,
          regie: 'PEN',
          family: 'MAR-00002',
          status: 'annulee',
        });
        const debit = await addInvoice(portal, {
          amountCents: 1800,
          regie: 'PEN',
          family: 'MAR-00002',
          status: 'prelevement',
        });
        const res = await push(
          portal,
          a,
          ops(a, [
            {
              kind: 'payment',
              payload: paymentPayload(a, {
                regie: 'PEN',
                family: 'MAR-00002',
                amountCents: 1500,
                allocations: [{ invoiceNumber: cancelled, amountCents: 1500 }],
              }),
            },
            {
              kind: 'payment',
              payload: paymentPayload(a, {
                regie: 'PEN',
                family: 'MAR-00002',
                amountCents: 1800,
                allocations: [{ invoiceNumber: debit, amountCents: 1800 }],
              }),
            },
          ]),
        );
        expect(
          res.results.map((r) =>
            (r as Extract<OpResult, { status: 'applied' }>).effects.conflicts.map((k) => k.kind),
          ),
        ).toEqual([['paiement_facture_annulee'], ['paiement_facture_prelevement']]);
      });

      it('identité des familles : le portail l’emporte ; une poussée ne la modifie jamais et le flux diffuse la version du portail', async () => {
        const a = await enrolNewCounter(portal, ['SCO']);
        const start = (await pullAll(portal, a)).cursor;
        const inv = await addInvoice(portal, { amountCents: 700, family: 'MAR-00002' });
        const payload = {
          ...paymentPayload(a, {
            family: 'MAR-00002',
            amountCents: 700,
            allocations: [{ invoiceNumber: inv, amountCents: 700 }],
          }),
          familyName: 'Nom tapé au guichet',
        };
        const res = await push(portal, a, ops(a, [{ kind: 'payment', payload }]));
        expect(res.results[0]?.status).toBe('applied');
        const martin = baseBundle.families?.[1];
        await importBundle(
          portal.database.db,
          {
            ...baseBundle,
            regies: [],
            invoices: [],
            families: [
              {
                ...martin!,
                familyName: 'Martin-Durand',
                responsables: [{ ...martin!.responsables[0]!, email: 'lea.martin@example.org' }],
              },
            ],
          },
          'test',
          portal.clock.now(),
        );
        const [row] = await portal.database.db
          .select({ name: family.familyName })
          .from(family)
          .where(eq(family.code, 'MAR-00002'));
        expect(row?.name).toBe('Martin-Durand');
        const seen = latest((await pullAll(portal, a, start)).changes);
        expect(seen.get('family:MAR-00002')).toMatchObject({
          familyName: 'Martin-Durand',
          responsables: [{ email: 'lea.martin@example.org' }],
        });
      });
    });
  });
}
