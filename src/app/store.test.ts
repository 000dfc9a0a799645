// The batch state of the queue: pause, cancel, and the counters the toolbar shows.
import { beforeEach, describe, expect, it } from 'vitest';
import { progressOf, useStore } from './store';

const files = (n: number) => Array.from({ length: n }, (_, i) => ({ file: new Blob([`img ${i}`]), name: `f${i + 1}.jpg` }));
const s = () => useStore.getState();

describe('queue batch state', () => {
  beforeEach(() => {
    s().clear();
    s().setPaused(false);
  });

  it('adds 1,000 files in order, queued, with distinct ids', () => {
    s().addFiles(files(1000));
    const items = s().items;
    expect(items.map((i) => i.name)).toEqual(files(1000).map((f) => f.name));
    expect(new Set(items.map((i) => i.id)).size).toBe(1000);
    expect(progressOf(items)).toEqual({ total: 1000, finished: 0, errors: 0, plates: 0, queued: 1000, reading: 0 });
  });

  it('counts read, failed, being read and waiting images', () => {
    s().addFiles(files(5));
    const [a, b, c] = s().items;
    s().updateItem(a.id, { status: 'done', response: { processing_time: 1, results: [{} as never, {} as never], filename: 'f1.jpg', version: 1, camera_id: null, timestamp: 't' } });
    s().updateItem(b.id, { status: 'error', error: { error: { code: 400, message: 'f2.jpg: the file is empty' } } });
    s().updateItem(c.id, { status: 'reading' });
    expect(progressOf(s().items)).toEqual({ total: 5, finished: 2, errors: 1, plates: 2, queued: 2, reading: 1 });
  });

  it('Cancel removes only the images not started, keeps order, un-pauses, and says how many', () => {
    s().addFiles(files(6));
    const [a, b, c] = s().items;
    s().updateItem(a.id, { status: 'done' });
    s().updateItem(b.id, { status: 'error' });
    s().updateItem(c.id, { status: 'reading' });
    s().setPaused(true);
    s().select(s().items[4].id);
    expect(s().cancelQueued()).toBe(3);
    expect(s().items.map((i) => i.name)).toEqual(['f1.jpg', 'f2.jpg', 'f3.jpg']);
    expect(s().paused).toBe(false);
    expect(s().cancelled).toBe(3);
    expect(s().selectedId).toBeNull(); // the selected image was removed
    // new files start a new batch: the note goes
    s().addFiles(files(1));
    expect(s().cancelled).toBeNull();
    expect(s().items).toHaveLength(4);
  });

  it('a paused queue keeps its images; Resume is the same flag back', () => {
    s().addFiles(files(3));
    s().setPaused(true);
    expect(s().paused).toBe(true);
    expect(progressOf(s().items).queued).toBe(3);
    s().setPaused(false);
    expect(s().paused).toBe(false);
  });
});
