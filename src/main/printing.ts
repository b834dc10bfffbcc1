// Printing a document the core produced (a receipt, a Z report, a deposit slip) on the printer
// this counter's settings choose. The PDF is written to a private temporary folder and shown by
// Chromium's own PDF viewer in a hidden window that has no preload, no Node and its own
// in-memory session; that window prints it with explicit settings, then is destroyed and the
// folder removed, whatever happened. The page size is always given: since Electron 41 Chromium
// otherwise uses the printer's default paper, and a thermal printer's default is rarely the
// 80 mm roll the ticket was laid out for.
//
// Everything here is Electron-free: the hidden window comes through PrintWindowHandle
// (print-window.ts makes it from a BrowserWindow), so tests drive the whole sequence.
import { randomUUID } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { PDFDocument } from 'pdf-lib';
import { z } from 'zod';
import { printMessages } from './messages';
import type { ShellLog } from './renderer-errors';

export const printKinds = ['ticket', 'a4'] as const;
export type PrintKind = (typeof printKinds)[number];

/** Largest PDF accepted over IPC. A multi-page report stays far below. */
export const MAX_PRINT_PDF_BYTES = 8 * 1024 * 1024;
const MAX_BASE64_LENGTH = 4 * Math.ceil(MAX_PRINT_PDF_BYTES / 3);

/** The ticket roll's width, in microns as Electron's pageSize wants it. */
export const TICKET_WIDTH_MICRONS = 80_000;
/** A ticket PDF is 80 mm wide; anything much wider is a page for the A4 printer. */
export const TICKET_MAX_WIDTH_MM = 90;
/** Electron refuses custom page sizes under 353 microns; a ticket is never that short anyway. */
const MIN_TICKET_HEIGHT_MICRONS = 10_000;

const POINTS_PER_INCH = 72;
const MICRONS_PER_INCH = 25_400;
export const pointsToMicrons = (pt: number): number =>
  Math.ceil((pt * MICRONS_PER_INCH) / POINTS_PER_INCH);
export const pointsToMm = (pt: number): number => (pt * 25.4) / POINTS_PER_INCH;

/**
 * What the page asks for. The printer is not part of it: main reads it from this machine's
 * settings, so a page cannot send a document to another printer than the one configured.
 */
