// `alpr read PATH...`: the same PlateEngine as the browser's worker, on onnxruntime-web's WASM backend in Node.
// stdout carries only JSON Lines (one per image, in order); messages go to stderr.
import { closeSync, openSync, writeSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { basename, join, resolve } from 'node:path';
import * as ort from 'onnxruntime-web';
import { ApiValidationError, parseRequest, type RequestInput } from '../api/options';
import type { ReadRequest } from '../api/types';
import { PlateEngine } from '../engine';
import { parseArgs, UsageError, USAGE, type CliArgs } from './args';
import { decodeImage, FileError, MAX_FILE_BYTES } from './decode';
import { expandPaths, type ExpandReport } from './files';
import { loadModelsFromDir } from './models';
import { loadResume, ResumeError, type ResumeState } from './resume';

export interface CliIo {
  /** The package root (models/ is resolved against it, never against the cwd). */
  root: string;
  stdout?: (s: string) => void;
  stderr?: (s: string) => void;
  /**
   * Stops the run after the image being read (its line and every line before it are written; exit code 130).
   * Default: this process's SIGINT (Ctrl-C) and SIGTERM; a second one ends the process at once.
   */
  signal?: AbortSignal;
}

/** Exit code of a run stopped by SIGINT/SIGTERM (128 + 2, as shells report Ctrl-C). */
export const EXIT_INTERRUPTED = 130;

/** SIGINT/SIGTERM as an AbortSignal while the run lasts. */
function interruptSignal(err: (s: string) => void): { signal: AbortSignal; dispose(): void } {
  const ctl = new AbortController();
  const onSignal = (sig: NodeJS.Signals) => {
    if (ctl.signal.aborted) {
      err(`alpr: ${sig} again: stopping now\n`);
      process.exit(EXIT_INTERRUPTED);
    }
    err(`alpr: ${sig}: stopping after the image being read (again to stop now)\n`);
    ctl.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    signal: ctl.signal,
    dispose() {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}

/** Writes all of s to a file descriptor (a regular file may take it in several writes). */
function writeAll(fd: number, s: string): void {
  const b = Buffer.from(s, 'utf8');
  for (let off = 0; off < b.length; ) off += writeSync(fd, b, off, b.length - off);
}

/** Exit codes: 0 all read, 1 some file failed, 2 usage or setup error. */
export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  const out = io.stdout ?? ((s: string) => void process.stdout.write(s));
  const err = io.stderr ?? ((s: string) => void process.stderr.write(s));
  let args: CliArgs;
  try {
    args = parseArgs(argv);
  } catch (e) {
    if (e instanceof UsageError) {
      err(`alpr: ${e.message}\n\n${USAGE}`);
      return 2;
    }
    throw e;
  }
  if (args.command === 'help') {
    out(USAGE);
    return 0;
  }

  const input = (filename: string): RequestInput => ({
    regions: args.regions,
    config: args.config,
    mmc: args.mmc,
    camera_id: args.cameraId,
    timestamp: args.timestamp,
    filename,
  });
  // Options are the same for every file: validate them once, before loading anything.
  try {
    const probe = parseRequest(input('probe.jpg'));
    for (const w of probe.warnings ?? []) err(`alpr: warning: ${w}\n`);
  } catch (e) {
    if (e instanceof ApiValidationError) {
      err(`alpr: ${e.message}\n`);
      return 2;
    }
    throw e;
  }

  const interrupt = io.signal ? null : interruptSignal(err);
  const signal = io.signal ?? interrupt!.signal;
  try {
    return await readAll(args, input, out, err, signal, io.root);
  } finally {
    interrupt?.dispose();
  }
}

async function readAll(
  args: CliArgs,
  input: (filename: string) => RequestInput,
  stdout: (s: string) => void,
  err: (s: string) => void,
  signal: AbortSignal,
  root: string,
): Promise<number> {
  // The files first (a --resume that does not match them fails before the models load).
  let failed = 0;
  const report: ExpandReport = { skipped: [], unreadable: [] };
  const paths = await expandPaths(args.paths, report);
  if (report.skipped.length > 0) {
    const some = report.skipped.slice(0, 5).map((p) => basename(p)).join(', ');
    err(`alpr: skipped ${report.skipped.length} file(s) in folders that are not image names: ${some}${report.skipped.length > 5 ? ', ...' : ''}\n`);
  }
  for (const u of report.unreadable) {
    failed++;
    err(`alpr: cannot list the folder ${u}\n`);
  }
  if (paths.length === 0) err('alpr: no images to read\n');

  // --resume FILE: skip what FILE already answers, append the rest to it; else JSON lines on stdout.
  let out = stdout;
  let resumed: ResumeState = { done: 0, failed: 0, cutBytes: 0 };
  let fd: number | null = null;
  if (args.resume !== null) {
    try {
      resumed = loadResume(args.resume, paths);
      fd = openSync(args.resume, 'a');
    } catch (e) {
      err(`alpr: --resume: ${e instanceof ResumeError ? e.message : e instanceof Error ? e.message : String(e)}\n`);
      return 2;
    }
    const resumeFd = fd;
    out = (s) => writeAll(resumeFd, s);
    failed += resumed.failed;
    if (resumed.cutBytes) err(`alpr: ${args.resume}: its last line was cut short (${resumed.cutBytes} bytes): removed, that file is read again\n`);
    err(
      `alpr: resuming ${args.resume}: ${resumed.done} of ${paths.length} files already there` +
        `${resumed.failed ? ` (${resumed.failed} with an error)` : ''}, ${paths.length - resumed.done} to read\n`,
    );
  }
  try {
    return await readFiles(args, input, out, err, signal, root, paths, resumed.done, failed);
  } finally {
    if (fd !== null) closeSync(fd);
  }
}

async function readFiles(
  args: CliArgs,
  input: (filename: string) => RequestInput,
  out: (s: string) => void,
  err: (s: string) => void,
  signal: AbortSignal,
  root: string,
  paths: readonly string[],
  start: number,
  failedBefore: number,
): Promise<number> {
  let failed = failedBefore;
  const interrupted = (done: number): number => {
    err(
      `alpr: interrupted: ${done} of ${paths.length} files answered, ${paths.length - done} not read; ` +
        `to read them, run the same command with --resume ${args.resume ?? 'OUTPUT.jsonl'} (the file the lines went to)\n`,
    );
    return EXIT_INTERRUPTED;
  };
  if (start >= paths.length) return failed > 0 ? 1 : 0;
  if (signal.aborted) return interrupted(start);

  let engine: PlateEngine;
  try {
    ort.env.wasm.numThreads = args.threads ?? Math.min(4, availableParallelism());
    ort.env.logLevel = 'error';
    const models = await loadModelsFromDir(resolve(args.models ?? join(root, 'models')));
    engine = await PlateEngine.create(ort, models, { executionProviders: ['wasm'] });
    // ORT's one-off start-up (kernel set-up on the first run) belongs to loading, not to the first image's
    // processing_time, as in the worker.
    await engine.warmup();
  } catch (e) {
    err(`alpr: ${e instanceof Error ? e.message : String(e)}\n`);
    return 2;
  }

  const sums = { decode: 0, detect: 0, read: 0, shape: 0, n: 0 };
  const ms = (x: number) => x.toFixed(1).padStart(7);
  try {
    for (let i = start; i < paths.length; i++) {
      // Stopped (Ctrl-C): the image in flight was finished and written; nothing new starts.
      if (signal.aborted) return interrupted(i);
      const path = paths[i];
      const filename = basename(path);
      try {
        // a FIFO or device would block or never end; a file of gigabytes would fill the memory
        const st = await stat(path).catch(() => null);
        if (st && !st.isFile() && !st.isDirectory()) throw new FileError(400, `${filename}: not a regular file`);
        if (st && st.size > MAX_FILE_BYTES) {
          throw new FileError(413, `${filename}: the file is too large (${(st.size / 2 ** 20).toFixed(0)} MiB; the limit is ${MAX_FILE_BYTES / 2 ** 20} MiB)`);
        }
        const bytes = await readFile(path).catch((e: NodeJS.ErrnoException) => {
          if (e.code === 'ENOENT') throw new FileError(404, `${filename}: no such file (${path})`);
          if (e.code === 'EISDIR') throw new FileError(400, `${filename}: is a folder`);
          throw new FileError(400, `${filename}: cannot read the file (${e.code ?? e.message})`);
        });
        const t0 = performance.now();
        const image = await decodeImage(bytes, filename);
        const decodeMs = performance.now() - t0;
        const req: ReadRequest = parseRequest(input(filename));
        const { response, timings } = await engine.recognize(image, req, { decodeMs });
        out(JSON.stringify(response) + '\n');
        if (args.timings) {
          const t = { decode: decodeMs, detect: timings.detect, read: timings.read, shape: timings.shape };
          for (const k of ['decode', 'detect', 'read', 'shape'] as const) sums[k] += t[k];
          sums.n++;
          err(
            `alpr: ${filename} ${image.width}x${image.height} decode ${ms(t.decode)} detect ${ms(t.detect)} ` +
              `read ${ms(t.read)} shape ${ms(t.shape)} ms, ${response.results.length} plate(s), ${engine.backend}\n`,
          );
        }
      } catch (e) {
        failed++;
        // an HTTP-style code when the error carries one (FileError, ImageError), else 500; `throw null` included
        const carried = e instanceof FileError ? e.code : (e as { code?: unknown } | null)?.code;
        const code = typeof carried === 'number' && Number.isInteger(carried) && carried >= 400 && carried < 600 ? carried : 500;
        const why = e instanceof Error ? e.message : String(e);
        // every error line names its file, also for an unexpected failure (out of memory, a model run failing)
        const message = why.startsWith(`${filename}: `) ? why : `${filename}: ${why}`;
        out(JSON.stringify({ filename, error: { code, message } }) + '\n');
        err(`alpr: ${message}\n`);
      }
    }
  } finally {
    await engine.dispose();
  }
  if (args.timings && sums.n > 0) {
    const avg = (k: 'decode' | 'detect' | 'read' | 'shape') => ms(sums[k] / sums.n);
    err(
      `alpr: mean of ${sums.n}: decode ${avg('decode')} detect ${avg('detect')} read ${avg('read')} shape ${avg('shape')} ms ` +
        `(threads ${ort.env.wasm.numThreads})\n`,
    );
  }
  return failed > 0 ? 1 : 0;
}
