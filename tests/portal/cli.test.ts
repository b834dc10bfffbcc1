// `npm run portal` as a person runs it: a real process on a free port with its data folder,
// the demo commune and its two counters' enrolment codes, a register enrolling and pulling
// over real HTTP, the admin API, the folder lock against a second process, a clean stop.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ChangesResponse, EnrolResponse } from '../../src/shared/sync/schemas';
import { signRequest } from '../../src/shared/sync/signing';

const root = path.resolve(import.meta.dirname, '../..');
const tsx = path.join(root, 'node_modules', '.bin', 'tsx');
const cli = path.join(root, 'src', 'portal', 'cli.ts');
const dir = mkdtempSync(path.join(os.tmpdir(), 'guichet-portal-cli-'));
const dataDir = path.join(dir, 'data');
const env = {
  ...process.env,
  GUICHET_PORTAL_ADMIN_TOKEN: 'jeton-admin-cli-0123456789',
  GUICHET_PORTAL_DEMO_FAMILIES: '12',
  GUICHET_PORTAL_MASTER_KEY: '',
  DATABASE_URL: '',
};

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('npm run portal', () => {
  it('démarre avec la commune de démonstration, enrôle un poste, sert le flux, verrouille son dossier et s’arrête proprement', async () => {
    const child = spawn(tsx, [cli, 'serve', '--port', '0', '--data', dataDir], { env, cwd: root });
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    const exited = new Promise<number | null>((resolve) =>
      child.on('exit', (code) => resolve(code)),
    );
    try {
      const url = await new Promise<string>((resolve, reject) => {
        child.stdout.on('data', (b: Buffer) => {
          stdout += b.toString();
          const m = /Portail Guichet : (http:\/\/127\.0\.0\.1:\d+) \(base : PGlite/.exec(stdout);
          if (m?.[1]) resolve(m[1]);
        });
        void exited.then((code) => reject(new Error(`portail arrêté (${code}) : ${stderr}`)));
      });
      expect(existsSync(path.join(dataDir, 'master.key'))).toBe(true);
      const health = (await (await fetch(`${url}/health`)).json()) as {
        ok: boolean;
        database: string;
      };
      expect(health).toMatchObject({ ok: true, database: 'pglite' });

      // The demo counters' one-time codes are in the log, once.
      const codes = stderr
        .split('\n')
        .filter((l) => l.includes('portal.seed.counter'))
        .map((l) => JSON.parse(l) as { posteCode: string; enrolmentCode: string });
      expect(codes.map((c) => c.posteCode)).toEqual(['P01', 'P02']);
      const enrolRes = await fetch(`${url}/sync/v1/enrol`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ code: codes[0]!.enrolmentCode, machine: 'test' }),
      });
      expect(enrolRes.status).toBe(200);
      const creds = (await enrolRes.json()) as EnrolResponse;
      expect(creds).toMatchObject({
        posteCode: 'P01',
        regies: [{ code: 'PEN' }, { code: 'SCO' }, { code: 'SPO' }],
      });

      const target = '/sync/v1/changes?limit=50';
      const pulled = await fetch(`${url}${target}`, {
        headers: signRequest(creds, 'GET', target, undefined),
      });
      expect(pulled.status).toBe(200);
      const page = (await pulled.json()) as ChangesResponse;
      expect(page.changes.map((c) => c.entity)).toContain('regie');
      expect(page.hasMore).toBe(true);

      const created = await fetch(`${url}/admin/v1/counters`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: `Bearer ${env.GUICHET_PORTAL_ADMIN_TOKEN}`,
        },
        body: JSON.stringify({ posteCode: 'P03', name: 'Accueil piscine', regies: ['SPO'] }),
      });
      expect(created.status).toBe(201);

      // A second process on the same folder is refused, in French, and changes nothing.
      const second = spawnSync(tsx, [cli, 'counter:list', '--data', dataDir], {
        env,
        cwd: root,
        encoding: 'utf8',
      });
      expect(second.status).toBe(1);
      expect(second.stderr).toMatch(/déjà utilisé par un autre processus du portail/);

      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(existsSync(path.join(dataDir, 'portal.lock'))).toBe(false);

      const list = spawnSync(tsx, [cli, 'counter:list', '--data', dataDir], {
        env,
        cwd: root,
        encoding: 'utf8',
      });
      expect(list.status).toBe(0);
      expect(
        list.stdout
          .split('\n')
          .filter(Boolean)
          .map((l) => l.split('\t').slice(0, 3)),
      ).toEqual([
        ['P01', 'actif', 'PEN,SCO,SPO'],
        ['P02', 'en_attente', 'PEN,SCO,SPO'],
        ['P03', 'en_attente', 'SPO'],
      ]);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  }, 240_000);

  it('refuse une commande inconnue avec l’aide en français', () => {
    const res = spawnSync(tsx, [cli, 'compteur:créer'], { env, cwd: root, encoding: 'utf8' });
    expect(res.status).toBe(2);
    expect(res.stderr).toMatch(/Commande inconnue : compteur:créer/);
    expect(res.stderr).toMatch(/Usage : npm run portal/);
  }, 60_000);
});
