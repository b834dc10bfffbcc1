// Turns an Electron BrowserWindow into the PrintWindowHandle printing.ts drives. The window's
// constructor is passed in rather than imported, so that tests run this adapter with a stand-in
// and only index.ts touches Electron itself.
import type { PrintOptions, PrintWindowHandle } from './printing';
import { printWindowOptions } from './printing';

/** The parts of a BrowserWindow the adapter uses. */
export interface PrintableWindow {
  loadFile(file: string): Promise<void>;
  destroy(): void;
  isDestroyed(): boolean;
  webContents: {
    print(options: PrintOptions, callback: (success: boolean, failureReason: string) => void): void;
    once(event: 'render-process-gone', listener: () => void): unknown;
  };
}

export type PrintWindowFactory = (
  options: ReturnType<typeof printWindowOptions>,
) => PrintableWindow;

export function openPrintWindow(create: PrintWindowFactory): PrintWindowHandle {
  const win = create(printWindowOptions());
  const gone = new Promise<void>((resolve) => {
    win.webContents.once('render-process-gone', () => resolve());
  });
  return {
    load: (file) => win.loadFile(file),
    print: (options) =>
      new Promise((resolve) => {
        win.webContents.print(options, (success, failureReason) =>
          resolve({ success, failureReason }),
        );
      }),
    gone,
    destroy: () => {
      if (!win.isDestroyed()) win.destroy();
    },
  };
}
