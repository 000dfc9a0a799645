import { test } from '@playwright/test';
import { chooseFiles, fixtureFile, openApp, waitSettled } from './helpers';

// Not part of the suite: `SCREENSHOTS=1 npx playwright test --project=screenshots` (after `npx vite build`)
// writes the README's screenshots.
const files = () => [
  fixtureFile('two_cars_1280x720.jpg'),
  fixtureFile('de_car_800x600.jpg'),
  fixtureFile('night_ro_1280x720.jpg'),
  fixtureFile('ro_clean_800x600.png'),
];

test('desktop screenshot', async ({ page }) => {
  await page.setViewportSize({ width: 1440, height: 1000 });
  await openApp(page);
  await chooseFiles(page, files());
  await waitSettled(page, 4);
  await page.getByTestId('image-card').first().getByRole('button').first().click();
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.waitForTimeout(500);
  await page.screenshot({ path: 'docs/screenshot.png', fullPage: true });
});

test('mobile screenshot', async ({ browser }) => {
  const ctx = await browser.newContext({ viewport: { width: 360, height: 780 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
  const page = await ctx.newPage();
  await openApp(page);
  await chooseFiles(page, files().slice(0, 2));
  await waitSettled(page, 2);
  await page.waitForTimeout(500);
  await page.screenshot({ path: 'docs/screenshot-mobile.png', fullPage: true });
  await ctx.close();
});
