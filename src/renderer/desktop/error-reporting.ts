// The interface's own failures — an exception nobody caught, a promise rejected with nobody
// waiting — are written where support will look: the application log in the desktop
// application (through the shell's bridge; the incident report zips that log), the browser's
// console in browser mode. Called once at start, before React renders.
import { shellBridge, type ShellBridge, type ShellErrorReport } from './shell-bridge';

/** The fields of an ErrorEvent that are read. */
export interface ErrorEventLike {
  message?: string;
  error?: unknown;
  filename?: string;
  lineno?: number;
  colno?: number;
}

/** The field of a PromiseRejectionEvent that is read. */
export interface RejectionEventLike {
  reason?: unknown;
}

export interface ErrorSource {
  addEventListener(type: 'error', listener: (event: ErrorEventLike) => void): void;
  addEventListener(type: 'unhandledrejection', listener: (event: RejectionEventLike) => void): void;
  removeEventListener(type: 'error', listener: (event: ErrorEventLike) => void): void;
  removeEventListener(
    type: 'unhandledrejection',
    listener: (event: RejectionEventLike) => void,
  ): void;
}

function describe(value: unknown): { message: string; stack?: string } {
  if (value instanceof Error) {
    return { message: `${value.name}: ${value.message}`, stack: value.stack };
  }
  if (typeof value === 'string') return { message: value };
  try {
    return { message: JSON.stringify(value) ?? String(value) };
  } catch {
    return { message: String(value) };
  }
}

/** Turns a window 'error' event into the report sent to the log. */
export function errorReport(event: ErrorEventLike): ShellErrorReport {
  const described = event.error === undefined ? null : describe(event.error);
  return {
    kind: 'error',
    message: described?.message ?? event.message ?? 'erreur sans message',
    ...(described?.stack ? { stack: described.stack } : {}),
    ...(event.filename ? { source: event.filename } : {}),
    ...(typeof event.lineno === 'number' ? { line: event.lineno } : {}),
    ...(typeof event.colno === 'number' ? { column: event.colno } : {}),
  };
}

/** Turns an 'unhandledrejection' event into the report sent to the log. */
export function rejectionReport(event: RejectionEventLike): ShellErrorReport {
  const described = describe(event.reason);
  return {
    kind: 'unhandledrejection',
    message: described.message,
    ...(described.stack ? { stack: described.stack } : {}),
  };
}

export type ErrorSink = (report: ShellErrorReport) => void;

export function errorSink(
  bridge: ShellBridge | null,
  console: Pick<Console, 'error'> = globalThis.console,
): ErrorSink {
  if (bridge) {
    return (report) => {
      try {
        bridge.reportError(report);
      } catch {
        // Reporting must never add an error of its own.
      }
    };
  }
  return (report) => console.error('[Guichet] erreur de l’interface', report);
}

/** Listens for the page's uncaught errors; returns the function that stops listening. */
export function installErrorReporting(
  source: ErrorSource = window,
  sink: ErrorSink = errorSink(shellBridge()),
): () => void {
  const onError = (event: ErrorEventLike) => sink(errorReport(event));
  const onRejection = (event: RejectionEventLike) => sink(rejectionReport(event));
  source.addEventListener('error', onError);
  source.addEventListener('unhandledrejection', onRejection);
  return () => {
    source.removeEventListener('error', onError);
    source.removeEventListener('unhandledrejection', onRejection);
  };
}
