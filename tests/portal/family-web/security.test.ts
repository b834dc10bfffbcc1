// Throttling, sessions, CSRF and the forgotten-password link.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { familySession, passwordReset } from '../../../src/portal/db/schema';
import {
  Browser,
  activate,
  issueCode,
  mails,
  openFamilyPortal,
  text,
  type FamilyPortal,
} from './family-fixture';

let portal: FamilyPortal;
beforeAll(async () => {
  portal = await openFamilyPortal();
}, 180_000);
afterAll(async () => portal.close());

describe('essais répétés de codes d’activation', () => {
  it('verrouille le code famille après 5 essais, double l’attente, et refuse même le bon code pendant le verrou', async () => {
    await issueCode(portal, 'MAR-00002', 'QQQQ-RRRR-TTTT');
    const b = new Browser(portal);
    await b.get('/famille/activation');
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) {
      const res = await b.post('/famille/activation', {
        familyCode: 'MAR-00002',
        activationCode: `WXYA-CDEF-GH${i}${i}`,
      });
      statuses.push(res.statusCode);
    }
    // Five wrong codes: refused as wrong; the fifth sets a 15-minute lock.
    expect(statuses).toEqual([400, 400, 400, 400, 400]);
    const locked = await b.post('/famille/activation', {
      familyCode: 'MAR-00002',
      activationCode: 'QQQQ-RRRR-TTTT',
    });
    expect(locked.statusCode).toBe(429);
    expect(text(locked.body)).toContain('Trop d’essais infructueux');
    // A code famille that does not exist locks the same way: the lock reveals nothing.
    const ghost = new Browser(portal);
    await ghost.get('/famille/activation');
    const ghostStatuses: number[] = [];
    for (let i = 0; i < 6; i++)
      ghostStatuses.push(
        (
          await ghost.post('/famille/activation', {
            familyCode: 'ZZZ-00000',
            activationCode: 'WXYA-CDEF-GHJK',
          })
        ).statusCode,
      );
    expect(ghostStatuses).toEqual([400, 400, 400, 400, 400, 429]);

    portal.clock.advance(15 * 60_000 + 1000);
    // One more try after the lock, wrong: locked again, for 30 minutes this time.
    expect(
      (
        await b.post('/famille/activation', {
          familyCode: 'MAR-00002',
          activationCode: 'WXYA-CDEF-GH99',
        })
      ).statusCode,
    ).toBe(400);
    portal.clock.advance(16 * 60_000);
    expect(
      (
        await b.post('/famille/activation', {
          familyCode: 'MAR-00002',
          activationCode: 'QQQQ-RRRR-TTTT',
        })
      ).statusCode,
    ).toBe(429);
    portal.clock.advance(15 * 60_000);
    // Lock over: the right code works, and clears the counter.
    const ok = await b.post('/famille/activation', {
      familyCode: 'MAR-00002',
      activationCode: 'QQQQ-RRRR-TTTT',
    });
    expect(ok.statusCode).toBe(200);
    expect(ok.body).toContain('name="ticket"');
  });

  it('limite aussi le nombre de demandes par adresse réseau', async () => {
    const limited = await openFamilyPortal({ rateLimit: { max: 3, timeWindowMs: 60_000 } });
    try {
      const b = new Browser(limited);
      await b.get('/famille/activation');
      const codes: number[] = [];
      for (let i = 0; i < 4; i++)
        codes.push(
          (
            await b.post('/famille/activation', {
              familyCode: `F-${i}`,
              activationCode: 'WXYA-CDEF-GHJK',
            })
          ).statusCode,
        );
      expect(codes).toEqual([400, 400, 400, 429]);
      expect(text(b.lastHtml)).toContain('Trop de demandes');
    } finally {
      await limited.close();
    }
  }, 180_000);
});

