// Starts the core's process with Electron's utilityProcess: a Node process launched by
// Chromium, with its own heap and its own thread, so that neither a long handler nor the
// memory of a large sync weighs on the window's process. Electron is passed in rather than
// imported, so that this adapter is tested with a stand-in.
import type { CoreChild } from './client';
import { CoreGoneError, gatedCoreChild } from './ready-gate';

/** The parts of Electron's UtilityProcess used here. */
export interface UtilityProcessLike {
  postMessage(message: unknown): void;
  on(event: 'message', listener: (message: unknown) => void): unknown;
  on(event: 'exit', listener: (code: number) => void): unknown;
  readonly stdout: NodeJS.ReadableStream | null;
  readonly stderr: NodeJS.ReadableStream | null;
  kill(): boolean;
}

export interface UtilityForker {
  fork(
    modulePath: string,
    args: string[],
    options: { serviceName: string; stdio: 'pipe' },
  ): UtilityProcessLike;
}

/** The name the process has in Windows' task manager and in app.getAppMetrics(). */
export const CORE_SERVICE_NAME = 'Guichet (moteur)';

/**
 * Forks the core. Both of its output streams are piped and read: one left unread would fill its
 * pipe and freeze the core at its next write. `onOutput` receives what it writes there (a
 * crash's stack, a stray console line), for the log.
 */
export function forkUtilityCore(
  utility: UtilityForker,
  entryFile: string,
  onOutput: (text: string, stream: 'stdout' | 'stderr') => void,
): CoreChild {
  const child = utility.fork(entryFile, [], { serviceName: CORE_SERVICE_NAME, stdio: 'pipe' });
  let exited = false;
  child.on('exit', () => {
    exited = true;
  });
  for (const stream of ['stdout', 'stderr'] as const) {
    child[stream]?.setEncoding('utf8');
    child[stream]?.on('data', (text: string | Buffer) => onOutput(String(text), stream));
  }
  return gatedCoreChild(
    child,
    (message) => {
      if (exited) throw new CoreGoneError('moteur arrêté');
      child.postMessage(message);
    },
    () => {
      if (!exited) child.kill();
    },
  );
}
