// A recording stand-in for the 'electron' module, for running src/main/index.ts under plain
// Node (tests use it through `vi.mock('electron', () => import('./fake-electron'))`). It keeps
// what main registers — protocol handlers, IPC listeners, web-contents listeners, permission
// handlers — so that a test can call them the way Electron would, and it answers the few
// questions main asks (paths, the single-instance lock, readiness).
import type { ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { forkCoreEntry } from '../../src/main/core-process/node-child';

type Listener = (...args: never[]) => unknown;

export interface FakeFrame {
  url: string;
  parent: FakeFrame | null;
}

export interface FakePrinter {
  name: string;
  displayName: string;
  description: string;
  options: Record<string, string>;
}

class FakeWebContents extends EventEmitter {
  mainFrame: FakeFrame = { url: '', parent: null };
  registered = new Map<string, Listener>();
  windowOpenHandler: ((details: { url: string }) => { action: string }) | null = null;

  async getPrintersAsync(): Promise<FakePrinter[]> {
    return fake.printers;
  }

  print(options: Record<string, unknown>, callback: (success: boolean, reason: string) => void) {
    fake.printJobs.push({ options, loadedFile: fake.lastLoadedFile });
    const [success, reason] = fake.printAnswer(options);
    setTimeout(() => callback(success, reason), 0);
  }

  override on(event: string, fn: Listener): this {
    this.registered.set(event, fn);
    return super.on(event, fn as (...args: unknown[]) => void);
  }

  setWindowOpenHandler(handler: (details: { url: string }) => { action: string }): void {
    this.windowOpenHandler = handler;
  }
}

let resolveReady: () => void = () => undefined;
const ready = new Promise<void>((resolve) => {
  resolveReady = resolve;
});

type FakeSession = {
  permissionRequest: unknown;
  permissionCheck: unknown;
  deviceCheck: unknown;
};

export const fake = {
  appPath: '',
  userData: '',
  temp: '',
  paths: new Map<string, string>(),
  ipcOn: new Map<string, (event: unknown, payload: unknown) => void>(),
  partitions: new Map<string, FakeSession>(),
  printers: [] as FakePrinter[],
  printJobs: [] as Array<{ options: Record<string, unknown>; loadedFile: string | null }>,
  printAnswer: (_options: Record<string, unknown>): [boolean, string] => [true, ''],
  lastLoadedFile: null as string | null,
  calls: [] as string[],
  schemes: null as unknown,
  protocolHandlers: new Map<string, (request: Request) => Promise<Response>>(),
  ipc: new Map<string, (event: unknown, payload: unknown) => Promise<unknown>>(),
  appListeners: new Map<string, Listener[]>(),
  windows: [] as BrowserWindow[],
  webContents: [] as FakeWebContents[],
  permissionRequest: null as
    null | ((contents: unknown, permission: string, callback: (granted: boolean) => void) => void),
  permissionCheck: null as null | ((...args: unknown[]) => boolean),
  deviceCheck: null as null | ((...args: unknown[]) => boolean),
  opened: [] as string[],
  /** Each utilityProcess.fork: the entry main asked for, its options, and the real child. */
  utilityForks: [] as Array<{
    modulePath: string;
    options: Record<string, unknown>;
    child: ChildProcess;
  }>,
  errorBoxes: [] as Array<[string, string]>,
  /** dialog.showMessageBox calls: [title, message]. */
  messageBoxes: [] as Array<[string, string]>,
  exitCode: null as number | null,
  fireReady: () => resolveReady(),
  emitApp(event: string, ...args: unknown[]): void {
    for (const fn of this.appListeners.get(event) ?? []) (fn as (...a: unknown[]) => void)(...args);
  },
};

export class BrowserWindow extends EventEmitter {
  webContents = new FakeWebContents();
  loadedUrl: string | null = null;
  loadedFile: string | null = null;
  focused = 0;
  destroyed = false;

  constructor(public options: { webPreferences: Record<string, unknown> }) {
    super();
    fake.windows.push(this);
    fake.webContents.push(this.webContents);
    fake.emitApp('web-contents-created', {}, this.webContents);
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  destroy(): void {
    this.destroyed = true;
  }
  async loadFile(file: string): Promise<void> {
    this.loadedFile = file;
    fake.lastLoadedFile = file;
  }
  isMinimized(): boolean {
    return false;
  }
  show(): void {}
  restore(): void {}
  focus(): void {
    this.focused += 1;
  }
  async loadURL(url: string): Promise<void> {
    this.webContents.mainFrame.url = url;
    this.loadedUrl = url;
  }
}

export const app = {
  isPackaged: false,
  getAppPath: () => fake.appPath,
  getPath: (name: string) => {
    fake.calls.push(`getPath:${name}`);
    return name === 'temp' ? fake.temp : fake.userData;
  },
  setPath: (name: string, value: string) => {
    fake.calls.push(`setPath:${name}`);
    fake.paths.set(name, value);
  },
  getVersion: () => '0.0.0-test',
  requestSingleInstanceLock: () => {
    fake.calls.push('requestSingleInstanceLock');
    return true;
  },
  whenReady: () => ready,
  on: (event: string, fn: Listener) => {
    fake.appListeners.set(event, [...(fake.appListeners.get(event) ?? []), fn]);
  },
  quit: () => fake.calls.push('quit'),
  exit: (code: number) => {
    fake.exitCode = code;
  },
};

export const protocol = {
  registerSchemesAsPrivileged: (schemes: unknown) => {
    fake.calls.push('registerSchemesAsPrivileged');
    fake.schemes = schemes;
  },
  handle: (scheme: string, handler: (request: Request) => Promise<Response>) => {
    fake.calls.push(`protocol.handle:${scheme}`);
    fake.protocolHandlers.set(scheme, handler);
  },
};

export const ipcMain = {
  handle: (channel: string, fn: (event: unknown, payload: unknown) => Promise<unknown>) => {
    fake.ipc.set(channel, fn);
  },
  on: (channel: string, fn: (event: unknown, payload: unknown) => void) => {
    fake.ipcOn.set(channel, fn);
  },
};

export const session = {
  defaultSession: {
    setPermissionRequestHandler: (handler: typeof fake.permissionRequest) => {
      fake.permissionRequest = handler;
    },
    setPermissionCheckHandler: (handler: typeof fake.permissionCheck) => {
      fake.permissionCheck = handler;
    },
    setDevicePermissionHandler: (handler: typeof fake.deviceCheck) => {
      fake.deviceCheck = handler;
    },
    webRequest: { onHeadersReceived: () => fake.calls.push('onHeadersReceived') },
  },
  fromPartition: (name: string) => {
    const recorded: FakeSession = {
      permissionRequest: null,
      permissionCheck: null,
      deviceCheck: null,
    };
    fake.partitions.set(name, recorded);
    return {
      setPermissionRequestHandler: (h: unknown) => {
        recorded.permissionRequest = h;
      },
      setPermissionCheckHandler: (h: unknown) => {
        recorded.permissionCheck = h;
      },
      setDevicePermissionHandler: (h: unknown) => {
        recorded.deviceCheck = h;
      },
    };
  },
};

export const shell = {
  openExternal: async (url: string) => {
    fake.opened.push(url);
  },
};

export const dialog = {
  showErrorBox: (title: string, message: string) => {
    fake.errorBoxes.push([title, message]);
  },
  showMessageBox: async (options: { title?: string; message: string }) => {
    fake.messageBoxes.push([options.title ?? '', options.message]);
    return { response: 0, checkboxChecked: false };
  },
};

/**
 * Electron's utilityProcess, played by a real Node child running the core's entry from the
 * sources (main asks for out/main/core-process.js, the built file, which a test run has not
 * built): the same host and protocol, on the same SQLite file, as in the application.
 * Messages cross with the structured clone, as they do between Electron's processes.
 */
class FakeUtilityProcess extends EventEmitter {
  constructor(readonly child: ChildProcess) {
    super();
    child.on('message', (message) => this.emit('message', message));
    child.on('exit', (code, signal) => this.emit('exit', code ?? (signal ? 1 : 0)));
  }
  get stdout() {
    return this.child.stdout;
  }
  get stderr() {
    return this.child.stderr;
  }
  get pid() {
    return this.child.pid;
  }
  postMessage(message: unknown): void {
    this.child.send(message as never, () => undefined);
  }
  kill(): boolean {
    return this.child.kill();
  }
}

export const utilityProcess = {
  fork(modulePath: string, args: string[], options: Record<string, unknown>) {
    fake.calls.push('utilityProcess.fork');
    // The core's entry from the sources (main asks for the built one, out/main/core-process.js).
    const child = forkCoreEntry(['ignore', 'pipe', 'pipe', 'ipc']);
    fake.utilityForks.push({ modulePath, options, child });
    return new FakeUtilityProcess(child);
  },
};

export async function waitFor(predicate: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`délai dépassé : ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
