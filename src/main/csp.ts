// The Content-Security-Policy of the desktop window. It matches the browser-mode host's policy
// (src/host/security.ts) except that it starts from 'none': the window loads nothing but its
// own files from app://guichet, so every source type the interface needs is listed and every
// other one stays closed.
//
// Mantine writes its theme's CSS variables in a <style> element at run time, which a static
// build cannot allow by nonce or hash: styles therefore need 'unsafe-inline'. Scripts stay
// strictly 'self' — nothing inline, no eval, nothing from elsewhere — which is what matters,
// since a script is what could reach window.guichet.
const directives: ReadonlyArray<readonly [string, string]> = [
  ['default-src', "'none'"],
  ['script-src', "'self'"],
  ['style-src', "'self' 'unsafe-inline'"],
  ['img-src', "'self' data:"],
  ['font-src', "'self'"],
  ['connect-src', "'self'"],
  ['worker-src', "'self'"],
  ['manifest-src', "'self'"],
  ['frame-src', "'none'"],
  ['object-src', "'none'"],
  ['base-uri', "'none'"],
  ['form-action', "'none'"],
  ['frame-ancestors', "'none'"],
];

export const APP_CONTENT_SECURITY_POLICY = directives.map(([k, v]) => `${k} ${v}`).join('; ');

/**
 * The policy for `electron-vite dev`, where the page comes from Vite's server on the loopback
 * interface. React's fast refresh injects an inline preamble script and Vite pushes updates
 * over a WebSocket to the same host, so those two are opened, and only for that origin. Never
 * used by a packaged application.
 */
export function devContentSecurityPolicy(devOrigin: string): string {
  const ws = devOrigin.replace(/^http/, 'ws');
  return directives
    .map(([k, v]) => {
      if (k === 'script-src') return `${k} 'self' 'unsafe-inline'`;
      if (k === 'connect-src') return `${k} 'self' ${ws}`;
      return `${k} ${v}`;
    })
    .join('; ');
}
