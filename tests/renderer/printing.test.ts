// Printing from the interface, with stand-ins for the two things it talks to: the desktop
// shell's bridge (window.guichetShell) and the browser (window.open, object URLs). The printer
// choice for a document without a stated kind is read from real receipts made by the core,
// through pdf.js as the interface does.
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import { renderReceiptPdf } from '../../src/core/receipts/receipt-pdf';
import type { PrintOutcome, PrinterSummary as MainPrinterSummary } from '../../src/main/printing';
import { TICKET_MAX_WIDTH_MM as MAIN_TICKET_MAX_WIDTH_MM } from '../../src/main/printing';
import type { PrinterListOutcome } from '../../src/main/shell-ipc';
import type { ShellBridge as PreloadShellBridge } from '../../src/preload/index';
import {
  isDesktop,
  shellBridge,
  type ShellBridge,
  type ShellPrintOutcome,
  type ShellPrintRequest,
  type ShellPrinterList,
} from '../../src/renderer/desktop/shell-bridge';
import { pdfFirstPageWidth, type PdfJsLike } from '../../src/renderer/printing/pdf-page-width';
import {
  BLOB_URL_LIFETIME_MS,
  listPrinters,
  nothingPrinted,
  printDocument,
  type BrowserPrinting,
  type PrintEnvironment,
} from '../../src/renderer/printing/print-document';
import {
  TICKET_MAX_WIDTH_MM,
  detectPrintKind,
  printKindForWidth,
} from '../../src/renderer/printing/print-kind';
import {
  SYSTEM_DEFAULT_CHOICE,
  choiceOf,
  isMissing,
  printerChoices,
  settingOf,
} from '../../src/renderer/printing/printer-choices';
import { richReceipt } from '../core/receipts/receipt-fixtures';

const nodePdfJs = async (): Promise<PdfJsLike> => ({ getDocument }) as unknown as PdfJsLike;

let ticket: Uint8Array;
let a5: Uint8Array;
beforeAll(async () => {
  ticket = await renderReceiptPdf(richReceipt(), { layout: 'ticket' });
  a5 = await renderReceiptPdf(richReceipt(), { layout: 'a5' });
}, 60_000);

const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');
const file = (bytes: Uint8Array, fileName = 'recu-R-SCO-P01-2026-000123.pdf') => ({
  fileName,
  pdfBase64: b64(bytes),
});

/** A shell bridge that records requests and answers as told. */
function fakeShell(answer: (r: ShellPrintRequest) => Promise<ShellPrintOutcome>) {
  const requests: ShellPrintRequest[] = [];
  const shell: ShellBridge = {
    print: (r) => {
      requests.push(r);
      return answer(r);
    },
    listPrinters: async () => ({ ok: true, printers: [{ name: 'EPSON', displayName: 'Epson' }] }),
    reportError: () => undefined,
  };
  return { shell, requests };
}

/** A browser that records what it opens; `blocked` mimics a popup blocker. */
function fakeBrowser(blocked = false) {
  const events: string[] = [];
  const listeners: Array<() => void> = [];
  const blobs: Blob[] = [];
  const browser: BrowserPrinting = {
    open: (url) => {
      events.push(`open ${url}`);
      if (blocked) return null;
      return {
        addEventListener: ((type: string, fn: () => void) => {
          events.push(`listen ${type}`);
          listeners.push(fn);
        }) as Window['addEventListener'],
        focus: () => events.push('focus'),
        print: () => events.push('print'),
      };
    },
    createObjectURL: (blob) => {
      blobs.push(blob);
      return 'blob:http://127.0.0.1/1';
    },
    revokeObjectURL: (url) => events.push(`revoke ${url}`),
    later: (fn, ms) => {
      events.push(`later ${ms}`);
      fn();
    },
  };
  return { browser, events, blobs, load: () => listeners.forEach((fn) => fn()) };
}

const env = (shell: ShellBridge | null, browser = fakeBrowser().browser): PrintEnvironment => ({
  shell,
  browser,
  readPageWidth: (bytes) => pdfFirstPageWidth(bytes, nodePdfJs),
});

