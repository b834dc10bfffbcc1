// The family side of the portal, end to end in Chromium: a portal started the way an operator
// does (`npm run portal`, here on a free port and a throw-away folder), a commune imported
// through the admin API, a register that enrols and pushes an access code and later a counter
// payment through the signed sync API, and a family that activates its account with the
// coupon's codes, reads its invoices, downloads one and sees the counter payment as réglée.
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test, type Page } from '@playwright/test';
import { signRequest } from '../../src/shared/sync/signing';
import { screenshot } from './helpers';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const ADMIN = 'jeton-admin-e2e-famille-0123456789';
const CODE = '7KQ4-MX9C-TRH3';

let child: ChildProcess | null = null;
let dataDir = '';
let base = '';
let counter = { counterId: '', secret: '' };
let seq = 0;

async function admin(method: 'GET' | 'POST', url: string, body?: unknown) {
  const res = await fetch(`${base}${url}`, {
    method,
    headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${url} : ${res.status} ${await res.text()}`);
  return res.json() as Promise<Record<string, unknown>>;
}

async function pushOp(kind: string, payload: unknown) {
  const text = JSON.stringify({ ops: [{ opId: randomUUID(), seq: ++seq, kind, payload }] });
  const headers = signRequest(counter, 'POST', '/sync/v1/push', text);
  const res = await fetch(`${base}/sync/v1/push`, {
    method: 'POST',
    headers: { ...headers, 'content-type': 'application/json' },
    body: text,
  });
  const json = (await res.json()) as { results: { status: string }[] };
  expect(json.results[0]?.status).toBe('applied');
}

const agent = { login: 'mguichet', displayName: 'Marc Guichet' };
const responsable = {
  rank: 1,
  civility: 'Mme',
  lastName: 'Lefèvre',
  firstName: 'Camille',
  addressLine1: '12 rue des Tilleuls',
  postalCode: '49100',
  city: 'Ville de Démo',
};
const invoice = (n: number, amountCents: number, label: string, status = 'emise') => ({
  number: `2026-SCO-90000${n}`,
  regieCode: 'SCO',
  familyCode: 'LEF-00042',
  label,
  period: '2026-02',
  issueDate: '2026-03-02',
  dueDate: '2026-04-01',
  amountCents,
  paidOutsideCents: 0,
  refdet: `2026SCO90000${n}`,
  status,
  lines: [{ label: 'Repas de cantine', quantity: amountCents / 350, unitPriceCents: 350 }],
});

test.beforeAll(async () => {
  test.setTimeout(180_000);
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'guichet-portail-famille-'));
  child = spawn(
    process.execPath,
    ['--import', 'tsx', 'src/portal/cli.ts', 'serve', '--port', '0', '--data', dataDir, '--empty'],
    {
      cwd: root,
      env: {
        ...process.env,
        DATABASE_URL: '',
        GUICHET_PORTAL_ADMIN_TOKEN: ADMIN,
        GUICHET_PORTAL_MAIL_DIR: path.join(dataDir, 'mails'),
        GUICHET_LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let err = '';
  child.stderr?.on('data', (c: Buffer) => (err += c.toString()));
  base = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`portail non démarré :\n${err}`)), 150_000);
    child?.stdout?.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /(http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (m?.[1]) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    child?.on('exit', (code) => reject(new Error(`portail arrêté (${code}) :\n${err}`)));
  });
  await admin('POST', '/admin/v1/import', {
    format: 'guichet-commune-bundle',
    version: 1,
    commune: {
      name: 'Ville de Démo',
      addressLine: '1 place de la Mairie',
      postalCode: '49100',
      city: 'Ville de Démo',
    },
    regies: [
      {
        code: 'SCO',
        name: 'Régie scolaire',
        numcli: '090909',
        acceptedModes: ['especes', 'cheque', 'carte', 'payfip'],
        cashCeilingCents: 30000,
        floatCents: 15000,
        creditorLabel: 'Régie scolaire de Ville de Démo',
        allowCredit: true,
        serviceName: 'Service Éducation',
        serviceAddress: 'Hôtel de ville, 1 place de la Mairie',
        servicePhone: '02 41 00 00 00',
      },
    ],
    families: [
      { code: 'LEF-00042', familyName: 'Lefèvre', responsables: [responsable], regies: ['SCO'] },
    ],
    invoices: [
      invoice(1, 4900, 'CANTINE FÉVRIER 2026'),
      invoice(2, 2450, 'CANTINE JANVIER 2026'),
      invoice(3, 3500, 'CANTINE NOVEMBRE 2025', 'tresorerie'),
    ],
  });
  const created = await admin('POST', '/admin/v1/counters', {
    posteCode: 'E2E',
    name: 'Guichet école (test)',
    regies: ['SCO'],
  });
  const enrol = await fetch(`${base}/sync/v1/enrol`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ code: created.code }),
  });
  const enrolled = (await enrol.json()) as { counterId: string; secret: string };
  counter = { counterId: enrolled.counterId, secret: enrolled.secret };
  // The register printed a coupon: it pushes the SHA-256 of the normalised code, never the code.
  await pushOp('access_code', {
    ref: randomUUID(),
    familyCode: 'LEF-00042',
    codeSha256: createHash('sha256').update(CODE.replace(/-/g, '')).digest('hex'),
    issuedAt: new Date().toISOString(),
    expiresAt: new Date(Date.now() + 60 * 86_400_000).toISOString(),
    agent,
  });
});

test.afterAll(async () => {
  if (child && child.exitCode === null) {
    const done = new Promise((r) => child?.once('exit', r));
    child.kill('SIGTERM');
    await done;
  }
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

async function shots(page: Page, name: string) {
  await screenshot(page, `famille-${name}-desktop`);
  const size = page.viewportSize();
  await page.setViewportSize({ width: 390, height: 844 });
  await screenshot(page, `famille-${name}-mobile`);
  if (size) await page.setViewportSize(size);
}

test('une famille active son compte avec le coupon, voit ses factures et un paiement du guichet', async ({
  page,
}) => {
  test.setTimeout(120_000);
  await page.goto(`${base}/famille/`);
  await expect(page.getByRole('heading', { name: 'Connexion à l’espace familles' })).toBeVisible();
  await shots(page, 'connexion');
  await page.getByRole('link', { name: 'Activer mon compte' }).click();

  // A wrong code first: one clear message, linked to nothing it could reveal.
  await page.getByLabel('Code famille').fill('lef-00042');
  await page.getByLabel('Code d’activation').fill('7KQ4-MX9C-TRH4');
  await page.getByRole('button', { name: 'Continuer' }).click();
  await expect(page.getByRole('alert')).toContainText(
    'Ces codes ne permettent pas d’ouvrir un compte',
  );
  await shots(page, 'activation-erreur');

  await page.getByLabel('Code d’activation').fill('7kq4 mx9c trh3');
  await page.getByRole('button', { name: 'Continuer' }).click();
  await expect(
    page.getByRole('heading', { name: 'Choisir mon adresse e-mail et mon mot de passe' }),
  ).toBeVisible();
  await page.getByLabel('Adresse e-mail').fill('camille.lefevre@example.fr');
  await page.getByLabel('Mot de passe', { exact: true }).fill('court');
  await page.getByLabel('Confirmation du mot de passe').fill('court');
  await page.getByRole('button', { name: 'Activer mon compte' }).click();
  await expect(page.getByRole('alert')).toContainText('Mot de passe trop court');
  await expect(page.getByLabel('Mot de passe', { exact: true })).toHaveAttribute(
    'aria-invalid',
    'true',
  );
  await shots(page, 'activation-etape2-erreur');
  await page.getByLabel('Mot de passe', { exact: true }).fill('la cantine du mardi');
  await page.getByLabel('Confirmation du mot de passe').fill('la cantine du mardi');
  await page.getByRole('button', { name: 'Activer mon compte' }).click();

  await expect(page.getByRole('heading', { name: 'Mes factures' })).toBeVisible();
  await expect(page.getByRole('status')).toContainText('Votre compte est activé');
  await expect(page.getByText('CANTINE FÉVRIER 2026')).toBeVisible();
  await expect(page.getByText('CANTINE JANVIER 2026')).toBeVisible();
  await expect(page.getByRole('link', { name: /À payer \(2\)/ })).toHaveAttribute(
    'aria-current',
    'page',
  );
  await shots(page, 'factures-a-payer');

  // The PDF of an invoice downloads.
  const download = page.waitForEvent('download');
  await page.getByRole('link', { name: 'Télécharger la facture n° 2026-SCO-900001 (PDF)' }).click();
  expect((await download).suggestedFilename()).toBe('facture-2026-SCO-900001.pdf');

  await page.getByRole('link', { name: /En trésorerie \(1\)/ }).click();
  await expect(page.getByText('Réglez-les auprès du Trésor public')).toBeVisible();
  await shots(page, 'factures-tresorerie');

  // At the counter, the family pays January in cash; the register pushes the payment.
  await pushOp('payment', {
    ref: randomUUID(),
    receiptNumber: 'R-SCO-E2E-2026-000001',
    regieCode: 'SCO',
    familyCode: 'LEF-00042',
    mode: 'especes',
    amountCents: 2450,
    tenderedCents: 3000,
    changeCents: 550,
    creditCreatedCents: 0,
    details: {},
    recordedAt: new Date().toISOString(),
    agent,
    allocations: [{ invoiceNumber: '2026-SCO-900002', amountCents: 2450 }],
  });
  await page.getByRole('link', { name: /Réglées/ }).click();
  const paid = page.getByRole('article').filter({ hasText: 'CANTINE JANVIER 2026' });
  await expect(paid).toContainText('Espèces');
  await expect(paid).toContainText('Quittance R-SCO-E2E-2026-000001');
  await shots(page, 'factures-reglees');
  await page.getByRole('link', { name: /À payer \(1\)/ }).click();
  await expect(page.getByText('CANTINE JANVIER 2026')).toHaveCount(0);

  await page.getByRole('link', { name: 'Mon compte' }).click();
  await page.getByLabel('Adresse à prévenir').fill('camille.lefevre@example.fr');
  await page.getByRole('button', { name: 'Ajouter cette adresse' }).click();
  await expect(page.getByRole('status')).toContainText('Adresse ajoutée');
  await shots(page, 'compte');

  await page.getByRole('link', { name: 'Écrire au service' }).click();
  await page.getByLabel('Objet').fill('Absence');
  await page.getByLabel('Message').fill('Bonjour, Léa était malade le 12 mars. Merci.');
  await page.getByRole('button', { name: 'Envoyer le message' }).click();
  await expect(page.getByRole('status')).toContainText('Votre message est envoyé');
  await shots(page, 'contact');

  await page.getByRole('button', { name: 'Se déconnecter' }).click();
  await expect(page.getByRole('status')).toContainText('Vous êtes déconnecté');
});
