import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APP_CONTENT_SECURITY_POLICY as CSP, devContentSecurityPolicy } from '../../src/main/csp';
import {
  APP_ENTRY_URL,
  resolveAppRequest,
  serveAppRequest,
  type ProtocolRefusal,
} from '../../src/main/app-protocol';

// A real folder laid out like the built renderer, with a secret next to it that no request may
// reach, and a symbolic link planted inside it that points at that secret.
let base: string;
let rootDir: string;

beforeAll(() => {
  base = mkdtempSync(path.join(tmpdir(), 'guichet-protocol-'));
  rootDir = path.join(base, 'renderer');
  mkdirSync(path.join(rootDir, 'assets'), { recursive: true });
  writeFileSync(path.join(rootDir, 'index.html'), '<!doctype html><title>Guichet</title>');
  writeFileSync(path.join(rootDir, 'assets', 'index-B_x9-z.js'), 'console.log("ok");');
  writeFileSync(path.join(rootDir, 'assets', 'index-Qq1.css'), 'body{}');
  writeFileSync(path.join(rootDir, 'assets', 'notes.exe'), 'MZ');
  mkdirSync(path.join(rootDir, 'assets', 'dir.js'));
  writeFileSync(path.join(base, 'secret.txt'), 'SECRET');
  symlinkSync(path.join(base, 'secret.txt'), path.join(rootDir, 'assets', 'leak.txt'));
});

afterAll(() => rmSync(base, { recursive: true, force: true }));

const root = '/srv/guichet/renderer';

function refusal(url: string, pathApi = path.posix): ProtocolRefusal {
  const r = resolveAppRequest(url, root, pathApi);
  if (r.kind !== 'refused')
    throw new Error(`${url} aurait dû être refusée, résolue en ${r.filePath}`);
  return r;
}

describe('resolveAppRequest', () => {
  it('maps the entry and hashed assets inside the root, with their content type', () => {
    expect(resolveAppRequest(APP_ENTRY_URL, root, path.posix)).toEqual({
      kind: 'file',
      filePath: '/srv/guichet/renderer/index.html',
      contentType: 'text/html; charset=utf-8',
    });
    expect(resolveAppRequest('app://guichet/', root, path.posix)).toMatchObject({
      filePath: '/srv/guichet/renderer/index.html',
    });
    expect(resolveAppRequest('app://guichet', root, path.posix)).toMatchObject({
      filePath: '/srv/guichet/renderer/index.html',
    });
    expect(resolveAppRequest('app://guichet/assets/index-B_x9-z.js', root, path.posix)).toEqual({
      kind: 'file',
      filePath: '/srv/guichet/renderer/assets/index-B_x9-z.js',
      contentType: 'text/javascript; charset=utf-8',
    });
  });

  it('ignores the query string and the fragment, including hostile ones', () => {
    expect(
      resolveAppRequest('app://guichet/index.html?x=../../etc/passwd#/../..', root, path.posix),
    ).toMatchObject({ kind: 'file', filePath: '/srv/guichet/renderer/index.html' });
    expect(
      resolveAppRequest('app://guichet/assets/index-B_x9-z.js?v=2', root, path.posix),
    ).toMatchObject({
      filePath: '/srv/guichet/renderer/assets/index-B_x9-z.js',
    });
  });

  it.each([
    ['app://guichet/../secret.txt', 403],
    ['app://guichet/assets/../../secret.txt', 403],
    ['app://guichet/./index.html', 403],
    ['app://guichet/%2e%2e/secret.txt', 403],
    ['app://guichet/%2E%2e/%2e%2E/etc/passwd', 403],
    ['app://guichet/assets/%2e%2e/%2e%2e/secret.txt', 403],
  ])('refuses the climb %s', (url, status) => {
    expect(refusal(url).status).toBe(status);
  });

  it.each([
    'app://guichet/..%2fsecret.txt',
    'app://guichet/..%2Fsecret.txt',
    'app://guichet/assets%2f..%2f..%2fsecret.txt',
    'app://guichet/..%5csecret.txt',
    'app://guichet/..%5Csecret.txt',
    'app://guichet/..\\secret.txt',
    'app://guichet/assets\\..\\..\\secret.txt',
  ])('refuses separators smuggled in %s', (url) => {
    expect(refusal(url).status).toBe(400);
  });

  it.each([
    'app://guichet/%252e%252e/secret.txt',
    'app://guichet/%252e%252e%252fsecret.txt',
    'app://guichet/assets/%25%32%65%25%32%65/secret.txt',
  ])('refuses double encoding %s', (url) => {
    expect(refusal(url).status).toBe(400);
  });

  it.each([
    'app://guichet//etc/passwd',
    'app://guichet///etc/passwd',
    'app://guichet/C:/Windows/win.ini',
    'app://guichet/C:%5CWindows%5Cwin.ini',
    'app://guichet/%2Fetc%2Fpasswd',
    'app://guichet/index.html::$DATA',
  ])('refuses absolute paths and drive letters %s', (url) => {
    expect(refusal(url).status).toBe(400);
  });

  it.each([
    'app://guichet/index.html%00.js',
    'app://guichet/index.html\0.js',
    'app://guichet/assets/%0a.js',
    'app://guichet/%E0%A4%A',
  ])('refuses NUL, control characters and broken encodings in %j', (url) => {
    expect(refusal(url).status).toBe(400);
  });

  it.each([
    'app://evil/index.html',
    'app://GUICHET/index.html',
    'app://guichet.evil/index.html',
    'app://guichet@evil/index.html',
    'app://user@guichet/index.html',
    'app://guichet:8080/index.html',
    'file:///srv/guichet/renderer/index.html',
    'https://guichet/index.html',
    'appx://guichet/index.html',
  ])('answers 404 for another host or scheme: %s', (url) => {
    expect(refusal(url).status).toBe(404);
  });

  it('refuses Windows device names, which escape any folder', () => {
    expect(refusal('app://guichet/CON').status).toBe(400);
    expect(refusal('app://guichet/assets/nul.js').status).toBe(400);
    expect(refusal('app://guichet/assets/COM1.txt').status).toBe(400);
  });

  it('refuses file types the renderer never contains', () => {
    expect(refusal('app://guichet/assets/notes.exe')).toMatchObject({ status: 404 });
    expect(refusal('app://guichet/assets/LICENSE')).toMatchObject({ status: 404 });
  });

  it('applies the same rules with Windows paths', () => {
    const winRoot = 'C:\\Program Files\\Guichet\\resources\\app.asar\\out\\renderer';
    expect(resolveAppRequest('app://guichet/assets/index-B_x9-z.js', winRoot, path.win32)).toEqual({
      kind: 'file',
      filePath: `${winRoot}\\assets\\index-B_x9-z.js`,
      contentType: 'text/javascript; charset=utf-8',
    });
    for (const url of [
      'app://guichet/..%5c..%5cWindows%5cwin.ini',
      'app://guichet/C:/Windows/win.ini',
      'app://guichet/%5c%5cserver%5cshare%5cx.js',
      'app://guichet/..\\..\\x.js',
    ]) {
      expect(resolveAppRequest(url, winRoot, path.win32).kind, url).toBe('refused');
    }
  });
});

