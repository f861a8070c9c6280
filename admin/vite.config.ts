import vue from '@vitejs/plugin-vue';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { TDesignResolver } from 'unplugin-vue-components/resolvers';
import components from 'unplugin-vue-components/vite';
import { defineConfig } from 'vite';

const here = path.dirname(fileURLToPath(import.meta.url));

/**
 * The merchant admin page (docs/admin-page.md): built into build/admin, which `npm start` serves at /admin/ and
 * `npm run deploy` uploads to static hosting. `base: './'` keeps every asset URL relative, so the same build works
 * under any path; hash routing keeps deep links working without a server rewrite.
 */
export default defineConfig({
  root: here,
  base: './',
  plugins: [
    vue(),
    // `<t-button>` in a template imports Button (and its stylesheet) from tdesign-vue-next: only what pages use ships.
    components({ resolvers: [TDesignResolver({ library: 'vue-next' })], dts: false, dirs: [] }),
  ],
  build: {
    outDir: path.join(here, '..', 'build', 'admin'),
    emptyOutDir: true,
    target: 'es2022',
    // Charts and editors are separate chunks, loaded by their routes; the report is `npm run size:admin`.
    chunkSizeWarningLimit: 1024,
    reportCompressedSize: false,
  },
  server: {
    // `npm run dev:admin`: the page with hot reload, the back office from `npm start`'s emulator.
    proxy: { '/api/admin': 'http://127.0.0.1:8787' },
  },
});
