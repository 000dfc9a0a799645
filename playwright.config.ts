import { existsSync } from 'node:fs';
import { defineConfig, devices } from '@playwright/test';

// The end-to-end tests run against the production build (dist/, from `npx vite build`), served by
// scripts/serve.js with the cross-origin isolation headers, in Debian's Chromium (Playwright's own
// browser downloads are not available here).
const PORT = Number(process.env.E2E_PORT || 4317);
const chromiumPath = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
// E2E_DIST: another build folder (`npx vite build --outDir dist-x`), so that parallel work can test its own build.
const DIST = process.env.E2E_DIST || 'dist';
if (!existsSync(`${DIST}/index.html`)) {
  throw new Error(`${DIST}/index.html is missing: run "npx vite build" before the end-to-end tests.`);
}

// Without --disable-background-networking, Chromium keeps trying (and failing) to reach Google's services.
const baseArgs = ['--disable-background-networking', '--disable-component-update', '--no-first-run', '--no-sandbox'];

export default defineConfig({
  testDir: 'e2e',
  // Two shared CPU cores and a model per page: one page at a time, and generous time for the first read.
  workers: 1,
  fullyParallel: false,
  timeout: 180_000,
  expect: { timeout: 90_000 },
  retries: 0,
  forbidOnly: !!process.env.CI,
  reporter: process.env.CI ? 'list' : [['list']],
  use: {
    baseURL: `http://127.0.0.1:${PORT}/`,
    acceptDownloads: true,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
  },
  webServer: {
    command: 'node scripts/serve.js',
    env: { PORT: String(PORT), HOST: '127.0.0.1', DIST_DIR: DIST },
    url: `http://127.0.0.1:${PORT}/`,
    reuseExistingServer: false,
    timeout: 30_000,
    stdout: 'ignore',
  },
  projects: [
    {
      // Every user-visible flow, on whatever backend the page picks (Chromium's headless GPU-less WebGPU
      // adapter is absent without the flag below, so this is the WASM path).
      name: 'chromium',
      testIgnore: [/backends\.spec\.ts/, /screenshots\.spec\.ts/],
      use: {
        ...devices['Desktop Chrome'],
        launchOptions: { executablePath: chromiumPath, args: baseArgs },
      },
    },
    {
      // The software WebGPU adapter (SwiftShader): WebGPU and WASM must read the same plates.
      name: 'webgpu',
      // (recovery.spec.ts: its device-lost test runs here.)
      testMatch: /(backends|recovery)\.spec\.ts/,
      use: {
        ...devices['Desktop Chrome'],
        launchOptions: { executablePath: chromiumPath, args: [...baseArgs, '--enable-unsafe-webgpu'] },
      },
    },
    // `SCREENSHOTS=1 npx playwright test --project=screenshots` writes docs/screenshot*.png.
    ...(process.env.SCREENSHOTS
      ? [
          {
            name: 'screenshots',
            testMatch: /screenshots\.spec\.ts/,
            use: { launchOptions: { executablePath: chromiumPath, args: baseArgs } },
          },
        ]
      : []),
  ],
});
