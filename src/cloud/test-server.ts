// Test helper (Node only, imported by src/cloud/*.test.ts): a real HTTP server on 127.0.0.1 that behaves as
// the reference documents the Snapshot API / SDK (Token auth, multipart `upload`, 403 / 413 / 429 with the
// documented bodies), and a webhook receiver. Every request is recorded for the tests to inspect.

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  url: string;
  headers: Record<string, string | string[] | undefined>;
  /** Text fields, each name with all its values in order. */
  fields: Record<string, string[]>;
  /** File fields. */
  files: Record<string, { name: string; type: string; bytes: Uint8Array }>;
  rawBody: Buffer;
}

/** What the next request gets instead of the normal behaviour. 'drop' closes the socket without an answer. */
export type Scripted =
  | { status: number; headers?: Record<string, string>; body: string }
  | 'drop'
  | 'hang';

export interface FakeServerOptions {
  /** When set, requests need `Authorization: Token <token>`; otherwise none is checked (the SDK). */
  token?: string;
  /** Bodies larger than this get 413. */
  maxBytes?: number;
  /** When false, mmc=true gets 403 (the feature is "available for an additional fee"). */
  mmcEnabled?: boolean;
  /** Answers used in order, one per request, before the normal behaviour resumes. */
  script?: Scripted[];
  /** When set, a 403 body echoes the Authorization header it got (a hostile server, for leak tests). */
  echoAuthInErrors?: boolean;
  /**
   * Answer CORS as the reference says the API does ("allows requests from all origins"), for a page on another
   * origin: preflights (OPTIONS) get 204 and are not recorded; every answer carries the CORS headers.
   */
  cors?: boolean;
}

const CORS_HEADERS: Record<string, string> = {
  'access-control-allow-origin': '*',
  'access-control-allow-methods': 'POST, OPTIONS',
  'access-control-allow-headers': 'Authorization, Content-Type, Accept',
  'access-control-expose-headers': 'Retry-After',
  'access-control-max-age': '600',
};

/** True when the request was a CORS preflight, answered here. Adds the CORS headers to every answer. */
function handleCors(req: IncomingMessage, res: ServerResponse, cors: boolean | undefined, preflights: string[]): boolean {
  if (!cors) return false;
  for (const [k, v] of Object.entries(CORS_HEADERS)) res.setHeader(k, v);
  if (req.method !== 'OPTIONS') return false;
  preflights.push(req.url ?? '');
  res.writeHead(204);
  res.end();
  return true;
}

export interface FakeServer {
  url: string;
  requests: RecordedRequest[];
  /** URLs of the CORS preflights answered (with `cors`). */
  preflights: string[];
  script: Scripted[];
  close(): Promise<void>;
}

type Parsed = Pick<RecordedRequest, 'fields' | 'files'>;
const EMPTY = (): Parsed => ({ fields: {}, files: {} });

export async function parseBody(req: IncomingMessage, raw: Buffer): Promise<Parsed> {
  const fields: Record<string, string[]> = {};
  const files: RecordedRequest['files'] = {};
  const ct = String(req.headers['content-type'] ?? '');
  if (!ct.startsWith('multipart/form-data')) return { fields, files };
  const form = await new Request('http://parse.invalid/', {
    method: 'POST',
    headers: { 'content-type': ct },
    body: new Uint8Array(raw),
  }).formData();
  for (const [name, value] of form.entries()) {
    if (typeof value === 'string') (fields[name] ??= []).push(value);
    else {
      const f = value as File;
      files[name] = { name: f.name, type: f.type, bytes: new Uint8Array(await f.arrayBuffer()) };
    }
  }
  return { fields, files };
}

