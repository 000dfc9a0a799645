import { describe, expect, it } from 'vitest';
import { parseArgs, UsageError } from './args';

describe('parseArgs', () => {
  it('parses read with paths and every option, in any order', () => {
    const a = parseArgs([
      'read', 'a.jpg', '--regions', 'de', '--regions=fr,it', 'dir/', '--config', '{"mode":"fast"}',
      '--camera-id', 'cam 1', '--timestamp=2026-01-01T00:00:00Z', '--mmc', '--threads', '2',
    ]);
    expect(a).toEqual({
      command: 'read',
      paths: ['a.jpg', 'dir/'],
      regions: ['de', 'fr', 'it'],
      config: '{"mode":"fast"}',
      cameraId: 'cam 1',
      timestamp: '2026-01-01T00:00:00Z',
      mmc: true,
      models: null,
      threads: 2,
      timings: false,
      resume: null,
    });
    expect(parseArgs(['read', 'x', '--timings']).timings).toBe(true);
    expect(parseArgs(['read', 'x', '--resume', 'out.jsonl']).resume).toBe('out.jsonl');
    expect(parseArgs(['read', 'x', '--resume=o.jsonl']).resume).toBe('o.jsonl');
  });

  it('help without a command or with -h/--help; paths after --', () => {
    expect(parseArgs([]).command).toBe('help');
    expect(parseArgs(['read', 'x', '--help']).command).toBe('help');
    expect(parseArgs(['read', '--', '--odd-name.jpg']).paths).toEqual(['--odd-name.jpg']);
  });

  it('names what is wrong', () => {
    expect(() => parseArgs(['scan', 'x'])).toThrow(UsageError);
    expect(() => parseArgs(['read'])).toThrow(/at least one file/);
    expect(() => parseArgs(['read', 'x', '--config'])).toThrow(/--config needs a value/);
    expect(() => parseArgs(['read', 'x', '--colour'])).toThrow(/unknown option --colour/);
    expect(() => parseArgs(['read', 'x', '--threads', '0'])).toThrow(/--threads/);
    expect(() => parseArgs(['read', 'x', '--resume'])).toThrow(/--resume needs a value/);
    expect(() => parseArgs(['read', 'x', '--resume='])).toThrow(/--resume needs the output file/);
  });
});
