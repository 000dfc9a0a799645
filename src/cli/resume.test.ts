// --resume: which files an earlier run's output already answers, and the outputs it must refuse.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from './main';
import { loadResume, ResumeError } from './resume';

const dir = () => mkdtempSync(join(tmpdir(), 'alpr-resume-'));
const ok = (filename: string) => JSON.stringify({ processing_time: 1, results: [], filename, version: 1, camera_id: null, timestamp: 'x' });
const bad = (filename: string) => JSON.stringify({ filename, error: { code: 400, message: `${filename}: the file is empty` } });
const paths = ['/photos/a.jpg', '/photos/b.png', '/photos/sub/a.jpg', '/photos/c.jpg'];

describe('loadResume', () => {
  it('a missing file is a fresh start', () => {
    expect(loadResume(join(dir(), 'none.jsonl'), paths)).toEqual({ done: 0, failed: 0, cutBytes: 0 });
  });

  it('counts the lines that answer the first files, and the errors among them', () => {
    const f = join(dir(), 'out.jsonl');
    writeFileSync(f, `${ok('a.jpg')}\n${bad('b.png')}\n${ok('a.jpg')}\n`);
    expect(loadResume(f, paths)).toEqual({ done: 3, failed: 1, cutBytes: 0 });
  });

  it('a last line cut short (killed mid-write) is removed from the file and its image read again', () => {
    const f = join(dir(), 'out.jsonl');
    const whole = `${ok('a.jpg')}\n${ok('b.png')}\n`;
    writeFileSync(f, whole + ok('a.jpg').slice(0, 30));
    expect(loadResume(f, paths)).toEqual({ done: 2, failed: 0, cutBytes: 30 });
    expect(readFileSync(f, 'utf8')).toBe(whole);
  });

  it('refuses the output of other files or another order, naming the line', () => {
    const f = join(dir(), 'out.jsonl');
    writeFileSync(f, `${ok('a.jpg')}\n${ok('c.jpg')}\n`);
    expect(() => loadResume(f, paths)).toThrow(ResumeError);
    expect(() => loadResume(f, paths)).toThrow(/line 2 is for "c\.jpg", but file 2 to read is "b\.png"/);
    writeFileSync(f, `${ok('a.jpg')}\nnot json\n`);
    expect(() => loadResume(f, paths)).toThrow(/line 2 is not a JSON line/);
    writeFileSync(f, `${ok('a.jpg')}\n`);
    expect(() => loadResume(f, [])).toThrow(/more than the 0 files/);
    // nothing was changed in a refused file
    expect(readFileSync(f, 'utf8')).toBe(`${ok('a.jpg')}\n`);
  });
});

describe('alpr read --resume (in-process, no model needed)', () => {
  it('a finished output reads nothing; the exit code still says some file failed', async () => {
    const d = dir();
    writeFileSync(join(d, 'a.jpg'), '');
    writeFileSync(join(d, 'b.jpg'), '');
    const f = join(d, 'out.jsonl');
    writeFileSync(f, `${bad('a.jpg')}\n${bad('b.jpg')}\n`);
    let out = '';
    let err = '';
    const code = await main(['read', join(d, 'a.jpg'), join(d, 'b.jpg'), '--resume', f, '--models', join(d, 'no-models')], {
      root: d,
      stdout: (s) => (out += s),
      stderr: (s) => (err += s),
    });
    expect(code).toBe(1);
    expect(out).toBe('');
    expect(err).toContain('2 of 2 files already there (2 with an error), 0 to read');
    expect(readFileSync(f, 'utf8')).toBe(`${bad('a.jpg')}\n${bad('b.jpg')}\n`);
  });

  it('an output of other files: exit 2 before anything is loaded or written', async () => {
    const d = dir();
    const f = join(d, 'out.jsonl');
    writeFileSync(f, `${ok('zzz.jpg')}\n`);
    let err = '';
    const code = await main(['read', join(d, 'a.jpg'), '--resume', f, '--models', join(d, 'no-models')], {
      root: d,
      stdout: () => {},
      stderr: (s) => (err += s),
    });
    expect(code).toBe(2);
    expect(err).toMatch(/--resume: .*line 1 is for "zzz\.jpg", but file 1 to read is "a\.jpg"/);
    expect(readFileSync(f, 'utf8')).toBe(`${ok('zzz.jpg')}\n`);
  });

  it('stopped before it starts (the signal already aborted): exit 130, nothing written, a message', async () => {
    const d = dir();
    writeFileSync(join(d, 'a.jpg'), '');
    const ctl = new AbortController();
    ctl.abort();
    let out = '';
    let err = '';
    // the models are not there: a stop must still be a stop, not a setup error; so the check comes first
    const code = await main(['read', join(d, 'a.jpg'), '--models', join(d, 'no-models')], {
      root: d,
      stdout: (s) => (out += s),
      stderr: (s) => (err += s),
      signal: ctl.signal,
    });
    expect(code).toBe(130);
    expect(out).toBe('');
    expect(err).toMatch(/interrupted: 0 of 1 files answered, 1 not read/);
  });
});
