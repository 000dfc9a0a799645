import { expect, test } from '@playwright/test';
import { chooseFiles, fixtureFile, openApp, waitSettled } from './helpers';

test.use({ viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 });

test('works on a 360 px wide phone: no horizontal overflow, everything reachable', async ({ page }) => {
  const problems = await openApp(page);
  const overflow = () => page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(await overflow()).toBeLessThanOrEqual(0);
  await expect(page.getByRole('button', { name: 'Choose files' })).toBeInViewport();

  await chooseFiles(page, [
    fixtureFile('two_cars_1280x720.jpg', 'a-very-long-file-name-from-a-camera-roll-2026-11-21-19-30-00.jpg'),
    fixtureFile('de_car_800x600.jpg'),
    { name: 'broken.jpg', mimeType: 'image/jpeg', buffer: Buffer.from('nope') },
  ]);
  await waitSettled(page, 3);
  await expect(page.getByTestId('results-table')).toBeVisible();
  await expect(page.getByTestId('raw-json')).toBeVisible();
  // Open the options panel too: the region list and the long labels must fit as well.
  await page.getByTestId('options').locator('summary').click();
  await page.getByLabel('Search regions').fill('united');
  await expect(page.getByRole('option').first()).toBeVisible();
  expect(await overflow()).toBeLessThanOrEqual(0);
  // Every card and panel stays inside the screen.
  const wide = await page.evaluate(() =>
    [...document.querySelectorAll('.panel, .card, .dropzone, .header')]
      .map((e) => e.getBoundingClientRect())
      .filter((r) => r.right > window.innerWidth + 0.5 || r.left < -0.5).length,
  );
  expect(wide).toBe(0);
  expect(problems).toEqual([]);
});
