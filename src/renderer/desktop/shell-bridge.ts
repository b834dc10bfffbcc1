// What the desktop application's preload exposes beside the core's handlers: window.guichetShell,
// the shell's own functions (printing on this computer's printers, reporting the interface's
// errors to the application log). Absent in browser mode, where the browser prints and errors
// go to its console. The shapes mirror src/preload/index.ts and src/main/shell-ipc.ts; a test
// (tests/preload) checks that they stay in step.

export type PrintKind = 'ticket' | 'a4';

export interface ShellPrintRequest {
  kind: PrintKind;
  fileName: string;
  pdfBase64: string;
}

export type PrintFailureCode = 'ANNULE' | 'NON_IMPRIME' | 'ECHEC';

export type ShellPrintOutcome =
  { ok: true; printer: string } | { ok: false; code: PrintFailureCode; message: string };

export interface PrinterSummary {
  name: string;
  displayName: string;
}

export type ShellPrinterList =
  { ok: true; printers: PrinterSummary[] } | { ok: false; message: string };

export interface ShellErrorReport {
  kind: 'error' | 'unhandledrejection';
  message: string;
  stack?: string;
  source?: string;
  line?: number;
  column?: number;
}

export interface ShellBridge {
  print(request: ShellPrintRequest): Promise<ShellPrintOutcome>;
  listPrinters(): Promise<ShellPrinterList>;
  reportError(report: ShellErrorReport): void;
}

declare global {
  interface Window {
    guichetShell?: ShellBridge;
  }
}

/** The shell's bridge when running in the desktop application, else null. */
export function shellBridge(
  win: Pick<Window, 'guichetShell'> | undefined = globalThis.window,
): ShellBridge | null {
  return win?.guichetShell ?? null;
}

export function isDesktop(
  win: Pick<Window, 'guichetShell'> | undefined = globalThis.window,
): boolean {
  return shellBridge(win) !== null;
}
