// Printing, everything short of Chromium itself: the request a page may send, the page sizes
// read from real receipts made by the core, the options given to webContents.print (80 mm
// tickets in microns, A4 otherwise, the printers of this machine's settings), the French
// failure reasons, and the whole sequence with a stand-in print window — the temporary file,
// the window always destroyed and the folder always removed, whatever happens.
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  utimesSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PDFDocument } from 'pdf-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderReceiptPdf } from '../../src/core/receipts/receipt-pdf';
import {
  MAX_PRINT_PDF_BYTES,
  PRINT_DIR_PREFIX,
  createPrintService,
  pdfGeometry,
  printFailure,
  printOptionsFor,
  printRequestSchema,
  printWindowOptions,
  sweepStalePrintDirs,
  type PageGeometry,
  type PrintOptions,
  type PrintServiceDeps,
  type PrintWindowHandle,
  type PrinterSettings,
} from '../../src/main/printing';
import type { ShellLog } from '../../src/main/renderer-errors';
import { richReceipt } from '../core/receipts/receipt-fixtures';

const base = mkdtempSync(path.join(tmpdir(), 'guichet-print-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));

let ticket: Uint8Array;
let a5: Uint8Array;
let a4: Uint8Array;

beforeAll(async () => {
  ticket = await renderReceiptPdf(richReceipt(), { layout: 'ticket' });
  a5 = await renderReceiptPdf(richReceipt({ duplicata: true }), { layout: 'a5' });
  const doc = await PDFDocument.create();
  doc.addPage([595.28, 841.89]);
  doc.addPage([595.28, 841.89]);
  a4 = await doc.save();
}, 60_000);

const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');

describe('printRequestSchema', () => {
  const valid = {
    kind: 'ticket',
    fileName: 'recu-R-SCO-P01-2026-000123.pdf',
    pdfBase64: 'JVBERi0xLjc=',
  };

  it('accepts a ticket or an A4 document with a plain PDF name', () => {
    expect(printRequestSchema.parse(valid)).toEqual(valid);
    expect(
      printRequestSchema.safeParse({
        ...valid,
        kind: 'a4',
        fileName: 'rapport-Z-P01-2026-03-16-session-4.pdf',
      }).success,
    ).toBe(true);
  });

  it('refuses other kinds, paths, other extensions, odd characters and extra fields', () => {
    const bad: Array<Record<string, unknown>> = [
      { ...valid, kind: 'a5' },
      { ...valid, kind: undefined },
      { ...valid, fileName: '../../Windows/system.ini.pdf' },
      { ...valid, fileName: 'C:\\recu.pdf' },
      { ...valid, fileName: 'recu.exe' },
      { ...valid, fileName: 'recu\u0007.pdf' },
      { ...valid, fileName: `${'a'.repeat(200)}.pdf` },
      { ...valid, pdfBase64: 'pas du base64 !' },
      { ...valid, pdfBase64: 'JVBERi0xLjc' },
      { ...valid, pdfBase64: '' },
      { ...valid, deviceName: 'Autre imprimante' },
      { ...valid, silent: true },
    ];
    for (const request of bad) {
      expect(
        printRequestSchema.safeParse(request).success,
        JSON.stringify(request).slice(0, 80),
      ).toBe(false);
    }
  });

  it('refuses a document above the size limit', () => {
    const tooBig = 'A'.repeat(4 * Math.ceil(MAX_PRINT_PDF_BYTES / 3) + 4);
    expect(printRequestSchema.safeParse({ ...valid, pdfBase64: tooBig }).success).toBe(false);
  });
});

describe('pdfGeometry', () => {
  it('reads the 80 mm ticket, the A5 receipt and an A4 document made by the core’s library', async () => {
    const t = (await pdfGeometry(ticket))!;
    expect(t.pages).toBe(1);
    expect((t.widthPt * 25.4) / 72).toBeCloseTo(80, 1);
    // One long page: taller than wide, as long as its content.
    expect(t.heightPt).toBeGreaterThan(t.widthPt * 1.5);
    const r = (await pdfGeometry(a5))!;
    expect((r.widthPt * 25.4) / 72).toBeCloseTo(148, 0);
    expect((r.heightPt * 25.4) / 72).toBeCloseTo(210, 0);
    expect(await pdfGeometry(a4)).toEqual({ pages: 2, widthPt: 595.28, heightPt: 841.89 });
  });

  it('gives null for bytes that are not a PDF', async () => {
    expect(await pdfGeometry(new TextEncoder().encode('%PDF-1.7 mais rien derrière'))).toBeNull();
    expect(await pdfGeometry(new Uint8Array([1, 2, 3]))).toBeNull();
  });
});

const settings: PrinterSettings = {
  printerReceipt: 'EPSON_TM_T20',
  printerA4: 'HP_LaserJet_Accueil',
  printSilent: true,
};

describe('printOptionsFor', () => {
  it('prints a ticket 80 mm wide and exactly as long as the PDF, in microns, on the receipt printer', async () => {
    const g = (await pdfGeometry(ticket))!;
    const options = printOptionsFor('ticket', settings, g);
    expect(options).toEqual({
      silent: true,
      printBackground: true,
      deviceName: 'EPSON_TM_T20',
      landscape: false,
      copies: 1,
      margins: { marginType: 'none' },
      color: false,
      pageSize: { width: 80_000, height: Math.ceil((g.heightPt * 25_400) / 72) },
    });
    const { height } = options.pageSize as { height: number };
    expect(Math.abs(height - (g.heightPt / 72) * 25_400)).toBeLessThan(1);
  });

  it('prints everything else on A4 paper on the A4 printer', () => {
    const g: PageGeometry = { pages: 2, widthPt: 595.28, heightPt: 841.89 };
    expect(printOptionsFor('a4', settings, g)).toMatchObject({
      deviceName: 'HP_LaserJet_Accueil',
      pageSize: 'A4',
      color: true,
      silent: true,
    });
  });

  it('leaves the printer to Windows when none is chosen, and shows the dialog unless silent', () => {
    const g: PageGeometry = { pages: 1, widthPt: 226.77, heightPt: 600 };
    const options = printOptionsFor(
      'ticket',
      { printerReceipt: '  ', printerA4: '', printSilent: false },
      g,
    );
    expect(options).not.toHaveProperty('deviceName');
    expect(options.silent).toBe(false);
  });

  it('never asks for a page shorter than Electron accepts', () => {
    const options = printOptionsFor('ticket', settings, {
      pages: 1,
      widthPt: 226.77,
      heightPt: 0.5,
    });
    expect((options.pageSize as { height: number }).height).toBeGreaterThanOrEqual(353);
  });
});

describe('printFailure', () => {
  it('says in French what happened, and whether anything may have come out', () => {
    expect(printFailure('Print job canceled', 'EPSON')).toEqual({
      ok: false,
      code: 'ANNULE',
      message: 'Impression annulée : rien n’a été imprimé.',
    });
    expect(printFailure('Invalid deviceName provided', 'EPSON')).toMatchObject({
      code: 'NON_IMPRIME',
      message: expect.stringContaining('« EPSON »'),
    });
    expect(printFailure('Invalid printer settings', '')).toMatchObject({
      code: 'NON_IMPRIME',
      message: expect.stringContaining('L’imprimante par défaut de Windows refuse'),
    });
    const failed = printFailure('Print job failed', 'HP');
    expect(failed).toMatchObject({ code: 'ECHEC' });
    expect(!failed.ok && failed.message).toContain('allumée, en ligne et approvisionnée en papier');
  });
});

describe('printWindowOptions', () => {
  it('is hidden, sandboxed, without preload nor Node, in its own session, with the PDF viewer', () => {
    const options = printWindowOptions();
    expect(options.show).toBe(false);
    expect(options.webPreferences).not.toHaveProperty('preload');
    expect(options.webPreferences).toMatchObject({
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      devTools: false,
      plugins: true,
      partition: 'guichet-impression',
    });
    // No 'persist:' prefix: an in-memory session, nothing kept on disk.
    expect(options.webPreferences.partition.startsWith('persist:')).toBe(false);
  });
});

/** A stand-in print window that records what it is asked and answers as told. */
interface FakeBehaviour {
  load?: (file: string) => Promise<void>;
  print?: (options: PrintOptions) => Promise<{ success: boolean; failureReason: string }>;
  dieOn?: 'load' | 'print';
}

function harness(
  opts: {
    behaviour?: FakeBehaviour;
    settings?: PrinterSettings;
    printers?: PrintServiceDeps['printers'];
    loadTimeoutMs?: number;
    silentPrintTimeoutMs?: number;
  } = {},
) {
  const tempRoot = mkdtempSync(path.join(base, 'temp-'));
  const events: string[] = [];
  const seen: Array<{ file: string; bytes: Buffer; options?: PrintOptions }> = [];
  const lines: string[] = [];
  const log: ShellLog = {
    info: (_o, m) => lines.push(`info ${m}`),
    warn: (_o, m) => lines.push(`warn ${m}`),
    error: (_o, m) => lines.push(`error ${m}`),
  };
  let windowCount = 0;
  const openWindow = (): PrintWindowHandle => {
    const id = ++windowCount;
    events.push(`open ${id}`);
    let die: () => void = () => undefined;
    const gone = new Promise<void>((resolve) => {
      die = resolve;
    });
    const b = opts.behaviour ?? {};
    return {
      gone,
      load: async (file) => {
        events.push(`load ${id}`);
        seen.push({ file, bytes: readFileSync(file) });
        if (b.dieOn === 'load') {
          die();
          return new Promise<void>(() => undefined);
        }
        return b.load ? b.load(file) : undefined;
      },
      print: async (options) => {
        events.push(`print ${id}`);
        seen.at(-1)!.options = options;
        if (b.dieOn === 'print') {
          die();
          return new Promise(() => undefined);
        }
        return b.print ? b.print(options) : { success: true, failureReason: '' };
      },
      destroy: () => {
        events.push(`destroy ${id}`);
      },
    };
  };
  const service = createPrintService({
    settings: () => opts.settings ?? settings,
    printers:
      opts.printers ??
      (async () => [
        { name: 'EPSON_TM_T20', displayName: 'Epson TM-T20' },
        { name: 'HP_LaserJet_Accueil', displayName: 'HP LaserJet' },
      ]),
    openWindow,
    tempRoot,
    log: () => log,
    settleMs: 0,
    loadTimeoutMs: opts.loadTimeoutMs ?? 2000,
    silentPrintTimeoutMs: opts.silentPrintTimeoutMs ?? 2000,
  });
  return { service, tempRoot, events, seen, lines };
}

const request = (kind: 'ticket' | 'a4', bytes: Uint8Array, fileName = 'document.pdf') => ({
  kind,
  fileName,
  pdfBase64: b64(bytes),
});

describe('createPrintService', () => {
  it('prints a ticket from a private temporary file, then destroys the window and the folder', async () => {
    const h = harness();
    expect(await h.service.print(request('ticket', ticket, 'recu.pdf'))).toEqual({
      ok: true,
      printer: 'EPSON_TM_T20',
    });
    expect(h.events).toEqual(['open 1', 'load 1', 'print 1', 'destroy 1']);
    const [job] = h.seen;
    expect(path.dirname(job!.file).startsWith(path.join(h.tempRoot, PRINT_DIR_PREFIX))).toBe(true);
    expect(Buffer.compare(job!.bytes, Buffer.from(ticket))).toBe(0);
    expect(job!.options).toMatchObject({ deviceName: 'EPSON_TM_T20', pageSize: { width: 80_000 } });
    expect(readdirSync(h.tempRoot)).toEqual([]);
    expect(h.lines).toEqual(['info document imprimé']);
  });

  it('prints an A5 receipt on the A4 printer', async () => {
    const h = harness();
    expect(await h.service.print(request('a4', a5))).toEqual({
      ok: true,
      printer: 'HP_LaserJet_Accueil',
    });
    expect(h.seen[0]?.options?.pageSize).toBe('A4');
  });

  it('refuses, before opening anything, a printer this computer does not have', async () => {
    const h = harness({ settings: { ...settings, printerReceipt: 'Imprimante_Disparue' } });
    const outcome = await h.service.print(request('ticket', ticket));
    expect(outcome).toMatchObject({ ok: false, code: 'NON_IMPRIME' });
    expect(!outcome.ok && outcome.message).toContain('« Imprimante_Disparue »');
    expect(!outcome.ok && outcome.message).toContain('n’est pas installée');
    expect(h.events).toEqual([]);
  });

  it('still prints when the printer list cannot be read', async () => {
    const h = harness({
      printers: async () => {
        throw new Error('spouleur arrêté');
      },
    });
    expect(await h.service.print(request('ticket', ticket))).toMatchObject({ ok: true });
    expect(h.lines).toContain('warn liste des imprimantes indisponible');
  });

  it('refuses a wide document as a ticket, and bytes that are not a PDF', async () => {
    const h = harness();
    const wide = await h.service.print(request('ticket', a5));
    expect(!wide.ok && wide.message).toContain('n’est pas au format ticket (148 mm de large)');
    const notPdf = await h.service.print(
      request('a4', new TextEncoder().encode('<html>bonjour</html>')),
    );
    expect(!notPdf.ok && notPdf.message).toContain('illisible');
    expect(h.events).toEqual([]);
  });

  it('gives Electron’s refusals in French and keeps nothing behind', async () => {
    for (const [reason, code] of [
      ['Print job canceled', 'ANNULE'],
      ['Print job failed', 'ECHEC'],
      ['Invalid printer settings', 'NON_IMPRIME'],
    ] as const) {
      const h = harness({
        behaviour: { print: async () => ({ success: false, failureReason: reason }) },
      });
      expect(await h.service.print(request('ticket', ticket)), reason).toMatchObject({
        ok: false,
        code,
      });
      expect(h.events.at(-1), reason).toBe('destroy 1');
      expect(readdirSync(h.tempRoot), reason).toEqual([]);
    }
  });

  it('says nothing was printed when the document cannot be loaded, or too slowly', async () => {
    const failing = harness({
      behaviour: { load: async () => Promise.reject(new Error('ERR_FAILED')) },
    });
    expect(await failing.service.print(request('a4', a4))).toMatchObject({
      ok: false,
      code: 'NON_IMPRIME',
    });
    expect(failing.events).toEqual(['open 1', 'load 1', 'destroy 1']);
    expect(readdirSync(failing.tempRoot)).toEqual([]);

    const stuck = harness({
      loadTimeoutMs: 30,
      behaviour: { load: () => new Promise<void>(() => undefined) },
    });
    const outcome = await stuck.service.print(request('a4', a4));
    expect(!outcome.ok && outcome.message).toContain('n’a pas pu être préparé');
    expect(stuck.events.at(-1)).toBe('destroy 1');
    expect(readdirSync(stuck.tempRoot)).toEqual([]);
  });

  it('stops waiting when the window’s renderer dies, while loading or printing', async () => {
    const whileLoading = harness({ behaviour: { dieOn: 'load' } });
    expect(await whileLoading.service.print(request('a4', a4))).toMatchObject({
      code: 'NON_IMPRIME',
    });
    const whilePrinting = harness({ behaviour: { dieOn: 'print' } });
    const outcome = await whilePrinting.service.print(request('a4', a4));
    expect(outcome).toMatchObject({ ok: false, code: 'ECHEC' });
    expect(!outcome.ok && outcome.message).toContain('ne répond pas');
    expect(readdirSync(whilePrinting.tempRoot)).toEqual([]);
  });

  it('gives up on a silent print that never answers, but waits for a person at the dialog', async () => {
    const slow = (ms: number) => async () => {
      await new Promise((resolve) => setTimeout(resolve, ms));
      return { success: true, failureReason: '' };
    };
    const silent = harness({ silentPrintTimeoutMs: 20, behaviour: { print: slow(200) } });
    expect(await silent.service.print(request('ticket', ticket))).toMatchObject({ code: 'ECHEC' });
    const dialog = harness({
      silentPrintTimeoutMs: 20,
      settings: { ...settings, printSilent: false },
      behaviour: { print: slow(100) },
    });
    expect(await dialog.service.print(request('ticket', ticket))).toMatchObject({ ok: true });
  });

  it('prints one document at a time', async () => {
    const h = harness({
      behaviour: {
        print: async () => {
          await new Promise((resolve) => setTimeout(resolve, 20));
          return { success: true, failureReason: '' };
        },
      },
    });
    const [a, b] = await Promise.all([
      h.service.print(request('ticket', ticket)),
      h.service.print(request('a4', a4)),
    ]);
    expect([a.ok, b.ok]).toEqual([true, true]);
    expect(h.events).toEqual([
      'open 1',
      'load 1',
      'print 1',
      'destroy 1',
      'open 2',
      'load 2',
      'print 2',
      'destroy 2',
    ]);
  });
});

describe('sweepStalePrintDirs', () => {
  it('removes only our print folders older than a day', async () => {
    const root = mkdtempSync(path.join(base, 'sweep-'));
    const now = Date.now();
    const old = path.join(root, `${PRINT_DIR_PREFIX}ancien`);
    const fresh = path.join(root, `${PRINT_DIR_PREFIX}recent`);
    const other = path.join(root, 'autre-programme');
    for (const dir of [old, fresh, other]) mkdirSync(dir);
    const twoDaysAgo = new Date(now - 48 * 3_600_000);
    utimesSync(old, twoDaysAgo, twoDaysAgo);
    utimesSync(other, twoDaysAgo, twoDaysAgo);
    expect(await sweepStalePrintDirs(root, now)).toBe(1);
    expect([existsSync(old), existsSync(fresh), existsSync(other)]).toEqual([false, true, true]);
    expect(await sweepStalePrintDirs(path.join(root, 'absent'), now)).toBe(0);
  });
});
