// Electron fuses are switches written into the packaged executable itself, so that nothing on
// the counter's computer (an environment variable, a command-line flag, a loose folder next to
// the archive) can turn the cash register into a general-purpose Node.js or load other code.
// electron-builder flips them after packing (its `electronFuses` option, which calls
// @electron/fuses); the build configuration imports this object so that the setting lives in
// one reviewed place.
//
// Every fuse the current wire knows is set explicitly, so that an Electron upgrade that adds
// one shows up as a difference in tests/main/fuses.test.ts instead of silently inheriting
// Electron's default.
import type { Configuration } from 'electron-builder';

export const electronFuses = {
  // ELECTRON_RUN_AS_NODE would let anyone run arbitrary scripts with the application's
  // identity (and its code-signing reputation).
  runAsNode: false,
  // Chromium's cookie store encrypted with the operating system's keys. The window uses no
  // cookies today; this keeps any that appear later off the disk in clear.
  enableCookieEncryption: true,
  // NODE_OPTIONS and NODE_EXTRA_CA_CERTS could preload code or trust a foreign certificate.
  enableNodeOptionsEnvironmentVariable: false,
  // --inspect and SIGUSR1 would open a debugger into the main process, which holds the ledger.
  enableNodeCliInspectArguments: false,
  // app.asar is checked against the hash embedded in the executable (Windows since Electron 30)
  // and only app.asar is loaded: a modified or substituted application folder is refused.
  enableEmbeddedAsarIntegrityValidation: true,
  onlyLoadAppFromAsar: true,
  // Unused by Guichet; stated so the whole wire is explicit.
  loadBrowserProcessSpecificV8Snapshot: false,
  // The interface is served from app://, never file://: file pages need no extra privileges.
  grantFileProtocolExtraPrivileges: false,
} as const satisfies NonNullable<Configuration['electronFuses']>;
