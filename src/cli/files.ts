// Which files `alpr read` reads: explicit files as given, folders searched recursively for images.
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';

export const IMAGE_EXTENSIONS = ['.jpg', '.jpeg', '.png', '.webp', '.gif', '.avif', '.tif', '.tiff', '.heic', '.heif'];

export function isImageName(name: string): boolean {
  const lower = name.toLowerCase();
  return IMAGE_EXTENSIONS.some((e) => lower.endsWith(e));
}

const byCodePoint = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** What a folder search left out, for a note on stderr (nothing is dropped silently). */
export interface ExpandReport {
  /** Files in folders whose names are not image names (hidden entries are not counted). */
  skipped: string[];
  /** Folders that could not be listed, with the reason. */
  unreadable: string[];
}

async function walk(dir: string, out: string[], report?: ExpandReport): Promise<void> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (e) {
    // an unreadable sub-folder must not end the whole run
    report?.unreadable.push(`${dir} (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
    return;
  }
  entries.sort((a, b) => byCodePoint(a.name, b.name));
  for (const e of entries) {
    if (e.name.startsWith('.')) continue;
    const p = join(dir, e.name);
    if (e.isDirectory()) await walk(p, out, report);
    else if ((e.isFile() || e.isSymbolicLink()) && isImageName(e.name)) out.push(p);
    else report?.skipped.push(p);
  }
}

/**
 * The files to read, in order: each argument in turn; a folder expands to its images, sorted by path.
 * A path that does not exist stays in the list (reading it reports the error in its place).
 */
export async function expandPaths(paths: readonly string[], report?: ExpandReport): Promise<string[]> {
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
      await walk(p, found, report);
      out.push(...found.sort(byCodePoint));
    } else out.push(p);
  }
  return out;
}
