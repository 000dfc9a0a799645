// `alpr read ... --resume FILE`: go on with a batch that was interrupted. FILE holds the JSON lines written so far
// (one per file, in order); the files that already have their line are skipped and the rest is appended to FILE.
import { closeSync, existsSync, ftruncateSync, openSync, readFileSync } from 'node:fs';
import { basename } from 'node:path';

export class ResumeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ResumeError';
  }
}

export interface ResumeState {
  /** How many of the paths already have their line in the file (they are skipped). */
  done: number;
  /** How many of those lines are errors (the exit code counts them). */
  failed: number;
  /** Bytes of a last line cut short (the run was killed mid-write), removed from the file; 0 if none. */
  cutBytes: number;
}

/**
 * Reads the output of an earlier run and checks it against the files to read: line i must be the answer for
 * paths[i] (same base name), so a resume never skips the wrong file or writes a line twice. A last line without
 * its newline (a run killed mid-write) is cut off the file and read again. A file that does not exist yet is an
 * empty start.
 */
export function loadResume(file: string, paths: readonly string[]): ResumeState {
  if (!existsSync(file)) return { done: 0, failed: 0, cutBytes: 0 };
  let buf: Buffer;
  try {
    buf = readFileSync(file);
  } catch (e) {
    throw new ResumeError(`cannot read ${file} (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
  const end = buf.lastIndexOf(0x0a) + 1; // the bytes up to the last complete line
  const cutBytes = buf.length - end;
  const lines = buf.subarray(0, end).toString('utf8').split('\n');
  lines.pop(); // after the last '\n'
  if (lines.length > paths.length) {
    throw new ResumeError(`${file} has ${lines.length} lines, more than the ${paths.length} files to read: it is not the output of these files`);
  }
  let failed = 0;
  lines.forEach((line, i) => {
    let parsed: { filename?: unknown; error?: unknown };
    try {
      parsed = JSON.parse(line) as typeof parsed;
    } catch {
      throw new ResumeError(`${file} line ${i + 1} is not a JSON line: it is not the output of alpr read`);
    }
    const want = basename(paths[i]);
    if (parsed === null || typeof parsed !== 'object' || parsed.filename !== want) {
      const got = parsed && typeof parsed === 'object' ? JSON.stringify(parsed.filename) : 'no filename';
      throw new ResumeError(
        `${file} line ${i + 1} is for ${got}, but file ${i + 1} to read is "${want}": resume with the same paths, in the same order`,
      );
    }
    if (parsed.error !== undefined) failed++;
  });
  if (cutBytes > 0) {
    const fd = openSync(file, 'r+');
    try {
      ftruncateSync(fd, end);
    } finally {
      closeSync(fd);
    }
  }
  return { done: lines.length, failed, cutBytes };
}