describe('printDocument in the desktop application', () => {
  it('hands the document and its kind to the shell, and reports the printer used', async () => {
    const { shell, requests } = fakeShell(async () => ({ ok: true, printer: 'EPSON' }));
    const doc = file(ticket);
    expect(await printDocument(doc, 'ticket', env(shell))).toEqual({
      ok: true,
      where: 'printer',
      printer: 'EPSON',
    });
    expect(requests).toEqual([{ kind: 'ticket', ...doc }]);
  });

  it('reads the kind from the page width when asked to: tickets 80 mm, A5 on the A4 printer', async () => {
    const { shell, requests } = fakeShell(async () => ({ ok: true, printer: '' }));
    await printDocument(file(ticket), 'auto', env(shell));
    await printDocument(file(a5), 'auto', env(shell));
    expect(requests.map((r) => r.kind)).toEqual(['ticket', 'a4']);
  });

  it('passes the shell’s French refusals on, and never rejects', async () => {
    const refused = fakeShell(async () => ({
      ok: false,
      code: 'ECHEC',
      message: 'L’imprimante « EPSON » n’a pas imprimé le document (Print job failed).',
    }));
    const result = await printDocument(file(ticket), 'ticket', env(refused.shell));
    expect(result).toMatchObject({ ok: false, code: 'ECHEC' });
    expect(nothingPrinted(result)).toBe(false);

    const broken = fakeShell(async () => {
      throw new Error('Error invoking remote method');
    });
    const failed = await printDocument(file(ticket), 'ticket', env(broken.shell));
    expect(failed).toMatchObject({ ok: false, code: 'NON_IMPRIME' });
    expect(!failed.ok && failed.message).toContain('rien n’a été imprimé');
    expect(nothingPrinted(failed)).toBe(true);
  });

  it('refuses to guess the printer for a document it cannot read', async () => {
    const { shell, requests } = fakeShell(async () => ({ ok: true, printer: '' }));
    const result = await printDocument(
      { fileName: 'x.pdf', pdfBase64: b64(new TextEncoder().encode('pas un PDF')) },
      'auto',
      env(shell),
    );
    expect(result).toMatchObject({ ok: false, code: 'NON_IMPRIME' });
    expect(requests).toEqual([]);
  });
});

describe('printDocument in browser mode', () => {
  it('opens the PDF in a new tab at once and prints it once loaded', async () => {
    const b = fakeBrowser();
    const pending = printDocument(file(ticket), 'ticket', env(null, b.browser));
    // Opened before anything was awaited: browsers only allow it during the click.
    expect(b.events[0]).toBe('open blob:http://127.0.0.1/1');
    expect(await pending).toEqual({ ok: true, where: 'browser' });
    expect(b.blobs[0]?.type).toBe('application/pdf');
    expect(Buffer.from(await b.blobs[0]!.arrayBuffer()).equals(Buffer.from(ticket))).toBe(true);
    b.load();
    expect(b.events).toEqual([
      'open blob:http://127.0.0.1/1',
      `later ${BLOB_URL_LIFETIME_MS}`,
      'revoke blob:http://127.0.0.1/1',
      'listen load',
      'focus',
      'print',
    ]);
  });

  it('says in French that a popup blocker stopped it, nothing printed', async () => {
    const b = fakeBrowser(true);
    const result = await printDocument(file(ticket), 'ticket', env(null, b.browser));
    expect(result).toMatchObject({ ok: false, code: 'NON_IMPRIME' });
    expect(!result.ok && result.message).toContain('bloqué l’ouverture');
    expect(nothingPrinted(result)).toBe(true);
    // The object URL is released all the same.
    expect(b.events).toContain('revoke blob:http://127.0.0.1/1');
  });
});

describe('listPrinters', () => {
  it('asks the shell in the desktop application, and says it cannot in a browser', async () => {
    const { shell } = fakeShell(async () => ({ ok: true, printer: '' }));
    expect(await listPrinters(shell)).toEqual({
      ok: true,
      printers: [{ name: 'EPSON', displayName: 'Epson' }],
    });
    const browser = await listPrinters(null);
    expect(browser).toMatchObject({ ok: false, desktopOnly: true });
    expect(!browser.ok && browser.message).toContain('application de bureau');
    const broken: ShellBridge = {
      ...shell,
      listPrinters: () => Promise.reject(new Error('IPC')),
    };
    expect(await listPrinters(broken)).toMatchObject({ ok: false });
  });
});

