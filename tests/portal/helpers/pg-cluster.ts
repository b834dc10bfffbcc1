// A throwaway PostgreSQL cluster for the portal's integration tests: initdb into a temporary
// folder, start it on a free loopback port with the Debian server binaries, stop and delete it
// afterwards. initdb refuses to run as root, so under root the cluster belongs to the
// `postgres` system user (created by Debian's package) and is driven through runuser.
// When the binaries are missing, `findPgBinaries()` says why and the tests are skipped.
import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

// GUICHET_PG_BIN, when set, is the only place looked at (and lets one check the skip path).
const CANDIDATE_DIRS = process.env.GUICHET_PG_BIN
  ? [process.env.GUICHET_PG_BIN]
  : [
      '/usr/lib/postgresql/15/bin',
      '/usr/lib/postgresql/16/bin',
      '/usr/lib/postgresql/17/bin',
      '/usr/lib/postgresql/14/bin',
    ];

export interface PgBinaries {
  bin: string;
  /** Under root: the system user that owns the cluster. */
  runAs: { user: string; uid: number; gid: number } | null;
}

export function findPgBinaries(): PgBinaries | { missing: string } {
  const bin = CANDIDATE_DIRS.find(
    (d) => existsSync(path.join(d, 'initdb')) && existsSync(path.join(d, 'pg_ctl')),
  );
  if (!bin) {
    return {
      missing: `binaires PostgreSQL introuvables (cherchés dans ${CANDIDATE_DIRS.join(', ')}) : installez le paquet Debian « postgresql » ou indiquez GUICHET_PG_BIN`,
    };
  }
  if (process.getuid?.() !== 0) return { bin, runAs: null };
  try {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    if (
      !existsSync('/usr/sbin/runuser') &&
      !existsSync('/sbin/runuser') &&
      !existsSync('/usr/bin/runuser')
    ) {
      return {
        missing:
          'runuser introuvable : impossible de lancer PostgreSQL sous un autre utilisateur que root',
      };
    }
    return { bin, runAs: { user: 'postgres', uid, gid } };
  } catch {
    return {
      missing: 'exécution en root sans utilisateur système « postgres » : initdb refuse root',
    };
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

export interface PgCluster {
  url: string;
  port: number;
  stop(): Promise<void>;
}

export async function startPgCluster(found: PgBinaries): Promise<PgCluster> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'guichet-pg-'));
  const data = path.join(dir, 'data');
  if (found.runAs) {
    chownSync(dir, found.runAs.uid, found.runAs.gid);
    chmodSync(dir, 0o700);
  }
  const run = (tool: string, args: string[]) => {
    const exe = path.join(found.bin, tool);
    const [cmd, argv] = found.runAs
      ? ['runuser', ['-u', found.runAs.user, '--', exe, ...args]]
      : [exe, args];
    execFileSync(cmd, argv, { stdio: 'pipe', env: { ...process.env, LC_ALL: 'C' } });
  };
  const port = await freePort();
  try {
    run('initdb', [
      '-D',
      data,
      '-A',
      'trust',
      '-U',
      'postgres',
      '-E',
      'UTF8',
      '--locale=C',
      '--no-sync',
    ]);
    // Durability is worthless for a cluster deleted after the tests; speed is not.
    const serverOptions = [
      `-p ${port}`,
      `-k ${dir}`,
      '-c listen_addresses=127.0.0.1',
      '-c fsync=off',
      '-c synchronous_commit=off',
      '-c full_page_writes=off',
      '-c max_connections=40',
    ].join(' ');
    run('pg_ctl', [
      '-D',
      data,
      '-o',
      serverOptions,
      '-l',
      path.join(dir, 'server.log'),
      '-w',
      '-t',
      '60',
      'start',
    ]);
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    const err = e as { stderr?: Buffer; message: string };
    throw new Error(
      `Démarrage de PostgreSQL impossible : ${err.stderr?.toString() ?? err.message}`,
    );
  }
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    async stop() {
      try {
        run('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
