// Command-line parsing for `alpr` (no dependency: the grammar is small).

export interface CliArgs {
  command: 'read' | 'help';
  paths: string[];
  regions: string[];
  config: string | null;
  cameraId: string | null;
  timestamp: string | null;
  mmc: boolean;
  /** Overrides the package's models/ directory. */
  models: string | null;
  threads: number | null;
  /** Print per-stage times to stderr. */
  timings: boolean;
  /** Go on with an interrupted run: skip the files that have their line in this file, append the rest to it. */
  resume: string | null;
}

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export const USAGE = `Usage: alpr read PATH... [options]

Reads licence plates in images (files, or folders searched recursively for
.jpg .jpeg .png .webp .gif .avif .tif .tiff) and prints one JSON line per image:
the Plate Recognizer Snapshot API response. A file that cannot be read gives a
line {"filename": ..., "error": {"code": ..., "message": ...}}; the exit code is
then 1.

Options:
  --regions CODE      region hint (repeatable, or comma-separated), e.g. --regions de
  --config JSON       engine config, e.g. '{"mode":"fast","threshold_d":0.3}'
  --camera-id ID      camera_id of every response
  --timestamp ISO     timestamp of every response (default: the time of reading)
  --mmc               add make/model/colour/orientation fields
  --models DIR        read the models from DIR (default: the package's models/)
  --threads N         WASM threads (default: min(4, CPU cores))
  --timings           print per-stage times (ms) of each image to stderr
  --resume FILE       go on with an interrupted run: the files that already have
                      their line in FILE are skipped, the other lines are appended
                      to FILE (not stdout); same paths, same order as before

Ctrl-C (SIGINT) or SIGTERM stops after the image being read: its line and all
before it are written, the exit code is 130; --resume reads the rest later.
  -h, --help          this help
`;

const VALUE_OPTS = new Set(['--regions', '--region', '--config', '--camera-id', '--timestamp', '--models', '--threads', '--resume']);

export function parseArgs(argv: readonly string[]): CliArgs {
  const out: CliArgs = {
    command: 'help',
    paths: [],
    regions: [],
    config: null,
    cameraId: null,
    timestamp: null,
    mmc: false,
    models: null,
    threads: null,
    timings: false,
    resume: null,
  };
  let command: string | null = null;
  let onlyPaths = false;
  for (let i = 0; i < argv.length; i++) {
    let a = argv[i];
    if (!onlyPaths && (a === '-h' || a === '--help')) return { ...out, command: 'help' };
    if (!onlyPaths && a === '--') {
      onlyPaths = true;
      continue;
    }
    if (!onlyPaths && a.startsWith('--')) {
      let value: string | undefined;
      const eq = a.indexOf('=');
      if (eq > 0) {
        value = a.slice(eq + 1);
        a = a.slice(0, eq);
      }
      if (a === '--timings') {
        out.timings = true;
        continue;
      }
      if (a === '--mmc') {
        if (value !== undefined && !/^(true|false|1|0)$/i.test(value)) throw new UsageError(`--mmc takes no value`);
        out.mmc = value === undefined || /^(true|1)$/i.test(value);
        continue;
      }
      if (!VALUE_OPTS.has(a)) throw new UsageError(`unknown option ${a}`);
      if (value === undefined) {
        if (i + 1 >= argv.length) throw new UsageError(`${a} needs a value`);
        value = argv[++i];
      }
      switch (a) {
        case '--regions':
        case '--region':
          out.regions.push(...value.split(/[\s,]+/).filter(Boolean));
          break;
        case '--config':
          out.config = value;
          break;
        case '--camera-id':
          out.cameraId = value;
          break;
        case '--timestamp':
          out.timestamp = value;
          break;
        case '--models':
          out.models = value;
          break;
        case '--resume':
          if (!value) throw new UsageError('--resume needs the output file of the interrupted run');
          out.resume = value;
          break;
        case '--threads': {
          const n = Number(value);
          if (!Number.isInteger(n) || n < 1 || n > 64) throw new UsageError(`--threads must be an integer 1..64`);
          out.threads = n;
          break;
        }
      }
      continue;
    }
    if (command === null) {
      command = a;
      if (command !== 'read') throw new UsageError(`unknown command "${a}" (try: alpr read PATH...)`);
      continue;
    }
    out.paths.push(a);
  }
  if (command === null) return out;
  if (out.paths.length === 0) throw new UsageError('alpr read needs at least one file or folder');
  return { ...out, command: 'read' };
}