describe('serveAppRequest', () => {
  const get = (url: string, method = 'GET') => serveAppRequest({ url, method }, rootDir);

  it('serves a built file with its type and the CSP', async () => {
    const res = await get('app://guichet/assets/index-B_x9-z.js');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(res.headers.get('content-security-policy')).toBe(CSP);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await res.text()).toBe('console.log("ok");');
  });

  it('serves index.html for the bare origin', async () => {
    const res = await get('app://guichet/');
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('<title>Guichet</title>');
  });

  it('answers HEAD without a body and refuses other methods', async () => {
    const head = await get('app://guichet/index.html', 'HEAD');
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
    expect((await get('app://guichet/index.html', 'POST')).status).toBe(405);
  });

  it('never returns the secret next to the root, and puts the CSP on refusals too', async () => {
    for (const url of [
      'app://guichet/../secret.txt',
      'app://guichet/%2e%2e/secret.txt',
      'app://guichet/..%2fsecret.txt',
      'app://guichet/%252e%252e%252fsecret.txt',
      'app://evil/secret.txt',
    ]) {
      const res = await get(url);
      expect(res.status, url).toBeGreaterThanOrEqual(400);
      expect(res.headers.get('content-security-policy'), url).toBe(CSP);
      expect(await res.text(), url).not.toContain('SECRET');
    }
  });

  it('refuses a symbolic link that leads out of the root', async () => {
    const refusals: ProtocolRefusal[] = [];
    const res = await serveAppRequest(
      { url: 'app://guichet/assets/leak.txt', method: 'GET' },
      rootDir,
      {
        onRefused: (_url, r) => refusals.push(r),
      },
    );
    expect(res.status).toBe(403);
    expect(await res.text()).toBe('');
    expect(refusals).toEqual([expect.objectContaining({ status: 403 })]);
  });

  it('answers 404 for a missing file and for a folder', async () => {
    expect((await get('app://guichet/assets/absent-123.js')).status).toBe(404);
    expect((await get('app://guichet/assets/dir.js')).status).toBe(404);
  });
});

describe('content security policy', () => {
  const directives = new Map(
    CSP.split(';').map((d) => {
      const [name = '', ...values] = d.trim().split(/\s+/);
      return [name, values] as const;
    }),
  );

  it('closes everything by default and allows scripts from our own files only', () => {
    expect(directives.get('default-src')).toEqual(["'none'"]);
    expect(directives.get('script-src')).toEqual(["'self'"]);
    expect(CSP).not.toContain('unsafe-eval');
    expect(CSP).not.toMatch(/script-src[^;]*unsafe-inline/);
    expect(CSP).not.toMatch(/https?:|\*/);
  });

  it('forbids framing, plugins, base rewriting and form posts', () => {
    expect(directives.get('object-src')).toEqual(["'none'"]);
    expect(directives.get('frame-ancestors')).toEqual(["'none'"]);
    expect(directives.get('frame-src')).toEqual(["'none'"]);
    expect(directives.get('base-uri')).toEqual(["'none'"]);
    expect(directives.get('form-action')).toEqual(["'none'"]);
  });

  it('loosens only scripts and the WebSocket for the development server', () => {
    const dev = devContentSecurityPolicy('http://localhost:5173');
    expect(dev).toContain("script-src 'self' 'unsafe-inline'");
    expect(dev).toContain("connect-src 'self' ws://localhost:5173");
    expect(dev).toContain("object-src 'none'");
    expect(dev).not.toContain('unsafe-eval');
  });
});
