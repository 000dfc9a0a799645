#!/usr/bin/env node
// The `alpr` command. The CLI is TypeScript (src/cli, sharing src/engine and src/api with the browser); this
// launcher bundles it once with Vite's SSR build into node_modules/.cache/alpr-cli/ and rebuilds it whenever a
// source file is newer than the bundle, so it works right after `npm install` and after every edit, with no
// separate build step. Dependencies (onnxruntime-web, sharp) stay external and load from node_modules.
import { createHash } from 'node:crypto';
import { accessSync, constants, existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

/** node_modules/.cache/alpr-cli, or a per-package folder in the temp dir when node_modules is read-only. */
function pickCacheDir() {
  const preferred = join(root, 'node_modules', '.cache', 'alpr-cli');
  try {
    mkdirSync(preferred, { recursive: true });
    accessSync(preferred, constants.W_OK);
    return preferred;
  } catch {
    return join(tmpdir(), `alpr-cli-${createHash('sha256').update(root).digest('hex').slice(0, 12)}`);
  }
}
const cacheDir = pickCacheDir();
const bundleDir = join(cacheDir, 'current');
const bundle = join(bundleDir, 'alpr.mjs');
const SOURCES = ['src/cli', 'src/engine', 'src/api'];

function newestSource() {
  let newest = statSync(fileURLToPath(import.meta.url)).mtimeMs;
  const walk = (dir) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.ts') && !e.name.endsWith('.test.ts')) newest = Math.max(newest, statSync(p).mtimeMs);
    }
  };
  for (const d of SOURCES) if (existsSync(join(root, d))) walk(join(root, d));
  return newest;
}

async function buildCli() {
  let vite;
  try {
    vite = await import('vite');
  } catch {
    throw new Error('the CLI is not built and Vite is missing: run `npm install` in ' + root);
  }
  const tmp = join(cacheDir, `build-${process.pid}`);
  mkdirSync(cacheDir, { recursive: true });
  await vite.build({
    configFile: false,
    root,
    logLevel: 'error',
    publicDir: false,
    build: {
      ssr: join(root, 'src/cli/main.ts'),
      outDir: tmp,
      emptyOutDir: true,
      target: 'node20',
      minify: false,
      copyPublicDir: false,
      rollupOptions: { output: { entryFileNames: 'alpr.mjs', format: 'es' } },
    },
  });
  // Replace the old bundle; a concurrent build may have won the race, which is as good.
  rmSync(bundleDir, { recursive: true, force: true });
  try {
    renameSync(tmp, bundleDir);
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    if (!existsSync(bundle)) throw e;
  }
}

// `alpr read dir | head`: a closed pipe ends the run quietly.
process.stdout.on('error', (e) => {
  if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw e;
});

try {
  if (!existsSync(bundle) || statSync(bundle).mtimeMs < newestSource()) {
    process.stderr.write('alpr: building the command line tool (once after an install or an edit)...\n');
    await buildCli();
  }
  const { main } = await import(pathToFileURL(bundle).href);
  process.exitCode = await main(process.argv.slice(2), { root });
} catch (e) {
  process.stderr.write(`alpr: ${e instanceof Error ? e.stack || e.message : String(e)}\n`);
  process.exitCode = 2;
}
