import { describe, expect, it } from 'vitest';
import { isInternalNavigation, originOf, vetExternalUrl } from '../../src/main/external-url';

describe('vetExternalUrl', () => {
  it.each([
    [
      'https://www.tipi.budget.gouv.fr/tpa/paiement.web',
      'https://www.tipi.budget.gouv.fr/tpa/paiement.web',
    ],
    ['https://mairie.example/aide?page=2#caisse', 'https://mairie.example/aide?page=2#caisse'],
    ['HTTPS://Mairie.Example/', 'https://mairie.example/'],
    ['http://localhost:4173/', 'http://localhost:4173/'],
    ['http://127.0.0.1:8080/portail', 'http://127.0.0.1:8080/portail'],
    ['http://[::1]:3000/', 'http://[::1]:3000/'],
  ])('opens %s', (raw, expected) => {
    expect(vetExternalUrl(raw)).toEqual({ ok: true, url: expected });
  });

  it.each([
    'javascript:alert(1)',
    'JavaScript:alert(1)',
    'file:///C:/Windows/System32/calc.exe',
    'file://server/share/x.exe',
    'data:text/html,<script>alert(1)</script>',
    'vbscript:msgbox(1)',
    'ms-msdt:/id PCWDiagnostic',
    'search-ms:query=x',
    'mailto:regie@mairie.example',
    'smb://server/share',
    'app://guichet/index.html',
    'http://mairie.example/',
    'http://192.168.1.10/',
    'http://10.0.0.1/',
    'http://localhost.evil.example/',
    'http://127.0.0.1.nip.io/',
    'https://user:pass@mairie.example/',
    'https://mairie.example@evil.example/',
    'http://user@localhost:3000/',
    ' https://mairie.example/',
    'https://mairie.example/\nx',
    'https://mairie.example/\u0000',
    '\\\\server\\share\\x.exe',
    '/relative/path',
    '',
    `https://mairie.example/${'a'.repeat(2100)}`,
  ])('refuses %j', (raw) => {
    expect(vetExternalUrl(raw).ok).toBe(false);
  });

  it('refuses values that are not strings', () => {
    expect(vetExternalUrl(undefined).ok).toBe(false);
    expect(vetExternalUrl({ href: 'https://mairie.example/' }).ok).toBe(false);
  });
});

describe('originOf and isInternalNavigation', () => {
  it('serialises custom-scheme origins the way Chromium does', () => {
    expect(originOf('app://guichet/index.html?x#y')).toBe('app://guichet');
    expect(originOf('http://localhost:5173/src/main.tsx')).toBe('http://localhost:5173');
    expect(originOf('app://user@guichet/')).toBeNull();
    expect(originOf('about:blank')).toBeNull();
    expect(originOf('not a url')).toBeNull();
  });

  it('allows navigation only within the trusted origins', () => {
    const trusted = ['app://guichet'];
    expect(isInternalNavigation('app://guichet/index.html', trusted)).toBe(true);
    expect(isInternalNavigation('app://guichet.evil/index.html', trusted)).toBe(false);
    expect(isInternalNavigation('app://evil/index.html', trusted)).toBe(false);
    expect(isInternalNavigation('https://mairie.example/', trusted)).toBe(false);
    expect(isInternalNavigation('file:///C:/index.html', trusted)).toBe(false);
    expect(isInternalNavigation('http://localhost:5173/', trusted)).toBe(false);
    expect(
      isInternalNavigation('http://localhost:5173/', [...trusted, 'http://localhost:5173']),
    ).toBe(true);
  });
});
