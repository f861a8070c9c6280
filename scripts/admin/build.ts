import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Builds the merchant admin page (admin/, Vite) into `outDir` (build/admin by default): what `npm start` serves at
 * /admin/ and `npm run deploy` uploads to static hosting. `npm run build:admin` runs the same build from the command
 * line.
 */
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const ADMIN_SOURCES = [path.join(root, 'admin'), path.join(root, 'typings')];
export const ADMIN_OUT = path.join(root, 'build', 'admin');

export async function buildAdminPage(outDir = ADMIN_OUT): Promise<void> {
  // Loaded only when a build runs: Vite and its plugins are a large import for a start that needs no build.
  const { build } = await import('vite');
  await build({
    configFile: path.join(root, 'admin', 'vite.config.ts'),
    logLevel: 'warn',
    build: { outDir, emptyOutDir: true },
  });
}

/** True when `outDir` holds a build newer than every source file of the page (admin/ and typings/). */
export function adminBuildIsCurrent(outDir = ADMIN_OUT): boolean {
  const built = fs.statSync(path.join(outDir, 'index.html'), { throwIfNoEntry: false })?.mtimeMs;
  if (built === undefined) return false;
  const newer = (dir: string): boolean =>
    fs.readdirSync(dir, { withFileTypes: true }).some((entry) => {
      const file = path.join(dir, entry.name);
      if (entry.isDirectory()) return entry.name !== 'test' && newer(file);
      return fs.statSync(file).mtimeMs > built;
    });
  return !ADMIN_SOURCES.some(newer);
}