describe('print kind', () => {
  it('sends 80 mm pages to the receipt printer and wider ones to the A4 printer', () => {
    const mm = (v: number) => (v * 72) / 25.4;
    expect(printKindForWidth(mm(80))).toBe('ticket');
    expect(printKindForWidth(mm(58))).toBe('ticket');
    expect(printKindForWidth(mm(90))).toBe('ticket');
    expect(printKindForWidth(mm(91))).toBe('a4');
    expect(printKindForWidth(mm(148))).toBe('a4');
    expect(printKindForWidth(mm(210))).toBe('a4');
    // The main process refuses a ticket wider than this same limit.
    expect(TICKET_MAX_WIDTH_MM).toBe(MAIN_TICKET_MAX_WIDTH_MM);
  });

  it('reads the real receipts’ widths with pdf.js', async () => {
    const read = (bytes: Uint8Array) => pdfFirstPageWidth(bytes, nodePdfJs);
    expect(((await read(ticket)) * 25.4) / 72).toBeCloseTo(80, 1);
    expect(await detectPrintKind(ticket, read)).toBe('ticket');
    expect(await detectPrintKind(a5, read)).toBe('a4');
    // pdf.js is given a copy: the caller's bytes stay usable for the download.
    expect(ticket.byteLength).toBeGreaterThan(0);
  });
});

describe('printer choices', () => {
  const printers = [
    { name: 'EPSON_TM_T20', displayName: 'Epson TM-T20' },
    { name: 'HP_A4', displayName: 'HP_A4' },
  ];

  it('offers Windows’ default first, then the system names with their display names', () => {
    expect(printerChoices(printers, '')).toEqual([
      { value: SYSTEM_DEFAULT_CHOICE, label: 'Imprimante par défaut de Windows' },
      { value: 'EPSON_TM_T20', label: 'Epson TM-T20 (EPSON_TM_T20)' },
      { value: 'HP_A4', label: 'HP_A4' },
    ]);
  });

  it('keeps a printer that disappeared, marked, rather than changing the setting', () => {
    expect(isMissing(printers, 'Ancienne')).toBe(true);
    expect(isMissing(printers, '')).toBe(false);
    expect(printerChoices(printers, 'Ancienne').at(-1)).toEqual({
      value: 'Ancienne',
      label: 'Ancienne — introuvable sur cet ordinateur',
    });
  });

  it('maps the default printer to an empty setting and back', () => {
    expect(settingOf(SYSTEM_DEFAULT_CHOICE)).toBe('');
    expect(settingOf(null)).toBe('');
    expect(settingOf('HP_A4')).toBe('HP_A4');
    expect(choiceOf('')).toBe(SYSTEM_DEFAULT_CHOICE);
    expect(choiceOf('HP_A4')).toBe('HP_A4');
  });
});

describe('the shell bridge', () => {
  it('is there in the desktop application only', () => {
    const { shell } = fakeShell(async () => ({ ok: true, printer: '' }));
    expect(isDesktop({ guichetShell: shell })).toBe(true);
    expect(shellBridge({ guichetShell: shell })).toBe(shell);
    expect(isDesktop({})).toBe(false);
    expect(isDesktop(undefined)).toBe(false);
  });

  it('matches what the preload exposes and what the main process answers', () => {
    expectTypeOf<ShellBridge>().toExtend<PreloadShellBridge>();
    expectTypeOf<ShellPrintOutcome>().toEqualTypeOf<PrintOutcome>();
    expectTypeOf<ShellPrinterList>().toEqualTypeOf<PrinterListOutcome>();
    expectTypeOf<ShellPrinterList & { ok: true }>()
      .toHaveProperty('printers')
      .toEqualTypeOf<MainPrinterSummary[]>();
  });
});
