// `tsx src/host/cli.ts`: Guichet in browser mode. See browser-mode.ts for the flags.
import { UsageError, parseBrowserModeArgs, runBrowserMode } from './browser-mode';

try {
  await runBrowserMode(parseBrowserModeArgs(process.argv.slice(2)));
} catch (e) {
  process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(e instanceof UsageError ? 2 : 1);
}
