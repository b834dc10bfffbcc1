// The window never opens another window nor navigates away from app://guichet. A link meant
// for the outside world (the PayFiP portal, a help page) is handed to the system browser, but
// only after this vetting: shell.openExternal runs whatever the operating system associates
// with a URL, so file:, javascript:, data:, custom schemes or a UNC path would turn a link into
// a way to run programs on the counter's computer.

export type ExternalUrlVerdict = { ok: true; url: string } | { ok: false; reason: string };

const MAX_LENGTH = 2048;
const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * Accepts https URLs, and plain http only to this machine (the browser-mode host and local test
 * servers). Credentials in the URL are refused: they would end up in the browser's history and
 * are a common way to disguise the real host (`https://mairie.fr@evil.example/`).
 */
export function vetExternalUrl(raw: unknown): ExternalUrlVerdict {
  if (typeof raw !== 'string') return { ok: false, reason: 'pas une chaîne' };
  if (raw.length === 0 || raw.length > MAX_LENGTH) return { ok: false, reason: 'longueur' };
  // Control characters and spaces are dropped silently by the URL parser; refusing them keeps
  // what is checked identical to what would be opened.
  for (const ch of raw) {
    const code = ch.codePointAt(0) ?? 0;
    if (code <= 0x20 || code === 0x7f) return { ok: false, reason: 'caractère de contrôle' };
  }
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { ok: false, reason: 'URL invalide' };
  }
  if (url.username !== '' || url.password !== '') {
    return { ok: false, reason: 'identifiants dans l’URL' };
  }
  if (url.protocol === 'https:') {
    if (url.hostname === '') return { ok: false, reason: 'hôte vide' };
    return { ok: true, url: url.href };
  }
  if (url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname)) {
    return { ok: true, url: url.href };
  }
  return { ok: false, reason: `schéma ou hôte non autorisé (${url.protocol})` };
}

/**
 * The origin of a URL as `scheme://host[:port]`. Node's URL gives 'null' as the origin of
 * custom schemes such as app:, while Chromium serialises a registered standard scheme like any
 * web origin; computing it here keeps both sides comparable.
 */
export function originOf(raw: string): string | null {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return null;
  }
  if (url.host === '' || url.username !== '' || url.password !== '') return null;
  return `${url.protocol}//${url.host}`;
}

/** Whether the window may navigate to `raw`: only within one of our own origins. */
export function isInternalNavigation(raw: string, trustedOrigins: readonly string[]): boolean {
  const origin = originOf(raw);
  return origin !== null && trustedOrigins.includes(origin);
}
