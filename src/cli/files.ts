// Which files `alpr read` reads: explicit files as given, folders searched recursively for images.
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';

export const IMAGE_EXTENSIONS = ['.jpg', '.jpeg', '.png', '.webp', '.gif', '.avif', '.tif', '.tiff', '.heic', '.heif'];

export function isImageName(name: string): boolean {
  const lower = name.toLowerCase();
  return IMAGE_EXTENSIONS.some((e) => lower.endsWith(e));
}

const byCodePoint = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

async function walk(dir: string, out: string[]): Promise<void> {
  const entries = await readdir(dir, { withFileTypes: true });
  entries.sort((a, b) => byCodePoint(a.name, b.name));
  for (const e of entries) {
    if (e.name.startsWith('.')) continue;
    const p = join(dir, e.name);
    if (e.isDirectory()) await walk(p, out);
    else if ((e.isFile() || e.isSymbolicLink()) && isImageName(e.name)) out.push(p);
  }
}

/**
 * The files to read, in order: each argument in turn; a folder expands to its images, sorted by path.
 * A path that does not exist stays in the list (reading it reports the error in its place).
 */
export async function expandPaths(paths: readonly string[]): Promise<string[]> {
  const out: string[] = [];
  for (const p of paths) {
    let isDir = false;
    try {
      isDir = (await stat(p)).isDirectory();
    } catch {
      isDir = false;
    }
    if (isDir) {
      const found: string[] = [];
      await walk(p, found);
      out.push(...found.sort(byCodePoint));
    } else out.push(p);
  }
  return out;
}
