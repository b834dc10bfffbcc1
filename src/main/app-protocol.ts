// The renderer is served from the built files through app://guichet/ rather than file://, so
// that the page has a real origin (which the IPC guard checks), file:// keeps none of its extra
// privileges, and every response carries our CSP. This module holds everything about that
// protocol that does not need Electron: turning a request URL into a file inside the renderer
// folder, refusing anything that could escape it, and building the response. The Electron side
// (src/main/index.ts) only hands requests over.
import { promises as fs } from 'node:fs';
import nodePath from 'node:path';
import { APP_CONTENT_SECURITY_POLICY } from './csp';

export const APP_SCHEME = 'app';
export const APP_HOST = 'guichet';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_ENTRY_URL = `${APP_ORIGIN}/index.html`;

/**
 * The content types the renderer build can contain. Anything else is refused: an unknown
 * extension in the built folder is more likely a mistake or an attack than a needed asset, and
 * serving it with a guessed type would let the browser sniff it into something executable.
 */
export const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.otf': 'font/otf',
  '.wasm': 'application/wasm',
  '.txt': 'text/plain; charset=utf-8',
};

export type ProtocolRefusal = {
  kind: 'refused';
  status: 400 | 403 | 404 | 405;
  /** For the log only; never shown to the page. */
  reason: string;
};

export type ProtocolResolution =
  { kind: 'file'; filePath: string; contentType: string } | ProtocolRefusal;

/** The parts of node:path used here, so tests can check Windows rules on any machine. */
export type PathApi = Pick<
  typeof nodePath,
  'resolve' | 'relative' | 'isAbsolute' | 'sep' | 'extname'
>;

const refuse = (status: ProtocolRefusal['status'], reason: string): ProtocolRefusal => ({
  kind: 'refused',
  status,
  reason,
});

/**
 * Vite names built files with letters, digits, dots, dashes and underscores (its hashes are
 * base64url). Allowing only those characters in each segment closes, before any other check,
 * the whole family of tricks built on separators, drive letters, alternate data streams
 * (`file::$DATA`), percent signs and control characters.
 */
const SAFE_SEGMENT = /^[A-Za-z0-9_-][A-Za-z0-9._-]*$/;

/** Names Windows maps to devices whatever the folder or the extension (CON, NUL.txt...). */
const WINDOWS_DEVICE = /^(con|prn|aux|nul|conin\$|conout\$|com[0-9¹²³]|lpt[0-9¹²³])(\..*)?$/i;

const PREFIX = `${APP_ORIGIN}/`;

/**
 * Maps `app://guichet/<path>` to a file under `rootDir`, or says why not. The raw URL string is
 * examined rather than a parsed URL's pathname, because the URL parser silently resolves `..`
 * and `%2e%2e` segments: a request that tries to climb out must be refused as such, not
 * quietly rewritten into another file.
 */
export function resolveAppRequest(
  requestUrl: string,
  rootDir: string,
  pathApi: PathApi = nodePath,
): ProtocolResolution {
  if (requestUrl.includes('\0')) return refuse(400, 'NUL dans l’URL');
  if (requestUrl === APP_ORIGIN) requestUrl = PREFIX;
  // Exactly our scheme and host, nothing between the host and the first slash: this refuses
  // other hosts, ports, user names (`app://guichet@evil/`) and look-alike hosts in one test.
  if (!requestUrl.startsWith(PREFIX)) return refuse(404, 'hôte ou schéma inconnu');

  // The query and the fragment never name a file.
  const rawPath = requestUrl.slice(PREFIX.length).split(/[?#]/, 1)[0] ?? '';
  if (rawPath.includes('\\')) return refuse(400, 'barre oblique inverse');
  if (/%(2f|5c)/i.test(rawPath)) return refuse(400, 'séparateur encodé');

  let decoded: string;
  try {
    decoded = decodeURIComponent(rawPath);
  } catch {
    return refuse(400, 'encodage invalide');
  }
  // A '%' left after one decoding means the path was encoded twice, a classic way to slip an
  // encoded `..` or separator past a check that decodes once.
  if (decoded.includes('%')) return refuse(400, 'double encodage');

  const relative = decoded === '' ? 'index.html' : decoded;
  const segments = relative.split('/');
  for (const segment of segments) {
    if (segment === '') return refuse(400, 'segment vide ou chemin absolu');
    if (segment === '.' || segment === '..') return refuse(403, 'segment de remontée');
    if (!SAFE_SEGMENT.test(segment)) return refuse(400, 'caractère non autorisé');
    if (WINDOWS_DEVICE.test(segment)) return refuse(400, 'nom de périphérique Windows');
  }

  const root = pathApi.resolve(rootDir);
  const filePath = pathApi.resolve(root, ...segments);
  const inside = pathApi.relative(root, filePath);
  // The segment checks above should make this impossible; it stays as the last word so that a
  // mistake in them cannot turn into a file read outside the renderer folder.
  if (inside === '' || inside.startsWith('..') || pathApi.isAbsolute(inside)) {
    return refuse(403, 'hors du dossier de l’interface');
  }

  const contentType = CONTENT_TYPES[pathApi.extname(filePath).toLowerCase()];
  if (!contentType) return refuse(404, 'type de fichier non servi');
  return { kind: 'file', filePath, contentType };
}

/** Headers every app:// response carries, successful or not. */
export function appResponseHeaders(contentType?: string): Record<string, string> {
  return {
    'content-security-policy': APP_CONTENT_SECURITY_POLICY,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'cross-origin-opener-policy': 'same-origin',
    'cross-origin-resource-policy': 'same-origin',
    'cache-control': 'no-store',
    ...(contentType ? { 'content-type': contentType } : {}),
  };
}

function refusedResponse(status: ProtocolRefusal['status']): Response {
  return new Response(null, { status, headers: appResponseHeaders() });
}

export interface ServeOptions {
  /** Called with every refusal, so that main can log attempts without the page seeing why. */
  onRefused?: (url: string, refusal: ProtocolRefusal) => void;
  pathApi?: PathApi;
}

/**
 * Answers one app:// request with the file it names, or a bare error status. Symbolic links are
 * resolved and checked again, so a link planted in the build folder cannot point outside it.
 */
export async function serveAppRequest(
  request: { url: string; method: string },
  rootDir: string,
  options: ServeOptions = {},
): Promise<Response> {
  const fail = (refusal: ProtocolRefusal): Response => {
    options.onRefused?.(request.url, refusal);
    return refusedResponse(refusal.status);
  };
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    return fail(refuse(405, `méthode ${request.method}`));
  }
  const resolution = resolveAppRequest(request.url, rootDir, options.pathApi);
  if (resolution.kind === 'refused') return fail(resolution);

  let body: Buffer;
  try {
    const [realRoot, realFile] = await Promise.all([
      fs.realpath(rootDir),
      fs.realpath(resolution.filePath),
    ]);
    const inside = nodePath.relative(realRoot, realFile);
    if (inside === '' || inside.startsWith('..') || nodePath.isAbsolute(inside)) {
      return fail(refuse(403, 'lien symbolique hors du dossier de l’interface'));
    }
    const stat = await fs.stat(realFile);
    if (!stat.isFile()) return fail(refuse(404, 'pas un fichier'));
    body = await fs.readFile(realFile);
  } catch {
    return fail(refuse(404, 'fichier absent'));
  }
  return new Response(request.method === 'HEAD' ? null : new Uint8Array(body), {
    status: 200,
    headers: appResponseHeaders(resolution.contentType),
  });
}
