/** Entry of the citizen app, served at `/citizen/`; installable, its shell cached by a service worker. */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import '../ui/base.css';
import './citizen.css';
import { App } from './App';

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);

if (import.meta.env.PROD && 'serviceWorker' in navigator) {
  window.addEventListener('load', () => {
    navigator.serviceWorker.register('/citizen/sw.js', { scope: '/citizen/' }).catch(() => {
      // Without a service worker the app still works, just not offline.
    });
  });
}
