// `npm run portal -- [command]`: the central portal server and its administration commands.
// With no DATABASE_URL the database is PGlite in the data folder (default .data/portal), which
// one process at a time may open: while the server runs, administer it through its HTTP API.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import pino, { type Logger } from 'pino';
import { loadMasterKey } from './auth/secrets';
import { createCounter, issueEnrolmentCode, listCounters, revokeCounter } from './counters/admin';
import { openPortalDatabase, type DatabaseTarget, type PortalDatabase } from './db/open';
import { PortalError } from './errors';
import { portalText } from './messages';
import { importBundle } from './ordonnateur/import';
import { seedPortal } from './seed/seed';
import { buildPortalApp, listenPortal } from './server';
import { DEFAULT_SANDBOX_PORT, startSandbox, type SandboxApp } from './payfip/sandbox/server';
import { readFile } from 'node:fs/promises';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const DEFAULT_PORTAL_PORT = 8790;

class UsageError extends Error {}

interface CommonOptions {
  dataDir: string;
  target: DatabaseTarget;
}

function common(values: { data?: string | undefined }, env: NodeJS.ProcessEnv): CommonOptions {
  const dataDir = path.resolve(
    values.data ?? env.GUICHET_PORTAL_DATA ?? path.join(repoRoot, '.data', 'portal'),
  );
  const url = env.DATABASE_URL?.trim();
  return { dataDir, target: url ? { kind: 'postgres', url } : { kind: 'pglite', dataDir } };
}

function describe(target: DatabaseTarget): string {
  if (target.kind === 'pglite') return `PGlite, ${target.dataDir}`;
  // Never print a password that the connection string may carry.
  return `PostgreSQL, ${target.url.replace(/\/\/[^@/]*@/, '//…@')}`;
}

function frenchDate(iso: string): string {
  return new Intl.DateTimeFormat('fr-FR', {
    dateStyle: 'short',
    timeStyle: 'short',
    timeZone: 'Europe/Paris',
  }).format(new Date(iso));
}

async function withDatabase<T>(
  opts: CommonOptions,
  log: Logger,
  fn: (d: PortalDatabase) => Promise<T>,
): Promise<T> {
  const database = await openPortalDatabase({ target: opts.target, log });
  try {
    return await fn(database);
  } finally {
    await database.close();
  }
}