export const printRequestSchema = z.strictObject({
  kind: z.enum(printKinds),
  fileName: z
    .string()
    .min(5)
    .max(200)
    // Only for the log: a plain name ending in .pdf, no folder, no control character.
    .regex(/^[^\\/:*?"<>|]+\.pdf$/i)
    .refine((name) => [...name].every((c) => c.charCodeAt(0) >= 0x20 && c !== '\u007f')),
  pdfBase64: z
    .string()
    .min(8)
    .max(MAX_BASE64_LENGTH)
    .regex(/^[A-Za-z0-9+/]+={0,2}$/)
    .refine((s) => s.length % 4 === 0),
});
export type PrintRequest = z.output<typeof printRequestSchema>;

export type PrintFailureCode =
  /** Cancelled in the print dialog: nothing was printed. */
  | 'ANNULE'
  /** Refused before reaching the printer (settings, document, window): nothing was printed. */
  | 'NON_IMPRIME'
  /** The printer or its spooler failed: part of the document may have come out. */
  | 'ECHEC';

export type PrintOutcome =
  { ok: true; printer: string } | { ok: false; code: PrintFailureCode; message: string };

export interface PrinterSummary {
  /** The name the system knows (what the settings store and `deviceName` takes). */
  name: string;
  displayName: string;
}

/** The settings of this machine that printing reads, as Core.machineSettings() gives them. */
export interface PrinterSettings {
  printerReceipt: string;
  printerA4: string;
  printSilent: boolean;
}

/** The subset of Electron's WebContentsPrintOptions that Guichet sets. */
export interface PrintOptions {
  silent: boolean;
  printBackground: true;
  deviceName?: string;
  color: boolean;
  landscape: false;
  copies: 1;
  margins: { marginType: 'none' };
  pageSize: 'A4' | { width: number; height: number };
}

export interface PageGeometry {
  pages: number;
  /** Size of the widest page and of the tallest one, in points. */
  widthPt: number;
  heightPt: number;
}

/** Reads the page sizes of the PDF, or null when it is not a PDF pdf-lib can read. */
export async function pdfGeometry(bytes: Uint8Array): Promise<PageGeometry | null> {
  try {
    const doc = await PDFDocument.load(bytes, { updateMetadata: false });
    const pages = doc.getPages();
    if (pages.length === 0) return null;
    let widthPt = 0;
    let heightPt = 0;
    for (const page of pages) {
      const size = page.getSize();
      widthPt = Math.max(widthPt, size.width);
      heightPt = Math.max(heightPt, size.height);
    }
    return { pages: pages.length, widthPt, heightPt };
  } catch {
    return null;
  }
}

/**
 * The print settings for one document. Tickets: the receipt printer, 80 mm wide and exactly as
 * long as the ticket, in black only (thermal heads print no grey, and a colour driver would
 * dither). Everything else: the A4 printer on A4 paper. Margins are 'none' because every PDF
 * Guichet makes carries its own; the printer's would be added to them and shrink the page.
 */
export function printOptionsFor(
  kind: PrintKind,
  settings: PrinterSettings,
  geometry: PageGeometry,
): PrintOptions {
  const deviceName = (kind === 'ticket' ? settings.printerReceipt : settings.printerA4).trim();
  const common = {
    silent: settings.printSilent,
    printBackground: true,
    ...(deviceName ? { deviceName } : {}),
    landscape: false,
    copies: 1,
    margins: { marginType: 'none' },
  } as const;
  if (kind === 'ticket') {
    return {
      ...common,
      color: false,
      pageSize: {
        width: TICKET_WIDTH_MICRONS,
        height: Math.max(MIN_TICKET_HEIGHT_MICRONS, pointsToMicrons(geometry.heightPt)),
      },
    };
  }
  return { ...common, color: true, pageSize: 'A4' };
}

/** Electron's failure reasons, in French, with what the person can do. */
export function printFailure(reason: string, printer: string): PrintOutcome {
  const r = reason.toLowerCase();
  if (r.includes('cancel')) return { ok: false, code: 'ANNULE', message: printMessages.cancelled };
  if (r.includes('devicename')) {
    return { ok: false, code: 'NON_IMPRIME', message: printMessages.printerMissing(printer) };
  }
  if (r.includes('settings')) {
    return { ok: false, code: 'NON_IMPRIME', message: printMessages.settingsRefused(printer) };
  }
  return { ok: false, code: 'ECHEC', message: printMessages.failed(printer, reason) };
}

/** The hidden window that shows one PDF and prints it. */
export interface PrintWindowHandle {
  /** Resolves once the document is loaded; rejects if it cannot be. */
  load(file: string): Promise<void>;
  print(options: PrintOptions): Promise<{ success: boolean; failureReason: string }>;
  /** Rejects-never promise that resolves if the window's renderer dies. */
  gone: Promise<void>;
  destroy(): void;
}

export interface PrintServiceDeps {
  settings(): PrinterSettings;
  printers(): Promise<PrinterSummary[]>;
  openWindow(): PrintWindowHandle;
  /** Where the private temporary folders are made (app.getPath('temp')). */
  tempRoot: string;
  log(): ShellLog;
  /**
   * Pause between the end of loading and printing: Chromium's PDF viewer draws the document
   * in its own frame after the page reports it has loaded, and printing before that gives
   * blank paper.
   */
  settleMs?: number;
  loadTimeoutMs?: number;
  /** Only for silent printing: with the dialog, the person takes the time they need. */
  silentPrintTimeoutMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

export const PRINT_DIR_PREFIX = 'guichet-impression-';

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

class Timeout extends Error {}

function within<T>(promise: Promise<T>, ms: number | null): Promise<T> {
  if (ms === null) return promise;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Timeout()), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

export interface PrintService {
  print(request: PrintRequest): Promise<PrintOutcome>;
}

export function createPrintService(deps: PrintServiceDeps): PrintService {
  const sleep = deps.sleep ?? defaultSleep;
  const settleMs = deps.settleMs ?? 750;
  const loadTimeoutMs = deps.loadTimeoutMs ?? 20_000;
  const silentTimeoutMs = deps.silentPrintTimeoutMs ?? 120_000;
  // One document at a time: two hidden windows printing together would interleave on a
  // ticket printer, and old counter PCs have little memory to spare.
  let queue: Promise<unknown> = Promise.resolve();

  async function printOne(request: PrintRequest): Promise<PrintOutcome> {
    const log = deps.log();
    const refuse = (message: string): PrintOutcome => ({ ok: false, code: 'NON_IMPRIME', message });
    const bytes = Buffer.from(request.pdfBase64, 'base64');
    if (bytes.subarray(0, 5).toString('latin1') !== '%PDF-') return refuse(printMessages.notPdf);
    const geometry = await pdfGeometry(bytes);
    if (!geometry) return refuse(printMessages.notPdf);
    if (request.kind === 'ticket' && pointsToMm(geometry.widthPt) > TICKET_MAX_WIDTH_MM) {
      return refuse(printMessages.notTicket(Math.round(pointsToMm(geometry.widthPt))));
    }

    const settings = deps.settings();
    const options = printOptionsFor(request.kind, settings, geometry);
    const printer = options.deviceName ?? '';
    if (printer) {
      let known: PrinterSummary[] | null = null;
      try {
        known = await deps.printers();
      } catch (e) {
        log.warn({ err: e }, 'liste des imprimantes indisponible');
      }
      if (known && !known.some((p) => p.name === printer)) {
        return refuse(printMessages.printerMissing(printer));
      }
    }

    let dir: string | null = null;
    let win: PrintWindowHandle | null = null;
    try {
      dir = await fs.mkdtemp(path.join(deps.tempRoot, PRINT_DIR_PREFIX));
      const file = path.join(dir, `${randomUUID()}.pdf`);
      await fs.writeFile(file, bytes, { mode: 0o600, flag: 'wx' });

      const opened = deps.openWindow();
      win = opened;
      const gone = opened.gone.then(() => {
        throw new Error('processus d’affichage arrêté');
      });
      // Marked as handled: the window may die after the print is over, when nobody waits.
      gone.catch(() => undefined);
      try {
        await within(Promise.race([opened.load(file), gone]), loadTimeoutMs);
        await Promise.race([sleep(settleMs), gone]);
      } catch (e) {
        log.warn({ err: e, fileName: request.fileName }, 'impression : document non chargé');
        return refuse(printMessages.loadFailed);
      }

      let result: { success: boolean; failureReason: string };
      try {
        result = await within(
          Promise.race([opened.print(options), gone]),
          options.silent ? silentTimeoutMs : null,
        );
      } catch (e) {
        log.warn({ err: e, fileName: request.fileName }, 'impression : pas de réponse');
        return { ok: false, code: 'ECHEC', message: printMessages.noAnswer(printer) };
      }
      if (!result.success) {
        log.warn(
          { fileName: request.fileName, printer, reason: result.failureReason },
          'impression échouée',
        );
        return printFailure(result.failureReason, printer);
      }
      log.info(
        { fileName: request.fileName, printer, kind: request.kind, silent: options.silent },
        'document imprimé',
      );
      return { ok: true, printer };
    } catch (e) {
      log.error({ err: e, fileName: request.fileName }, 'impression : erreur interne');
      return refuse(printMessages.internal);
    } finally {
      try {
        win?.destroy();
      } catch {
        // Already gone.
      }
      if (dir) await fs.rm(dir, { recursive: true, force: true }).catch(() => undefined);
    }
  }

  return {
    print(request) {
      const run = queue.then(() => printOne(request));
      queue = run.catch(() => undefined);
      return run;
    },
  };
}

/**
 * Removes print folders left by a crash (a power cut in the middle of a print). Run at start;
 * only folders with our prefix and older than `maxAgeMs` are touched.
 */
export async function sweepStalePrintDirs(
  tempRoot: string,
  now: number,
  maxAgeMs = 24 * 3_600_000,
): Promise<number> {
  let removed = 0;
  let entries: string[];
  try {
    entries = await fs.readdir(tempRoot);
  } catch {
    return 0;
  }
  for (const name of entries) {
    if (!name.startsWith(PRINT_DIR_PREFIX)) continue;
    const dir = path.join(tempRoot, name);
    try {
      const stat = await fs.stat(dir);
      if (!stat.isDirectory() || now - stat.mtimeMs < maxAgeMs) continue;
      await fs.rm(dir, { recursive: true, force: true });
      removed += 1;
    } catch {
      // Gone meanwhile, or not ours to remove.
    }
  }
  return removed;
}

/**
 * The hidden print window's options: no preload (nothing to expose), sandboxed, no Node, in an
 * in-memory session of its own so that nothing it loads shares storage with the counter's
 * window. `plugins` is on because Chromium's PDF viewer is one.
 */
export const PRINT_PARTITION = 'guichet-impression';

export function printWindowOptions() {
  return {
    show: false,
    width: 800,
    height: 1100,
    title: 'Guichet — impression',
    skipTaskbar: true,
    webPreferences: {
      partition: PRINT_PARTITION,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      experimentalFeatures: false,
      navigateOnDragDrop: false,
      safeDialogs: true,
      spellcheck: false,
      devTools: false,
      plugins: true,
    },
  } as const;
}