describe('connexion, sessions et CSRF', () => {
  it('connecte, refuse un mauvais mot de passe sans dire si l’adresse existe, déconnecte', async () => {
    await issueCode(portal, 'DUP-00001', 'AAAA-MMMM-PPPP');
    const first = await activate(
      portal,
      'DUP-00001',
      'AAAA-MMMM-PPPP',
      'anne@example.fr',
      'cantine du mardi midi',
    );
    expect((await first.get('/famille/factures')).statusCode).toBe(200);

    const b = new Browser(portal);
    await b.get('/famille/connexion');
    const wrong = await b.post('/famille/connexion', {
      email: 'anne@example.fr',
      password: 'pas le bon',
    });
    const unknown = await b.post('/famille/connexion', {
      email: 'personne@example.fr',
      password: 'pas le bon',
    });
    expect(wrong.statusCode).toBe(401);
    expect(unknown.statusCode).toBe(401);
    const summary = (h: string) => /<div class="error-summary"[\s\S]*?<\/div>/.exec(h)?.[0];
    expect(summary(wrong.body)).toBe(summary(unknown.body));
    expect(text(wrong.body)).toContain('Adresse e-mail ou mot de passe incorrect');
    expect(b.cookies.has('guichet_famille')).toBe(false);

    const ok = await b.post('/famille/connexion', {
      email: 'ANNE@example.fr',
      password: 'cantine du mardi midi',
    });
    expect(ok.statusCode).toBe(303);
    expect(ok.headers.location).toBe('/famille/factures');
    const cookie = [ok.headers['set-cookie']].flat().find((c) => c?.startsWith('guichet_famille='));
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    expect(cookie).toMatch(/Path=\/famille/);
    // Only the hash of the cookie's id is stored.
    const token = b.cookies.get('guichet_famille') ?? '';
    const stored = await portal.database.db
      .select({ t: familySession.tokenSha256 })
      .from(familySession);
    expect(stored.map((s) => s.t)).not.toContain(token);
    expect((await b.get('/famille/factures')).statusCode).toBe(200);

    const out = await b.post('/famille/deconnexion', {});
    expect(out.statusCode).toBe(303);
    const after = await b.get('/famille/factures');
    expect(after.statusCode).toBe(303);
    expect(after.headers.location).toBe('/famille/connexion?info=expiree');
    // The old cookie, replayed, opens nothing: the session is revoked server-side.
    const replay = await portal.app.inject({
      method: 'GET',
      url: '/famille/factures',
      headers: { cookie: `guichet_famille=${token}` },
    });
    expect(replay.statusCode).toBe(303);
  });

  it('ferme la session après 30 minutes d’inactivité et au plus tard après 12 heures', async () => {
    const b = new Browser(portal);
    await b.get('/famille/connexion');
    await b.post('/famille/connexion', {
      email: 'anne@example.fr',
      password: 'cantine du mardi midi',
    });
    portal.clock.advance(29 * 60_000);
    expect((await b.get('/famille/factures')).statusCode).toBe(200);
    portal.clock.advance(31 * 60_000);
    expect((await b.get('/famille/factures')).statusCode).toBe(303);

    await b.get('/famille/connexion');
    await b.post('/famille/connexion', {
      email: 'anne@example.fr',
      password: 'cantine du mardi midi',
    });
    for (let i = 0; i < 28; i++) {
      portal.clock.advance(25 * 60_000);
      expect((await b.get('/famille/compte')).statusCode).toBe(200);
    }
    portal.clock.advance(25 * 60_000);
    expect((await b.get('/famille/compte')).statusCode).toBe(303);
  });

  it('refuse un POST sans jeton CSRF ou avec un jeton faux, sans rien changer', async () => {
    const b = new Browser(portal);
    await b.get('/famille/connexion');
    await b.post('/famille/connexion', {
      email: 'anne@example.fr',
      password: 'cantine du mardi midi',
    });
    await b.get('/famille/compte');
    const none = await b.post(
      '/famille/compte/alertes',
      { alertEmail: 'pirate@example.fr' },
      { csrf: null },
    );
    expect(none.statusCode).toBe(403);
    expect(text(none.body)).toContain(
      'Ce formulaire a expiré ou ne vient pas de l’espace familles',
    );
    const forged = await b.post(
      '/famille/compte/alertes',
      { alertEmail: 'pirate@example.fr' },
      { csrf: 'abc-def' },
    );
    expect(forged.statusCode).toBe(403);
    // A token from another browser (another CSRF secret) does not pass either.
    const other = new Browser(portal);
    await other.get('/famille/connexion');
    const foreign = await b.post(
      '/famille/compte/alertes',
      { alertEmail: 'pirate@example.fr' },
      { csrf: other.csrf() },
    );
    expect(foreign.statusCode).toBe(403);
    const page = await b.get('/famille/compte');
    expect(page.body).not.toContain('pirate@example.fr');
  });
});

