import { readFileSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import { chooseFiles, expectApiResponse, fixtureFile, openApp, waitSettled } from './helpers';

async function download(page: Page, testId: string): Promise<{ name: string; text: string }> {
  const [dl] = await Promise.all([page.waitForEvent('download'), page.getByTestId(testId).click()]);
  const path = await dl.path();
  return { name: dl.suggestedFilename(), text: readFileSync(path!, 'utf8') };
}

/** RFC 4180 parse, enough to check what the export wrote. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') (field += '"'), i++;
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') row.push(field), (field = '');
    else if (c === '\r' && text[i + 1] === '\n') {
      row.push(field), rows.push(row), (row = []), (field = ''), i++;
    } else field += c;
  }
  if (field || row.length) row.push(field), rows.push(row);
  return rows;
}

test('export all results as JSON and as CSV', async ({ page }) => {
  const problems = await openApp(page);
  const tricky = 'lot "A", gate 2.jpg'; // comma and quotes: the CSV must quote it
  await chooseFiles(page, [
    fixtureFile('two_cars_1280x720.jpg'),
    fixtureFile('de_car_800x600.jpg', tricky),
    { name: 'empty.png', mimeType: 'image/png', buffer: Buffer.alloc(0) },
  ]);
  await waitSettled(page, 3);

  const json = await download(page, 'export-json');
  expect(json.name).toBe('plates.json');
  const all = JSON.parse(json.text);
  expect(all).toHaveLength(3);
  expectApiResponse(all[0], 'two_cars_1280x720.jpg');
  expectApiResponse(all[1], tricky);
  expect(Object.keys(all[2])).toEqual(['error']);
  expect(all[2].error.filename).toBe('empty.png');

  const csv = await download(page, 'export-csv');
  expect(csv.name).toBe('plates.csv');
  expect(csv.text).toContain('"lot ""A"", gate 2.jpg"');
  const rows = parseCsv(csv.text);
  const header = rows[0];
  expect(header.slice(0, 6)).toEqual(['filename', 'timestamp', 'camera_id', 'plate', 'score', 'dscore']);
  const col = (r: string[], name: string) => r[header.indexOf(name)];
  const plates = [...all[0].results, ...all[1].results];
  // One row per plate (one for an image without plates), one for the failed file; all as wide as the header.
  const expectedRows = Math.max(all[0].results.length, 1) + Math.max(all[1].results.length, 1) + 1;
  expect(rows.length - 1).toBe(expectedRows);
  for (const r of rows) expect(r.length).toBe(header.length);
  const plateRows = rows.slice(1).filter((r) => col(r, 'plate'));
  expect(plateRows.map((r) => col(r, 'plate'))).toEqual(plates.map((p: any) => p.plate));
  expect(plateRows.map((r) => Number(col(r, 'score')))).toEqual(plates.map((p: any) => p.score));
  expect(plateRows.map((r) => Number(col(r, 'xmin')))).toEqual(plates.map((p: any) => p.box.xmin));
  expect(rows.filter((r) => col(r, 'filename') === tricky).length).toBe(Math.max(all[1].results.length, 1));
  const errRow = rows.find((r) => col(r, 'filename') === 'empty.png')!;
  expect(col(errRow, 'error').length).toBeGreaterThan(0);
  expect(problems).toEqual([]);
});
