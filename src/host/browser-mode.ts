// Browser mode as a command: parse the flags, make sure the UI is built, start the host, print
// the address and open it. Shared by `tsx src/host/cli.ts` and `npm start`'s fallback.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pino from 'pino';
import { seedKinds, type SeedKind } from '../shared/demo/seed-kinds';
import { startHost, type RunningHost } from './server';
import { defaultWebDir, ensureWebBuild, repoRoot, webBuildIsStale } from './web-build';

export const DEFAULT_PORT = 8787;

export interface BrowserModeOptions {
  port: number;
  dataDir: string;
  /** What a new database starts with: the demo commune unless asked otherwise. */
  seed: SeedKind;
  open: boolean;
}

const isSeedKind = (v: string): v is SeedKind => seedKinds.some((k) => k === v);

export const browserModeText = {
  badPort: (v: string) =>
    `Port invalide : « ${v} ». Donnez un nombre entre 0 et 65535 (0 = port libre au hasard).`,
  address: (url: string) => `Guichet (mode navigateur) : ${url}`,
  badSeed: (v: string) => `Valeur de --seed inconnue : « ${v} ». Choisissez demo, empty ou none.`,
  seedAndEmpty: 'Choisissez --empty ou --seed, pas les deux.',
  openFailed: 'Le navigateur n’a pas pu être ouvert : ouvrez l’adresse ci-dessus vous-même.',
  building: 'Construction de l’interface web…',
  stopping: 'Arrêt de Guichet',
  usage:
    'Usage : tsx src/host/cli.ts [--port 8787] [--data .data] [--seed demo|empty|none] [--no-open]\n' +
    '  --port N      port d’écoute sur 127.0.0.1 (0 = port libre au hasard)\n' +
    '  --data DIR    dossier des données (base SQLite, sauvegardes)\n' +
    '  --seed demo   base neuve : commune de démonstration (par défaut)\n' +
    '  --seed empty  base neuve : « Commune à configurer » et un compte régisseur\n' +
    '  --seed none   base neuve vide : écran de mise en service, comme l’application installée\n' +
    '  --empty       comme --seed empty\n' +
    '  --no-open     ne pas ouvrir le navigateur',
};

export class UsageError extends Error {}

/** node:util's parseArgs speaks English; the person at the terminal gets French. */
function frenchParseError(e: unknown): string {
  const message = e instanceof Error ? e.message : String(e);
  const code = (e as { code?: string }).code;
  const option = /'(-[^' ]+)/.exec(message)?.[1] ?? '';
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') return `Option inconnue : ${option}.`;
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    return `Valeur manquante ou mal placée pour ${option} (écrivez par exemple --port=8787).`;
  }
  if (code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL')
    return `Argument inattendu : ${message.split("'")[1] ?? ''}.`;
  return `Option invalide : ${message}`;
}

export function parseBrowserModeArgs(argv: readonly string[]): BrowserModeOptions {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        port: { type: 'string' },
        data: { type: 'string' },
        empty: { type: 'boolean', default: false },
        seed: { type: 'string' },
        'no-open': { type: 'boolean', default: false },
        // Accepted so that `npm start -- --browser` can pass its own flags through.
        browser: { type: 'boolean', default: false },
        electron: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (e) {
    throw new UsageError(`${frenchParseError(e)}\n${browserModeText.usage}`);
  }
  if (values.help) throw new UsageError(browserModeText.usage);
  const rawPort = values.port ?? String(DEFAULT_PORT);
  const port = Number(rawPort);
  if (!/^\d+$/.test(rawPort) || !Number.isInteger(port) || port < 0 || port > 65535) {
    throw new UsageError(browserModeText.badPort(rawPort));
  }
  if (values.seed !== undefined && values.empty) throw new UsageError(browserModeText.seedAndEmpty);
  const seed = values.empty ? 'empty' : (values.seed ?? 'demo');
  if (!isSeedKind(seed)) throw new UsageError(browserModeText.badSeed(seed));
  return {
    port,
    dataDir: path.resolve(values.data ?? path.join(repoRoot, '.data')),
    seed,
    open: !values['no-open'],
  };
}

function openInBrowser(url: string, onError: () => void): void {
  const [cmd, args] =
    process.platform === 'darwin'
      ? ['open', [url]]
      : process.platform === 'win32'
        ? ['cmd', ['/c', 'start', '""', url]]
        : ['xdg-open', [url]];
  try {
    const child = spawn(cmd, args, { detached: true, stdio: 'ignore' });
    child.on('error', onError);
    child.unref();
  } catch {
    onError();
  }
}

export async function runBrowserMode(opts: BrowserModeOptions): Promise<RunningHost> {
  // Logs go to stderr so that stdout carries only the one line with the address.
  const logger = pino({ level: process.env.GUICHET_LOG_LEVEL ?? 'info' }, pino.destination(2));
  if (webBuildIsStale()) {
    logger.info(browserModeText.building);
    ensureWebBuild();
  }
  const host = await startHost({
    port: opts.port,
    dataDir: opts.dataDir,
    seed: opts.seed,
    webDir: defaultWebDir,
    logger,
  });
  process.stdout.write(`${browserModeText.address(host.url)}\n`);
  if (opts.open) openInBrowser(host.url, () => logger.warn(browserModeText.openFailed));

  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    logger.info(browserModeText.stopping);
    host.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return host;
}
