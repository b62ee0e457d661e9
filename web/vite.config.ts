import { defineConfig } from 'vite';

/**
 * The finance console: a static SPA built into web/dist. `npm run web:dev` serves it with live reload and forwards
 * /api to the local admin API started by `npm start` (port 3000 unless LOCAL_PORT_API says otherwise).
 */
export default defineConfig({
  root: import.meta.dirname,
  base: '/',
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022', sourcemap: false, chunkSizeWarningLimit: 250 },
  server: {
    proxy: {
      '/api': {
        target: `http://127.0.0.1:${process.env.LOCAL_PORT_API ?? 3000}`,
        rewrite: (p) => p.replace(/^\/api/, ''),
      },
    },
  },
});
