import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = fileURLToPath(new URL('.', import.meta.url));

/**
 * The web app: built into dist/web, which the service serves at `/` (src/http/web-app.ts).
 * `npm run web:dev` serves it with live reload on :5173 and sends the API calls to the
 * service on :3000 (`npm start` in another terminal).
 */
export default defineConfig({
  root: here,
  base: '/',
  publicDir: 'public',
  build: {
    outDir: '../dist/web',
    emptyOutDir: true,
    target: 'es2022',
    // One small bundle: the whole app is the first load's JavaScript.
    modulePreload: { polyfill: false },
    reportCompressedSize: false,
  },
  oxc: { jsx: { runtime: 'automatic', importSource: 'react' } },
  server: {
    port: 5173,
    fs: { allow: ['..'] },
    // Every API path and the seat streams go to the service; the app's own pages stay here.
    proxy: {
      '^/(signup|login|logout|me|movies|shows|my-bookings|my-holds|holds|bookings|check-ins|users|password-reset|jobs|booking-limits|health|swagger)': {
        target: 'http://127.0.0.1:3000',
        bypass: (req) => (req.headers.accept?.includes('text/html') ? req.url : undefined),
      },
    },
  },
});
