// The frame of every family page: skip link, banner with the commune's name, the menu when
// logged in, one <main>, a footer. Server-rendered HTML that works without JavaScript; React
// is used only as a template language (renderToStaticMarkup escapes every value).
import type { ReactNode } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { familyText } from '../text';

export const BASE = '/famille';

export interface PageContext {
  communeName: string;
  /** Null on the pages before login. */
  family: { name: string; code: string } | null;
  csrfToken: string;
  /** The menu entry to mark as current. */
  section?: 'factures' | 'compte' | 'contact';
}

export function Csrf({ token }: { token: string }) {
  return <input type="hidden" name="_csrf" value={token} />;
}

export function Notice({ text, kind = 'info' }: { text: string | null; kind?: 'info' | 'error' }) {
  if (!text) return null;
  return (
    <div className={`notice notice-${kind}`} role={kind === 'error' ? 'alert' : 'status'}>
      <p>{text}</p>
    </div>
  );
}

function Menu({ ctx }: { ctx: PageContext }) {
  const item = (key: NonNullable<PageContext['section']>, href: string, label: string) => (
    <li>
      <a href={href} aria-current={ctx.section === key ? 'page' : undefined}>
        {label}
      </a>
    </li>
  );
  return (
    <nav aria-label="Menu de l’espace familles" className="menu">
      <ul>
        {item('factures', `${BASE}/factures`, 'Mes factures')}
        {item('compte', `${BASE}/compte`, 'Mon compte')}
        {item('contact', `${BASE}/contact`, 'Écrire au service')}
        <li>
          <form method="post" action={`${BASE}/deconnexion`}>
            <Csrf token={ctx.csrfToken} />
            <button type="submit" className="link-button">
              Se déconnecter
            </button>
          </form>
        </li>
      </ul>
    </nav>
  );
}

export function Layout({
  ctx,
  title,
  children,
}: {
  ctx: PageContext;
  title: string;
  children: ReactNode;
}) {
  return (
    <html lang="fr">
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="robots" content="noindex" />
        <title>{`${title} — ${familyText.siteName} — ${ctx.communeName}`}</title>
        <link rel="stylesheet" href={`${BASE}/static/famille.css`} />
      </head>
      <body>
        <a className="skip-link" href="#contenu">
          {familyText.skipLink}
        </a>
        <header className="site-header">
          <div className="wrap header-row">
            <p className="brand">
              <a href={`${BASE}/`}>
                <span className="brand-commune">{ctx.communeName}</span>
                <span className="brand-site">{familyText.siteName}</span>
              </a>
            </p>
            {ctx.family ? (
              <p className="who">
                Famille {ctx.family.name} <span className="code">({ctx.family.code})</span>
              </p>
            ) : null}
          </div>
          {ctx.family ? (
            <div className="wrap">
              <Menu ctx={ctx} />
            </div>
          ) : null}
        </header>
        <main id="contenu" tabIndex={-1}>
          <div className="wrap">{children}</div>
        </main>
        <footer className="site-footer">
          <div className="wrap">
            <p>{familyText.footer}</p>
          </div>
        </footer>
      </body>
    </html>
  );
}

export function renderPage(element: ReactNode): string {
  return `<!doctype html>${renderToStaticMarkup(element)}`;
}