function readAll(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

/** A reference-shaped answer (snapshot-api-current.txt, "JSON Response"). */
export function referenceResponse(filename: string, cameraId: string | null, timestamp: string | null, mmc: boolean) {
  const result: Record<string, unknown> = {
    box: { xmin: 143, ymin: 481, xmax: 282, ymax: 540 },
    plate: 'nhk552',
    region: { code: 'gb', score: 0.747 },
    vehicle: { score: 0.798, type: 'Sedan', box: { xmin: 67, ymin: 368, xmax: 416, ymax: 661 } },
    score: 0.904,
    candidates: [
      { score: 0.904, plate: 'nhk552' },
      { score: 0.751, plate: 'nhk55z' },
    ],
    dscore: 0.99,
  };
  if (mmc) {
    result.model_make = [{ make: 'Riley', model: 'RMF', score: 0.306 }];
    result.color = [{ color: 'black', score: 0.937 }];
    result.orientation = [{ orientation: 'Rear', score: 0.969 }];
  }
  return {
    processing_time: 288.758,
    results: [result],
    filename,
    version: 1,
    camera_id: cameraId,
    timestamp: timestamp ?? '2020-10-12T16:17:27.574008Z',
  };
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return `http://127.0.0.1:${port}`;
}

function closer(server: Server): () => Promise<void> {
  return () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
}

/** The plate-reader endpoint at `${url}/v1/plate-reader/`. */
export async function startFakeApi(opts: FakeServerOptions = {}): Promise<FakeServer> {
  const requests: RecordedRequest[] = [];
  const preflights: string[] = [];
  const script: Scripted[] = [...(opts.script ?? [])];
  const server = createServer(async (req, res) => {
    if (handleCors(req, res, opts.cors, preflights)) return;
    const raw = await readAll(req);
    const parsed = await parseBody(req, raw).catch(EMPTY);
    requests.push({ method: req.method ?? '', url: req.url ?? '', headers: { ...req.headers }, rawBody: raw, ...parsed });
    const next = script.shift();
    if (next === 'drop') {
      req.socket.destroy();
      return;
    }
    if (next === 'hang') return; // never answers; the client's timeout or abort ends it
    if (next) {
      res.writeHead(next.status, { 'content-type': 'application/json', ...(next.headers ?? {}) });
      res.end(next.body);
      return;
    }
    if (req.method !== 'POST' || !(req.url ?? '').startsWith('/v1/plate-reader/')) {
      json(res, 404, { detail: 'Not found.' });
      return;
    }
    if (opts.token !== undefined && req.headers.authorization !== `Token ${opts.token}`) {
      const detail = opts.echoAuthInErrors
        ? `Invalid token: ${String(req.headers.authorization)}`
        : 'Authentication credentials were not provided.';
      json(res, 403, { detail });
      return;
    }
    if (opts.maxBytes !== undefined && raw.length > opts.maxBytes) {
      res.writeHead(413, { 'content-type': 'text/html' });
      res.end('<h1>413 Request Entity Too Large</h1>');
      return;
    }
    const upload = parsed.files.upload;
    if (!upload) {
      json(res, 400, { upload: ['This field is required.'] });
      return;
    }
    const mmc = parsed.fields.mmc?.[0] === 'true';
    if (mmc && opts.mmcEnabled === false) {
      json(res, 403, { detail: 'You do not have permission to perform this action.' });
      return;
    }
    json(
      res,
      201,
      referenceResponse(upload.name, parsed.fields.camera_id?.[0] ?? null, parsed.fields.timestamp?.[0] ?? null, mmc),
    );
  });
  const url = await listen(server);
  return { url, requests, preflights, script, close: closer(server) };
}

/** A webhook target: answers 200 unless scripted otherwise. */
export async function startWebhookReceiver(script: Scripted[] = [], opts: { cors?: boolean } = {}): Promise<FakeServer> {
  const requests: RecordedRequest[] = [];
  const preflights: string[] = [];
  const queue: Scripted[] = [...script];
  const server = createServer(async (req, res) => {
    if (handleCors(req, res, opts.cors, preflights)) return;
    const raw = await readAll(req);
    const parsed = await parseBody(req, raw).catch(EMPTY);
    requests.push({ method: req.method ?? '', url: req.url ?? '', headers: { ...req.headers }, rawBody: raw, ...parsed });
    const next = queue.shift();
    if (next === 'drop') {
      req.socket.destroy();
      return;
    }
    if (next === 'hang') return;
    if (next) {
      res.writeHead(next.status, next.headers ?? {});
      res.end(next.body);
      return;
    }
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end('ok');
  });
  const url = await listen(server);
  return { url, requests, preflights, script: queue, close: closer(server) };
}

/** A loopback port with nothing listening (bound, then released). */
export async function closedPortUrl(): Promise<string> {
  const server = createServer();
  const url = await listen(server);
  await closer(server)();
  return url;
}
