import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/**
 * The console is served by `steward serve` from `dist/` at `/`. During development, `npm run dev`
 * serves it on http://localhost:5173 and forwards /api to a running server (STEWARD_API_URL,
 * by default the self-signed https://localhost:8443 that `npm start` runs).
 */
export default defineConfig({
  base: '/',
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // React and Mantine change rarely: a separate chunk stays cached across console releases.
    rollupOptions: {
      output: {
        manualChunks: (id) => (/[\\/]node_modules[\\/]/.test(id) ? 'vendor' : undefined),
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
