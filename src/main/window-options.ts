// The options of Guichet's one window, kept apart from Electron so that the security settings
// can be asserted by tests: a regression here (a preload given Node, isolation turned off) is
// invisible in use and turns any script in the page into full control of the computer.

/** The webPreferences fields we set; structurally a subset of Electron's WebPreferences. */
export interface GuichetWebPreferences {
  preload: string;
  contextIsolation: true;
  sandbox: true;
  nodeIntegration: false;
  nodeIntegrationInWorker: false;
  nodeIntegrationInSubFrames: false;
  webSecurity: true;
  allowRunningInsecureContent: false;
  webviewTag: false;
  experimentalFeatures: false;
  navigateOnDragDrop: false;
  safeDialogs: true;
  spellcheck: false;
  devTools: boolean;
}

export interface GuichetWindowOptions {
  width: number;
  height: number;
  minWidth: number;
  minHeight: number;
  title: string;
  show: false;
  backgroundColor: string;
  autoHideMenuBar: true;
  webPreferences: GuichetWebPreferences;
}

export function mainWindowOptions(opts: {
  preloadPath: string;
  /** Developer tools stay available while developing, never in a packaged build. */
  devTools: boolean;
}): GuichetWindowOptions {
  return {
    width: 1280,
    height: 800,
    minWidth: 1024,
    minHeight: 680,
    title: 'Guichet',
    // Shown on 'ready-to-show', so the agent never sees an empty white frame.
    show: false,
    backgroundColor: '#ffffff',
    autoHideMenuBar: true,
    webPreferences: {
      preload: opts.preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      experimentalFeatures: false,
      // A file dropped on the window would otherwise replace the page with file://...
      navigateOnDragDrop: false,
      safeDialogs: true,
      spellcheck: false,
      devTools: opts.devTools,
    },
  };
}
