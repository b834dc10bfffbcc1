// The adapter between Electron's BrowserWindow and the print sequence: what it creates, how it
// turns webContents.print's callback into a promise, and that it notices a dead renderer. The
// type checks at the end hold the adapter's shapes to Electron's own declarations.
import { EventEmitter } from 'node:events';
import type {
  BrowserWindow,
  BrowserWindowConstructorOptions,
  WebContentsPrintOptions,
} from 'electron';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { openPrintWindow, type PrintableWindow } from '../../src/main/print-window';
import { printWindowOptions, type PrintOptions } from '../../src/main/printing';

function fakeWindow(answer: [boolean, string]) {
  const contents = Object.assign(new EventEmitter(), {
    printed: [] as PrintOptions[],
    print(options: PrintOptions, callback: (success: boolean, reason: string) => void) {
      this.printed.push(options);
      setTimeout(() => callback(...answer), 0);
    },
  });
  const win = {
    created: null as unknown,
    loaded: [] as string[],
    destroyed: 0,
    webContents: contents,
    async loadFile(file: string) {
      this.loaded.push(file);
    },
    destroy() {
      this.destroyed += 1;
    },
    isDestroyed() {
      return this.destroyed > 0;
    },
  };
  return win;
}

describe('openPrintWindow', () => {
  it('creates the hardened hidden window and drives load and print', async () => {
    const win = fakeWindow([false, 'Print job failed']);
    const handle = openPrintWindow((options) => {
      win.created = options;
      return win;
    });
    expect(win.created).toEqual(printWindowOptions());
    await handle.load('/tmp/x/doc.pdf');
    expect(win.loaded).toEqual(['/tmp/x/doc.pdf']);
    const options = { silent: true, pageSize: 'A4' } as unknown as PrintOptions;
    expect(await handle.print(options)).toEqual({
      success: false,
      failureReason: 'Print job failed',
    });
    expect(win.webContents.printed).toEqual([options]);
    handle.destroy();
    handle.destroy();
    expect(win.destroyed).toBe(1);
  });

  it('resolves `gone` when the renderer process dies', async () => {
    const win = fakeWindow([true, '']);
    const handle = openPrintWindow(() => win);
    let gone = false;
    void handle.gone.then(() => {
      gone = true;
    });
    win.webContents.emit('render-process-gone', {}, { reason: 'crashed' });
    await Promise.resolve();
    expect(gone).toBe(true);
  });

  it('fits Electron’s own types', () => {
    expectTypeOf(printWindowOptions()).toExtend<BrowserWindowConstructorOptions>();
    expectTypeOf<PrintOptions>().toExtend<WebContentsPrintOptions>();
    expectTypeOf<BrowserWindow>().toExtend<PrintableWindow>();
  });
});
