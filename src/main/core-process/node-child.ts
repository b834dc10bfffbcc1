// Starts the core's process with Node's child_process.fork: what tests and benchmarks use to
// run entry.ts exactly as Electron's utilityProcess runs it in the application. The channel
// uses the 'advanced' serialization, the structured clone that utilityProcess messages use too,
// so a value that would not cross in the application does not cross here either.
import { fork, type ChildProcess, type StdioOptions } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { CoreChild } from './client';
import { CoreGoneError, gatedCoreChild } from './ready-gate';

/** entry.ts beside this file (sources), or the built entry passed explicitly. */
function defaultCoreEntry(): string {
  return path.join(path.dirname(fileURLToPath(import.meta.url)), 'entry.ts');
}

/** tsx's loader as an absolute URL, so that the child finds it whatever its working folder. */
function tsxLoader(): string {
  const require = createRequire(import.meta.url);
  return pathToFileURL(
    path.join(path.dirname(require.resolve('tsx/package.json')), 'dist/loader.mjs'),
  ).href;
}

/**
 * Forks a core entry the way the application's utilityProcess runs it: structured-clone
 * messages, and the sources (entry.ts by default) loaded through tsx. Also used by the tests'
 * stand-in for Electron's utilityProcess.
 */
export function forkCoreEntry(
  stdio: StdioOptions,
  entry: string = defaultCoreEntry(),
  env?: NodeJS.ProcessEnv,
): ChildProcess {
  return fork(entry, [], {
    execArgv: entry.endsWith('.ts') ? ['--import', tsxLoader()] : [],
    serialization: 'advanced',
    stdio,
    ...(env ? { env } : {}),
  });
}

interface ForkCoreOptions {
  entry?: string;
  /** Lines the child writes on stderr (a crash's stack), for the log. */
  onStderr?: (text: string) => void;
  env?: NodeJS.ProcessEnv;
}

export function forkCoreProcess(
  opts: ForkCoreOptions = {},
): CoreChild & { readonly pid: number | undefined } {
  const child = forkCoreEntry(
    ['ignore', 'inherit', opts.onStderr ? 'pipe' : 'inherit', 'ipc'],
    opts.entry,
    opts.env,
  );
  if (opts.onStderr) {
    const onStderr = opts.onStderr;
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (text: string) => onStderr(text));
  }
  const core = gatedCoreChild(
    child,
    (message) => {
      if (!child.connected) throw new CoreGoneError('canal vers le moteur fermé');
      // With a callback, a send that fails is reported there instead of as an 'error' event
      // that would end this process; the child's exit tells the client what became of it.
      child.send(message, (err) => {
        if (err) opts.onStderr?.(`envoi au moteur impossible : ${err.message}`);
      });
    },
    () => {
      if (child.exitCode === null && child.signalCode === null) child.kill();
    },
  );
  return {
    ...core,
    get pid() {
      return child.pid;
    },
  };
}
