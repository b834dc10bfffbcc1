import { describe, expect, it } from 'vitest';
import { mainWindowOptions } from '../../src/main/window-options';

describe('mainWindowOptions', () => {
  const packaged = mainWindowOptions({
    preloadPath: '/app/out/preload/index.cjs',
    devTools: false,
  });

  it('isolates the page from Node and from the preload', () => {
    const p = packaged.webPreferences;
    expect(p.contextIsolation).toBe(true);
    expect(p.sandbox).toBe(true);
    expect(p.nodeIntegration).toBe(false);
    expect(p.nodeIntegrationInWorker).toBe(false);
    expect(p.nodeIntegrationInSubFrames).toBe(false);
  });

  it('keeps web security on and the risky features off', () => {
    const p = packaged.webPreferences;
    expect(p.webSecurity).toBe(true);
    expect(p.allowRunningInsecureContent).toBe(false);
    expect(p.webviewTag).toBe(false);
    expect(p.experimentalFeatures).toBe(false);
    expect(p.navigateOnDragDrop).toBe(false);
    expect(p).not.toHaveProperty('enableBlinkFeatures');
    expect(p).not.toHaveProperty('additionalArguments');
  });

  it('loads the built CommonJS preload and hides developer tools once packaged', () => {
    expect(packaged.webPreferences.preload).toBe('/app/out/preload/index.cjs');
    expect(packaged.webPreferences.devTools).toBe(false);
    expect(mainWindowOptions({ preloadPath: 'x', devTools: true }).webPreferences.devTools).toBe(
      true,
    );
  });

  it('waits for the first paint before showing the window', () => {
    expect(packaged.show).toBe(false);
  });
});
