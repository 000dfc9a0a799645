// Getting files into the queue: drops (files and whole folders), the pickers, the clipboard.

export interface NamedFile {
  file: Blob;
  /** The name shown and sent as `filename`: the path inside a dropped folder, else the file's name. */
  name: string;
}

const IMAGE_EXT = /\.(jpe?g|png|webp|gif|bmp|avif|tiff?|heic|heif)$/i;

/** Files found inside folders are filtered to images; a file the user picked by hand is always queued,
 * so that a broken or mislabelled one shows an error instead of vanishing. */
export function looksLikeImage(f: File): boolean {
  return f.type.startsWith('image/') || IMAGE_EXT.test(f.name);
}

function readAllEntries(dir: FileSystemDirectoryEntry): Promise<FileSystemEntry[]> {
  const reader = dir.createReader();
  const all: FileSystemEntry[] = [];
  // readEntries returns at most ~100 entries per call: keep calling until it returns none.
  return new Promise((resolve, reject) => {
    const next = () =>
      reader.readEntries((batch) => {
        if (!batch.length) resolve(all);
        else {
          all.push(...batch);
          next();
        }
      }, reject);
    next();
  });
}

function entryFile(entry: FileSystemFileEntry): Promise<File> {
  return new Promise((resolve, reject) => entry.file(resolve, reject));
}

async function walk(entry: FileSystemEntry, out: NamedFile[], inFolder: boolean): Promise<void> {
  if (entry.isFile) {
    const file = await entryFile(entry as FileSystemFileEntry);
    if (!inFolder || looksLikeImage(file)) {
      out.push({ file, name: inFolder ? entry.fullPath.replace(/^\//, '') : file.name });
    }
  } else if (entry.isDirectory) {
    const children = await readAllEntries(entry as FileSystemDirectoryEntry);
    children.sort((a, b) => a.name.localeCompare(b.name, undefined, { numeric: true }));
    for (const child of children) await walk(child, out, true);
  }
}

/** Everything a drop holds, folders walked recursively (webkitGetAsEntry). */
export async function filesFromDataTransfer(dt: DataTransfer): Promise<NamedFile[]> {
  const out: NamedFile[] = [];
  // Entries must be taken synchronously, before the first await: the DataTransfer empties after the event.
  const entries: (FileSystemEntry | File)[] = [];
  for (const item of Array.from(dt.items ?? [])) {
    if (item.kind !== 'file') continue;
    const entry = typeof item.webkitGetAsEntry === 'function' ? item.webkitGetAsEntry() : null;
    if (entry) entries.push(entry);
    else {
      const f = item.getAsFile();
      if (f) entries.push(f);
    }
  }
  if (!entries.length) {
    for (const f of Array.from(dt.files ?? [])) out.push({ file: f, name: f.name });
    return out;
  }
  for (const e of entries) {
    if (e instanceof File) out.push({ file: e, name: e.name });
    else {
      try {
        await walk(e, out, false);
      } catch {
        /* an unreadable entry (permissions, vanished file) is skipped; the rest still load */
      }
    }
  }
  return out;
}

/** Files from an <input type=file> (with or without webkitdirectory). */
export function filesFromInput(list: FileList | null): NamedFile[] {
  const out: NamedFile[] = [];
  for (const f of Array.from(list ?? [])) {
    const rel = f.webkitRelativePath;
    if (rel) {
      if (looksLikeImage(f)) out.push({ file: f, name: rel });
    } else out.push({ file: f, name: f.name });
  }
  return out;
}

/** Images pasted from the clipboard. Screenshots arrive as "image.png": give them a distinct name. */
export function filesFromClipboard(data: DataTransfer | null): NamedFile[] {
  if (!data) return [];
  const out: NamedFile[] = [];
  const stamp = new Date().toISOString().replace(/[:.]/g, '-').replace(/Z$/, '');
  for (const item of Array.from(data.items ?? [])) {
    if (item.kind !== 'file') continue;
    const f = item.getAsFile();
    if (!f) continue;
    const ext = (f.type.split('/')[1] || 'png').replace('jpeg', 'jpg').replace(/[^a-z0-9]/gi, '');
    const generic = !f.name || /^image\.\w+$/i.test(f.name);
    out.push({ file: f, name: generic ? `pasted-${stamp}-${out.length + 1}.${ext}` : f.name });
  }
  return out;
}
