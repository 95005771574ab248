import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/**
 * The console is served by `steward serve` from `dist/` at `/`. During development, `npm run dev`
 * serves it on http://localhost:5173 and forwards /api to a running server (STEWARD_API_URL,
 * by default the self-signed https://localhost:8443 that `npm start` runs).
 */
const CHARTS =
  /[\\/]node_modules[\\/](recharts|@mantine[\\/]charts|d3-[a-z-]+|internmap|victory-vendor|@reduxjs|react-redux|redux|redux-thunk|reselect|immer|es-toolkit|eventemitter3|decimal\.js-light|tiny-invariant)[\\/]/;

export default defineConfig({
  base: '/',
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // React and Mantine change rarely: a separate chunk stays cached across console releases. The
    // charts (recharts and what it brings) are only for the dashboard, which loads them on its own.
    rollupOptions: {
      output: {
        manualChunks: (id) => {
          if (!/[\\/]node_modules[\\/]/.test(id)) return undefined;
          if (CHARTS.test(id)) return 'charts';
          return 'vendor';
        },
      },
    },
    chunkSizeWarningLimit: 1000,
  },
  server: {
    proxy: {
      '/api': { target: process.env.STEWARD_API_URL ?? 'https://localhost:8443', secure: false },
    },
  },
});