export async function main(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const [first, ...rest] = argv;
  const command = first && !first.startsWith('-') ? first : 'serve';
  const args = command === first ? rest : argv;
  let parsed;
  try {
    parsed = parseArgs({
      args,
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        data: { type: 'string' },
        empty: { type: 'boolean', default: false },
        poste: { type: 'string' },
        name: { type: 'string' },
        regies: { type: 'string' },
        reason: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
      allowPositionals: true,
      strict: true,
    });
  } catch (e) {
    throw new UsageError(`${e instanceof Error ? e.message : String(e)}\n${portalText.cliUsage}`);
  }
  const { values, positionals } = parsed;
  if (values.help) throw new UsageError(portalText.cliUsage);
  // Logs go to stderr: stdout carries only what a script may want to read (address, codes).
  const log = pino({ level: env.GUICHET_LOG_LEVEL ?? 'info' }, pino.destination(2));
  const opts = common(values, env);
  const out = (line: string) => process.stdout.write(`${line}\n`);
  const needPoste = () => {
    if (!values.poste) throw new UsageError(`--poste est obligatoire.\n${portalText.cliUsage}`);
    return values.poste;
  };

  switch (command) {
    case 'serve': {
      const rawPort = values.port ?? env.GUICHET_PORTAL_PORT ?? String(DEFAULT_PORTAL_PORT);
      const port = /^\d{1,5}$/.test(rawPort) ? Number(rawPort) : NaN;
      if (!(port >= 0 && port <= 65535)) throw new UsageError(`Port invalide : « ${rawPort} ».`);
      const { key, created } = loadMasterKey(opts.dataDir, env);
      if (created) log.warn({ dataDir: opts.dataDir }, portalText.masterKeyCreated);
      const database = await openPortalDatabase({ target: opts.target, log });
      try {
        const asked = Number(env.GUICHET_PORTAL_DEMO_FAMILIES);
        await seedPortal(database.db, values.empty ? 'none' : 'demo', {
          now: () => new Date(),
          log,
          ...(Number.isInteger(asked) && asked > 0 && asked <= 200_000 ? { families: asked } : {}),
        });
        // The demo pays online in the PayFiP sandbox (régies in test mode, saisie T); régies
        // in activation or production (X, W) always use the real service.
        let sandbox: SandboxApp | null = null;
        if (!values.empty && env.GUICHET_PAYFIP_SANDBOX !== 'non') {
          const rawSandbox = env.GUICHET_PAYFIP_SANDBOX_PORT ?? String(DEFAULT_SANDBOX_PORT);
          sandbox = await startSandbox({
            host: '127.0.0.1',
            port: /^\d{1,5}$/.test(rawSandbox) ? Number(rawSandbox) : DEFAULT_SANDBOX_PORT,
          });
          out(`Bac à sable PayFiP : ${sandbox.url}`);
        }
        let publicUrl = env.GUICHET_PORTAL_PUBLIC_URL;
        const app = await buildPortalApp({
          database,
          masterKey: key,
          adminToken: env.GUICHET_PORTAL_ADMIN_TOKEN || undefined,
          logger: log,
          // Mails written as files (no SMTP) belong with the rest of this portal's data.
          family: { mailDir: env.GUICHET_PORTAL_MAIL_DIR || path.join(opts.dataDir, 'mails') },
          payfip: {
            testEndpoint: env.GUICHET_PAYFIP_TEST_URL ?? sandbox?.endpoint,
            productionEndpoint: env.GUICHET_PAYFIP_URL,
            publicUrl: () => publicUrl ?? '',
          },
        });
        if (sandbox) {
          const started = sandbox;
          app.addHook('onClose', async () => started.close());
        }
        const running = await listenPortal(app, values.host ?? '127.0.0.1', port);
        publicUrl ??= running.url;
        out(portalText.cliListening(running.url, describe(opts.target)));
        let stopping = false;
        const stop = () => {
          if (stopping) return;
          stopping = true;
          log.info(portalText.cliStopping);
          running
            .close()
            .then(() => database.close())
            .then(
              () => process.exit(0),
              () => process.exit(1),
            );
        };
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      } catch (e) {
        await database.close();
        throw e;
      }
      return;
    }
    case 'migrate':
      await withDatabase(opts, log, async (d) => out(portalText.cliMigrated(d.migration.applied)));
      return;
    case 'counter:create':
      await withDatabase(opts, log, async (d) => {
        const issued = await createCounter(
          d.db,
          {
            posteCode: needPoste(),
            name: values.name ?? '',
            ...(values.regies ? { regies: values.regies.split(',') } : {}),
          },
          'cli',
          new Date(),
        );
        out(
          portalText.cliCounterCreated(issued.posteCode, issued.code, frenchDate(issued.expiresAt)),
        );
      });
      return;
    case 'counter:code':
      await withDatabase(opts, log, async (d) => {
        const issued = await issueEnrolmentCode(d.db, needPoste(), 'cli', new Date());
        out(portalText.cliCodeIssued(issued.posteCode, issued.code, frenchDate(issued.expiresAt)));
      });
      return;
    case 'counter:revoke':
      await withDatabase(opts, log, async (d) => {
        await revokeCounter(d.db, needPoste(), values.reason ?? '', 'cli', new Date());
        out(portalText.cliRevoked(needPoste().toUpperCase()));
      });
      return;
    case 'counter:list':
      await withDatabase(opts, log, async (d) => {
        for (const c of await listCounters(d.db)) {
          out(`${c.posteCode}\t${c.status}\t${c.regies.join(',')}\tséq. ${c.lastSeq}\t${c.name}`);
        }
      });
      return;
    case 'import': {
      const file = positionals[0];
      if (!file) throw new UsageError(`Indiquez le fichier à importer.\n${portalText.cliUsage}`);
      const content: unknown = JSON.parse(await readFile(file, 'utf8'));
      await withDatabase(opts, log, async (d) => {
        const s = await importBundle(d.db, content, 'cli', new Date());
        out(portalText.cliImported(s.families, s.invoices));
      });
      return;
    }
    default:
      throw new UsageError(`Commande inconnue : ${command}.\n${portalText.cliUsage}`);
  }
}

const invokedDirectly =
  process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (invokedDirectly) {
  main(process.argv.slice(2)).catch((e: unknown) => {
    const message =
      e instanceof PortalError || e instanceof UsageError
        ? e.message
        : e instanceof Error
          ? e.message
          : String(e);
    process.stderr.write(`${message}\n`);
    process.exit(e instanceof UsageError ? 2 : 1);
  });
}
