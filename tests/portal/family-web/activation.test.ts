import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { accessCode, familyUser } from '../../../src/portal/db/schema';
import { pullAll, latest } from '../helpers/portal-fixture';
import {
  Browser,
  activate,
  issueCode,
  openFamilyPortal,
  text,
  type FamilyPortal,
} from './family-fixture';

let portal: FamilyPortal;
beforeAll(async () => {
  portal = await openFamilyPortal();
}, 180_000);
afterAll(async () => portal.close());

describe('activation du compte famille', () => {
  it('ouvre le compte avec le bon code, marque le code actif et le publie aux registres', async () => {
    const ref = await issueCode(portal, 'DUP-00001', '9RTW-XY34-CDEF');
    const { cursor } = await pullAll(portal, portal.counter);
    // Lower case and spaces are forgiven, as the register normalises them.
    const b = await activate(portal, 'dup-00001', '9rtw xy34 cdef', 'Anne.Dupond@Example.fr');
    const page = await b.get('/famille/factures');
    expect(page.statusCode).toBe(200);
    expect(text(page.body)).toContain('Famille Dupond');
    const [row] = await portal.database.db.select().from(accessCode).where(eq(accessCode.ref, ref));
    expect(row?.status).toBe('active');
    expect(row?.activatedAt?.toISOString()).toBe(portal.clock.now().toISOString());
    const [user] = await portal.database.db.select().from(familyUser);
    expect(user?.email).toBe('anne.dupond@example.fr');
    expect(user?.passwordHash).toMatch(/^scrypt\$15\$8\$1\$/);
    expect(user?.passwordHash).not.toContain('une phrase');
    const after = await pullAll(portal, portal.counter, cursor);
    expect(latest(after.changes).get(`access_code:${ref}`)).toMatchObject({
      status: 'active',
      familyCode: 'DUP-00001',
      activatedAt: portal.clock.now().toISOString(),
    });
  });

  it('refuse un code déjà utilisé, un mauvais code, un code d’une autre famille, avec le même message', async () => {
    await issueCode(portal, 'MAR-00002', 'AAAA-CCCC-DDDD');
    const cases = [
      ['DUP-00001', '9RTW-XY34-CDEF'], // already active
      ['MAR-00002', 'AAAA-CCCC-DDDE'], // wrong code
      ['DUP-00001', 'AAAA-CCCC-DDDD'], // another family's code
      ['XXX-99999', 'AAAA-CCCC-DDDD'], // unknown code famille
    ];
    const bodies: string[] = [];
    for (const [familyCode, activationCode] of cases) {
      const b = new Browser(portal);
      await b.get('/famille/activation');
      const res = await b.post('/famille/activation', {
        familyCode: familyCode!,
        activationCode: activationCode!,
      });
      expect(res.statusCode).toBe(400);
      expect(res.body).not.toContain('name="ticket"');
      // The code typed is never echoed back into the page.
      expect(res.body).not.toContain(activationCode!);
      bodies.push(/<div class="error-summary"[\s\S]*?<\/div>/.exec(res.body)?.[0] ?? 'absent');
    }
    expect(text(bodies[0]!)).toContain('Ces codes ne permettent pas d’ouvrir un compte');
    expect(new Set(bodies).size).toBe(1);
    const [row] = await portal.database.db
      .select({ status: accessCode.status })
      .from(accessCode)
      .where(
        eq(
          accessCode.codeSha256,
          (await import('../helpers/portal-fixture')).codeSha256('AAAA-CCCC-DDDD'),
        ),
      );
    expect(row?.status).toBe('emis');
  });

  it('refuse un code remplacé par un plus récent et un code expiré', async () => {
    await issueCode(portal, 'MAR-00002', 'EEEE-FFFF-GGGG'); // replaces AAAA-CCCC-DDDD
    const b = new Browser(portal);
    await b.get('/famille/activation');
    const replaced = await b.post('/famille/activation', {
      familyCode: 'MAR-00002',
      activationCode: 'AAAA-CCCC-DDDD',
    });
    expect(replaced.statusCode).toBe(400);
    await issueCode(portal, 'MAR-00002', 'HHHH-JJJJ-KKKK', {
      expiresAt: new Date(portal.clock.now().getTime() + 60_000).toISOString(),
    });
    portal.clock.advance(61_000);
    const expired = await b.post('/famille/activation', {
      familyCode: 'MAR-00002',
      activationCode: 'HHHH-JJJJ-KKKK',
    });
    expect(expired.statusCode).toBe(400);
    expect(text(expired.body)).toContain('expiré ne fonctionne plus');
    expect(
      await portal.database.db.select().from(familyUser).where(eq(familyUser.email, 'x@y.fr')),
    ).toHaveLength(0);
  });

  it('vérifie l’adresse et les deux mots de passe à l’étape 2 sans rien écrire', async () => {
    await issueCode(portal, 'MAR-00002', 'MMMM-NNNN-PPPP');
    const b = new Browser(portal);
    await b.get('/famille/activation');
    const step1 = await b.post('/famille/activation', {
      familyCode: 'MAR-00002',
      activationCode: 'MMMM-NNNN-PPPP',
    });
    expect(step1.statusCode).toBe(200);
    const ticket = /name="ticket" value="([^"]+)"/.exec(step1.body)?.[1] ?? '';
    const bad = await b.post('/famille/activation/compte', {
      ticket,
      email: 'pas-une-adresse',
      password: 'court',
      passwordConfirm: 'court',
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('aria-describedby="email-hint email-error"');
    expect(bad.body).toContain('id="email-error"');
    expect(bad.body).toContain('aria-invalid="true"');
    expect(text(bad.body)).toContain('Mot de passe trop court');
    const mismatch = await b.post('/famille/activation/compte', {
      ticket,
      email: 'lea.martin@example.fr',
      password: 'une phrase assez longue',
      passwordConfirm: 'une phrase assez longue.',
    });
    expect(text(mismatch.body)).toContain('Les deux mots de passe diffèrent');
    const taken = await b.post('/famille/activation/compte', {
      ticket,
      email: 'anne.dupond@example.fr',
      password: 'une phrase assez longue',
      passwordConfirm: 'une phrase assez longue',
    });
    expect(text(taken.body)).toContain('déjà l’identifiant d’un autre compte');
    expect(await portal.database.db.select().from(familyUser)).toHaveLength(1);
    const forged = await b.post('/famille/activation/compte', {
      ticket: `${ticket.slice(0, -2)}xx`,
      email: 'lea.martin@example.fr',
      password: 'une phrase assez longue',
      passwordConfirm: 'une phrase assez longue',
    });
    expect(text(forged.body)).toContain('Saisissez à nouveau vos deux codes');
    const ok = await b.post('/famille/activation/compte', {
      ticket,
      email: 'lea.martin@example.fr',
      password: 'une phrase assez longue',
      passwordConfirm: 'une phrase assez longue',
    });
    expect(ok.statusCode).toBe(303);
    // The ticket is spent with its code: a replay changes nothing.
    const replay = await new Browser(portal).get('/famille/activation').then(async () => ok);
    expect(replay.statusCode).toBe(303);
    const again = await b.post('/famille/activation/compte', {
      ticket,
      email: 'autre@example.fr',
      password: 'une autre phrase longue',
      passwordConfirm: 'une autre phrase longue',
    });
    expect(again.statusCode).toBe(400);
    expect(text(again.body)).toContain('Saisissez à nouveau vos deux codes');
    const users = await portal.database.db.select().from(familyUser);
    expect(users.map((u) => u.email).sort()).toEqual([
      'anne.dupond@example.fr',
      'lea.martin@example.fr',
    ]);
  });
});
