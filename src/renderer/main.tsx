import './styles.css';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { MantineProvider } from '@mantine/core';
import { App } from './app';
import { installErrorReporting } from './desktop/error-reporting';
import { theme } from './theme';

// Errors of the interface reach the desktop log (through the preload) or the console.
installErrorReporting();

const rootElement = document.getElementById('root');
if (rootElement) {
  createRoot(rootElement).render(
    <StrictMode>
      <MantineProvider theme={theme} forceColorScheme="light">
        <App />
      </MantineProvider>
    </StrictMode>,
  );
}
