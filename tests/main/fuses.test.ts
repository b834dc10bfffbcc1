import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { FuseV1Options, flipFuses, getCurrentFuseWire, type FuseConfig } from '@electron/fuses';
import { WinPackager } from 'electron-builder';
import { afterAll, describe, expect, it } from 'vitest';
import { electronFuses } from '../../src/main/fuses';

// No Electron executable can be downloaded here, so the test writes a small file carrying the
// fuse wire exactly as Electron's binary does (a sentinel, the wire version, its length, one
// byte per fuse) and lets electron-builder's own translation of `electronFuses` and
// @electron/fuses flip it, as they do after packing the real executable.
const SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';
const ENABLE = 0x31;
const DISABLE = 0x30;
// Electron's defaults: RunAsNode, NODE_OPTIONS, --inspect and file:// privileges on; cookie
// encryption, asar integrity, asar-only and the browser V8 snapshot off.
const ELECTRON_DEFAULT_WIRE = '10110001';

const dir = mkdtempSync(path.join(tmpdir(), 'guichet-fuses-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function fakeElectron(name: string): string {
  const file = path.join(dir, name);
  writeFileSync(
    file,
    Buffer.concat([
      Buffer.from('MZ-fake-executable-'),
      Buffer.from(SENTINEL),
      Buffer.from([1, ELECTRON_DEFAULT_WIRE.length]),
      Buffer.from(ELECTRON_DEFAULT_WIRE),
      Buffer.from('-rest-of-binary'),
    ]),
  );
  return file;
}

/** electron-builder's private translation of its `electronFuses` option, used as it is. */
async function builderFuseConfig(): Promise<FuseConfig> {
  const generate: unknown = Reflect.get(WinPackager.prototype, 'generateFuseConfig');
  if (typeof generate !== 'function') {
    throw new Error('electron-builder ne traduit plus electronFuses comme prévu : revoir ce test.');
  }
  return (await generate.call(null, electronFuses)) as FuseConfig;
}

describe('electron fuses', () => {
  it('flips every fuse to the hardened setting through electron-builder', async () => {
    const exe = fakeElectron('guichet.exe');
    await flipFuses(exe, await builderFuseConfig());
    const wire = await getCurrentFuseWire(exe);
    expect(wire[FuseV1Options.RunAsNode]).toBe(DISABLE);
    expect(wire[FuseV1Options.EnableCookieEncryption]).toBe(ENABLE);
    expect(wire[FuseV1Options.EnableNodeOptionsEnvironmentVariable]).toBe(DISABLE);
    expect(wire[FuseV1Options.EnableNodeCliInspectArguments]).toBe(DISABLE);
    expect(wire[FuseV1Options.EnableEmbeddedAsarIntegrityValidation]).toBe(ENABLE);
    expect(wire[FuseV1Options.OnlyLoadAppFromAsar]).toBe(ENABLE);
    expect(wire[FuseV1Options.LoadBrowserProcessSpecificV8Snapshot]).toBe(DISABLE);
    expect(wire[FuseV1Options.GrantFileProtocolExtraPrivileges]).toBe(DISABLE);
    // Only the wire changed: the rest of the executable is byte for byte what it was.
    const bytes = readFileSync(exe);
    expect(bytes.subarray(0, 19).toString()).toBe('MZ-fake-executable-');
    expect(bytes.subarray(-15).toString()).toBe('-rest-of-binary');
  });

  it('sets every fuse of the current wire explicitly', async () => {
    const exe = fakeElectron('strict.exe');
    // With strictlyRequireAllFuses, @electron/fuses refuses a configuration that leaves any
    // fuse of the binary's wire to Electron's default.
    await expect(
      flipFuses(exe, {
        ...(await builderFuseConfig()),
        strictlyRequireAllFuses: true,
      } as FuseConfig),
    ).resolves.toBe(1);
    expect(Object.keys(electronFuses)).toHaveLength(ELECTRON_DEFAULT_WIRE.length);
  });
});