describe('mot de passe oublié', () => {
  it('envoie un lien à usage unique valable une heure, et la même réponse pour une adresse inconnue', async () => {
    const b = new Browser(portal);
    await b.get('/famille/mot-de-passe-oublie');
    const before = mails(portal.mailDir).length;
    const unknown = await b.post('/famille/mot-de-passe-oublie', { email: 'inconnu@example.fr' });
    const known = await b.post('/famille/mot-de-passe-oublie', { email: 'anne@example.fr' });
    expect(unknown.statusCode).toBe(200);
    expect(text(unknown.body)).toContain('Si cette adresse est celle d’un compte');
    expect(text(known.body)).toContain('Si cette adresse est celle d’un compte');
    const sent = mails(portal.mailDir).slice(before);
    expect(sent).toHaveLength(1);
    const mail = sent[0]!.replace(/=\r?\n/g, '').replace(/=3D/g, '=');
    expect(mail).toMatch(/^To: anne@example\.fr/m);
    const link =
      /https:\/\/famille\.example\.fr\/famille\/nouveau-mot-de-passe\?jeton=([A-Za-z0-9_-]+)/.exec(
        mail,
      );
    expect(link?.[1]).toBeTruthy();
    const token = link![1]!;
    const stored = await portal.database.db
      .select({ t: passwordReset.tokenSha256 })
      .from(passwordReset);
    expect(stored.map((s) => s.t)).not.toContain(token);

    const page = await b.get(`/famille/nouveau-mot-de-passe?jeton=${token}`);
    expect(page.statusCode).toBe(200);
    expect(page.headers['referrer-policy']).toBe('no-referrer');
    const mismatch = await b.post('/famille/nouveau-mot-de-passe', {
      token,
      password: 'nouvelle phrase longue',
      passwordConfirm: 'autre chose encore',
    });
    expect(mismatch.statusCode).toBe(400);
    const done = await b.post('/famille/nouveau-mot-de-passe', {
      token,
      password: 'nouvelle phrase longue',
      passwordConfirm: 'nouvelle phrase longue',
    });
    expect(done.statusCode).toBe(303);
    expect(done.headers.location).toBe('/famille/connexion?info=mot-de-passe');
    await b.get('/famille/connexion');
    expect(
      (
        await b.post('/famille/connexion', {
          email: 'anne@example.fr',
          password: 'cantine du mardi midi',
        })
      ).statusCode,
    ).toBe(401);
    expect(
      (
        await b.post('/famille/connexion', {
          email: 'anne@example.fr',
          password: 'nouvelle phrase longue',
        })
      ).statusCode,
    ).toBe(303);
    // Spent: the same link no longer works.
    const reused = await b.get(`/famille/nouveau-mot-de-passe?jeton=${token}`);
    expect(reused.statusCode).toBe(400);
    expect(text(reused.body)).toContain('Ce lien n’est plus valable');
  });

  it('refuse un lien de plus d’une heure', async () => {
    const b = new Browser(portal);
    await b.get('/famille/mot-de-passe-oublie');
    const before = mails(portal.mailDir).length;
    await b.post('/famille/mot-de-passe-oublie', { email: 'anne@example.fr' });
    const raw = mails(portal.mailDir)[before] ?? '';
    const mail = raw.replace(/=\r?\n/g, '').replace(/=3D/g, '=');
    const token = /jeton=([A-Za-z0-9_-]+)/.exec(mail)![1]!;
    portal.clock.advance(3_600_000 + 1000);
    const page = await b.get(`/famille/nouveau-mot-de-passe?jeton=${token}`);
    expect(page.statusCode).toBe(400);
    await b.get('/famille/mot-de-passe-oublie');
    const post = await b.post('/famille/nouveau-mot-de-passe', {
      token,
      password: 'encore une phrase',
      passwordConfirm: 'encore une phrase',
    });
    expect(post.statusCode).toBe(400);
    expect(text(post.body)).toContain('Ce lien n’est plus valable');
  });
});
