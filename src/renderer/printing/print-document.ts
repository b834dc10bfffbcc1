// Printing from the interface. In the desktop application the shell prints on this counter's
// printers (the receipt printer for tickets, the A4 printer otherwise, silently or with the
// system's dialog, as the poste's settings say). In browser mode there is no shell: the PDF
// opens in a new tab of the browser, whose print dialog opens on it. The content security policy
// forbids frames and blob: sources in the page itself, which rules out the hidden-iframe trick.
import { printingMessages as m } from './messages';
import { pdfFirstPageWidth } from './pdf-page-width';
import { detectPrintKind, type PageWidthReader } from './print-kind';
import {
  shellBridge,
  type PrintFailureCode,
  type PrintKind,
  type ShellBridge,
  type ShellPrinterList,
} from '../desktop/shell-bridge';

/** Whether printing goes to this computer's printers (desktop) or through the browser. */
export { isDesktop } from '../desktop/shell-bridge';

export interface PrintableFile {
  fileName: string;
  pdfBase64: string;
}

export type PrintResult =
  | { ok: true; where: 'printer'; printer: string }
  | { ok: true; where: 'browser' }
  | { ok: false; code: PrintFailureCode; message: string };

/** What may have come out of the printer: decides whether a receipt's next print is a duplicata. */
export function nothingPrinted(result: PrintResult): boolean {
  return !result.ok && result.code !== 'ECHEC';
}

/** The browser's side of browser mode, replaced by fakes in tests. */
export interface BrowserPrinting {
  open(url: string): Pick<Window, 'addEventListener' | 'focus' | 'print'> | null;
  createObjectURL(blob: Blob): string;
  revokeObjectURL(url: string): void;
  later(fn: () => void, ms: number): void;
}

export interface PrintEnvironment {
  shell: ShellBridge | null;
  browser: BrowserPrinting;
  /** For 'auto': the width of the PDF's first page, in points. */
  readPageWidth: PageWidthReader;
}

export function defaultEnvironment(): PrintEnvironment {
  return {
    shell: shellBridge(),
    readPageWidth: (bytes) => pdfFirstPageWidth(bytes),
    browser: {
      open: (url) => window.open(url, '_blank'),
      createObjectURL: (blob) => URL.createObjectURL(blob),
      revokeObjectURL: (url) => URL.revokeObjectURL(url),
      later: (fn, ms) => void setTimeout(fn, ms),
    },
  };
}

function base64ToBlob(base64: string): Blob {
  return new Blob([base64ToBytes(base64)], { type: 'application/pdf' });
}

/** How long the PDF's object URL lives: long enough for the new tab to have read it. */
export const BLOB_URL_LIFETIME_MS = 120_000;

/**
 * Opens the PDF in a new tab and asks that tab to print. Synchronous on purpose: browsers only
 * allow window.open during the click that asked for it, not after an await.
 */
export function printInBrowser(file: PrintableFile, browser: BrowserPrinting): PrintResult {
  const url = browser.createObjectURL(base64ToBlob(file.pdfBase64));
  const tab = browser.open(url);
  browser.later(() => browser.revokeObjectURL(url), BLOB_URL_LIFETIME_MS);
  if (!tab) return { ok: false, code: 'NON_IMPRIME', message: m.popupBlocked };
  tab.addEventListener('load', () => {
    tab.focus();
    tab.print();
  });
  return { ok: true, where: 'browser' };
}

function base64ToBytes(base64: string): Uint8Array<ArrayBuffer> {
  const binary = atob(base64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/**
 * Prints one document. `kind` says which printer; 'auto' reads it from the page width (80 mm
 * tickets to the receipt printer). Never rejects: every failure comes back as a French message,
 * and the caller keeps the document on screen. Call it straight from the click handler: in
 * browser mode the new tab must be opened before anything is awaited.
 */
export function printDocument(
  file: PrintableFile,
  kind: PrintKind | 'auto',
  env: PrintEnvironment = defaultEnvironment(),
): Promise<PrintResult> {
  if (!env.shell) return Promise.resolve(printInBrowser(file, env.browser));
  const shell = env.shell;
  const resolvedKind: Promise<PrintKind | null> =
    kind === 'auto'
      ? detectPrintKind(base64ToBytes(file.pdfBase64), env.readPageWidth).catch(() => null)
      : Promise.resolve(kind);
  return resolvedKind.then((k): Promise<PrintResult> => {
    if (k === null) {
      return Promise.resolve({ ok: false, code: 'NON_IMPRIME', message: m.unreadable });
    }
    return shell
      .print({ kind: k, fileName: file.fileName, pdfBase64: file.pdfBase64 })
      .then((outcome): PrintResult =>
        outcome.ok ? { ok: true, where: 'printer', printer: outcome.printer } : outcome,
      )
      .catch((): PrintResult => ({ ok: false, code: 'NON_IMPRIME', message: m.bridgeFailed }));
  });
}

export type PrinterListResult =
  ShellPrinterList | { ok: false; desktopOnly: true; message: string };

/** This computer's printers, in the desktop application only. */
export async function listPrinters(
  shell: ShellBridge | null = shellBridge(),
): Promise<PrinterListResult> {
  if (!shell) return { ok: false, desktopOnly: true, message: m.printersDesktopOnly };
  try {
    return await shell.listPrinters();
  } catch {
    return { ok: false, message: m.printersBridgeFailed };
  }
}
