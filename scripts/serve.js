#!/usr/bin/env node
// Static server for the production build (dist/), with the headers multi-threaded WASM needs
// (cross-origin isolation) and the right MIME types. No dependencies: node:http only.
import { createServer } from 'node:http';
import { createReadStream, existsSync, readFileSync, statSync } from 'node:fs';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { CSP, cspForHtml } from './csp.js';

const root = resolve(fileURLToPath(new URL('..', import.meta.url)), process.env.DIST_DIR || 'dist');
const port = Number(process.env.PORT || 4173);
const host = process.env.HOST || '127.0.0.1';

const types = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.onnx': 'application/octet-stream',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.webp': 'image/webp',
  '.avif': 'image/avif',
  '.gif': 'image/gif',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.woff2': 'font/woff2',
};
// Text and WASM compress well; images and .onnx weights barely do, so they go out as they are.
// Compressed bodies are cached in memory (keyed by path and mtime): each file is gzipped once.
const gzipCache = new Map();
function gzipped(file, mtimeMs) {
  const hit = gzipCache.get(file);
  if (hit && hit.mtimeMs === mtimeMs) return hit.body;
  const body = gzipSync(readFileSync(file), { level: 6 });
  gzipCache.set(file, { mtimeMs, body });
  return body;
}
const gzipTypes = new Set(['.html', '.js', '.mjs', '.css', '.json', '.map', '.webmanifest', '.svg', '.txt', '.wasm']);

// Content-Security-Policy (./csp.js): each HTML page gets the policy plus the hashes of its own inline blocks.
const cspCache = new Map();
function cspFor(file, mtimeMs) {
  const hit = cspCache.get(file);
  if (hit && hit.mtimeMs === mtimeMs) return hit.csp;
  const csp = cspForHtml(readFileSync(file, 'utf8'));
  cspCache.set(file, { mtimeMs, csp });
  return csp;
}

if (!existsSync(join(root, 'index.html'))) {
  console.error(`serve: ${root}/index.html not found; run "npx vite build" first.`);
  process.exit(1);
}

const server = createServer((req, res) => {
  res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
  res.setHeader('Cross-Origin-Embedder-Policy', 'require-corp');
  res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
  res.setHeader('X-Content-Type-Options', 'nosniff');
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { Allow: 'GET, HEAD' }).end();
    return;
  }
  let path;
  try {
    path = decodeURIComponent(new URL(req.url || '/', 'http://x').pathname);
  } catch {
    res.writeHead(400).end('bad request');
    return;
  }
  let file = normalize(join(root, path));
  if (file !== root && !file.startsWith(root + sep)) {
    res.writeHead(403).end('forbidden');
    return;
  }
  if (existsSync(file) && statSync(file).isDirectory()) file = join(file, 'index.html');
  if (!existsSync(file) || !statSync(file).isFile()) {
    res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end('not found');
    return;
  }
  const ext = extname(file).toLowerCase();
  if (ext !== '.html') {
    // Static assets (widget.js, the worker, ORT's wasm, the models) may be loaded by other sites that embed the
    // <plate-reader> widget (docs/widget.md): allow them cross-origin. Pages stay same-origin.
    res.setHeader('Cross-Origin-Resource-Policy', 'cross-origin');
    res.setHeader('Access-Control-Allow-Origin', '*');
  }
  const { size, mtime } = statSync(file);
  // Every response carries the policy: pages, and the worker and service worker scripts (a worker follows its
  // own script's policy).
  res.setHeader('Content-Security-Policy', ext === '.html' ? cspFor(file, mtime.getTime()) : CSP);
  const etag = `W/"${size.toString(16)}-${mtime.getTime().toString(16)}"`;
  const headers = {
    'Content-Type': types[ext] || 'application/octet-stream',
    ETag: etag,
    // Hashed build assets never change; everything else is revalidated.
    'Cache-Control': path.includes('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache',
    Vary: 'Accept-Encoding',
  };
  if (req.headers['if-none-match'] === etag) {
    res.writeHead(304, headers).end();
    return;
  }
  if (gzipTypes.has(ext) && size > 1024 && /\bgzip\b/.test(String(req.headers['accept-encoding'] || ''))) {
    const body = gzipped(file, mtime.getTime());
    res.writeHead(200, { ...headers, 'Content-Encoding': 'gzip', 'Content-Length': String(body.length) });
    res.end(req.method === 'HEAD' ? undefined : body);
    return;
  }
  res.writeHead(200, { ...headers, 'Content-Length': String(size) });
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  const stream = createReadStream(file);
  stream.on('error', () => res.destroy());
  stream.pipe(res);
});

server.listen(port, host, () => {
  console.log(`Serving ${root} at http://${host === '0.0.0.0' ? 'localhost' : host}:${port}/`);
});
