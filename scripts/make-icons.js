#!/usr/bin/env node
// Rasterises public/favicon.svg into the PWA's PNG icons (public/icons/): the plate drawn on the app's
// theme colour, centred with a margin wide enough for "maskable" crops (the inner 80% circle).
// Run after changing the favicon: node scripts/make-icons.js
import { mkdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';

const root = fileURLToPath(new URL('..', import.meta.url));
const svg = readFileSync(`${root}public/favicon.svg`, 'utf8');
const inner = svg.replace(/^<svg[^>]*>/, '').replace(/<\/svg>\s*$/, '');
const background = '#0f172a';
mkdirSync(`${root}public/icons`, { recursive: true });

for (const size of [192, 512]) {
  // The favicon's 32×32 drawing scaled to 70% of the icon, on a full-bleed background.
  const scale = (size * 0.7) / 32;
  const offset = (size - 32 * scale) / 2;
  const icon = `<svg xmlns="http://www.w3.org/2000/svg" width="${size}" height="${size}" viewBox="0 0 ${size} ${size}">
<rect width="${size}" height="${size}" fill="${background}"/>
<g transform="translate(${offset} ${offset}) scale(${scale})">${inner}</g></svg>`;
  const out = `${root}public/icons/icon-${size}.png`;
  await sharp(Buffer.from(icon)).png({ compressionLevel: 9 }).toFile(out);
  console.log(`wrote ${out}`);
}
