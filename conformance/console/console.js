#!/usr/bin/env node
// Drives Export Center's web console in headless Chromium as a person would:
//
//   node console.js BASE_URL TOKEN PROFILE_NAME OUT_DIR
//
// Opens BASE_URL/#token=TOKEN, waits for the tenant, starts a run of PROFILE_NAME from the
// form, follows it in the runs table until it succeeded (at most 120 s), opens its detail
// panel, waits for "verified", downloads the first file and checks that the bytes' sha256 is
// the digest the console lists, then saves OUT_DIR/console.png (a full-page screenshot).
// Prints one line per check, "ok - …" or "not ok - … (reason)", and exits 1 on any failure.
// Chromium: $CHROMIUM, else /usr/bin/chromium.
'use strict';

const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const puppeteer = require('puppeteer-core');

const RUN_TIMEOUT_MS = 120_000;
const STEP_TIMEOUT_MS = 30_000;

const [baseArg, token, profileName, outArg] = process.argv.slice(2);
if (!baseArg || !token || !profileName || !outArg) {
  console.error('usage: node console.js BASE_URL TOKEN PROFILE_NAME OUT_DIR');
  process.exit(2);
}
const base = baseArg.replace(/\/+$/, '');
const outDir = path.resolve(outArg);
const downloadDir = path.join(outDir, 'downloads');

let failures = 0;
function ok(what) {
  console.log(`ok - ${what}`);
}
function notOk(what, reason) {
  failures++;
  console.log(`not ok - ${what} (${String(reason).replace(/\s+/g, ' ').trim()})`);
}

let currentPage = null;

// Runs one check; a failed check stops the walk unless `optional` (later steps need it).
class Stop extends Error {}
async function check(what, fn, { optional = false } = {}) {
  try {
    const detail = await fn();
    ok(detail ? `${what}: ${detail}` : what);
    return true;
  } catch (e) {
    let reason = e && e.message ? e.message : String(e);
    // What the console itself shows in its error line, if anything.
    const shown = currentPage
      ? await currentPage.$eval('#error', (el) => (el.hidden ? '' : el.textContent.trim())).catch(() => '')
      : '';
    if (shown && !reason.includes(shown)) reason += `; console shows "${shown}"`;
    notOk(what, reason);
    if (!optional) throw new Stop();
    return false;
  }
}

function sha256File(file) {
  return `sha256:${crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex')}`;
}

async function waitForFile(file, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    // Chromium writes NAME.crdownload (or a GUID) and renames it when complete.
    if (fs.existsSync(file) && !fs.existsSync(`${file}.crdownload`)) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${path.basename(file)} did not appear in ${path.dirname(file)} within ${timeoutMs / 1000} s`);
}

async function main() {
  fs.mkdirSync(outDir, { recursive: true });
  fs.rmSync(downloadDir, { recursive: true, force: true });
  fs.mkdirSync(downloadDir, { recursive: true });

  const executablePath = process.env.CHROMIUM || '/usr/bin/chromium';
  let browser;
  let page;
  const pageErrors = [];
  try {
    await check('chromium starts', async () => {
      if (!fs.existsSync(executablePath)) throw new Error(`${executablePath} not found (set CHROMIUM)`);
      browser = await puppeteer.launch({
        executablePath,
        headless: true,
        args: ['--no-sandbox', '--headless=new', '--disable-gpu'],
        defaultViewport: { width: 1280, height: 900 },
        downloadBehavior: { policy: 'allow', downloadPath: downloadDir },
      });
      return await browser.version();
    });

    page = await browser.newPage();
    currentPage = page;
    page.setDefaultTimeout(STEP_TIMEOUT_MS);
    page.on('pageerror', (e) => pageErrors.push(`page error: ${e.message}`));
    page.on('console', (m) => {
      // Chromium asks for /favicon.ico by itself; the console has none.
      if (m.type() === 'error' && !(m.location().url || '').endsWith('/favicon.ico')) {
        pageErrors.push(`console: ${m.text()}`);
      }
    });
    page.on('requestfailed', (r) => {
      // Blob downloads and aborted polls on navigation are not failures of the page.
      if (!r.url().startsWith('blob:')) pageErrors.push(`request failed: ${r.url()} ${r.failure()?.errorText}`);
    });
    // Keep each Blob the console turns into a download, to hash the bytes it offered.
    await page.evaluateOnNewDocument(() => {
      const create = URL.createObjectURL.bind(URL);
      window.__ecBlobs = [];
      URL.createObjectURL = (obj) => {
        if (obj instanceof Blob) window.__ecBlobs.push(obj);
        return create(obj);
      };
    });

    await check('console page loads with its CSP', async () => {
      const res = await page.goto(`${base}/#token=${encodeURIComponent(token)}`, { waitUntil: 'load' });
      if (!res || !res.ok()) throw new Error(`GET / answered ${res ? res.status() : 'nothing'}`);
      const csp = res.headers()['content-security-policy'] || '';
      if (!csp.includes("default-src 'self'")) throw new Error(`Content-Security-Policy is "${csp}"`);
      await page.waitForSelector('#token');
      return await page.title();
    });

    await check('token taken from the URL fragment and removed from it', async () => {
      const { hash, stored } = await page.evaluate(() => ({
        hash: location.hash,
        stored: sessionStorage.getItem('export-center.token') || '',
      }));
      if (hash.includes('token=')) throw new Error(`location.hash still holds it: ${hash.slice(0, 16)}…`);
      if (stored !== token) throw new Error('sessionStorage does not hold the token');
    }, { optional: true });

    await check('tenant shown', async () => {
      await page.waitForFunction(() => document.querySelector('#tenant').textContent.trim() !== '');
      return await page.$eval('#tenant', (e) => e.textContent.trim());
    });

    await check(`profile ${profileName} offered and selected`, async () => {
      await page.waitForFunction(
        (name) => [...document.querySelectorAll('#profile-select option')].some((o) => o.value === name),
        {}, profileName);
      const chosen = await page.select('#profile-select', profileName);
      if (chosen[0] !== profileName) throw new Error(`selected ${JSON.stringify(chosen)}`);
    });

    // The runs the tenant already has, once the table shows them (the suite's tenant has runs
    // by now; reading an empty table too early would take an old run for the new one).
    await page.waitForFunction(() => document.querySelectorAll('#runs tbody tr[data-run-id]').length > 0, { timeout: 30000 });
    const before = await page.$$eval('#runs tbody tr[data-run-id]', (rows) => rows.map((r) => r.dataset.runId));
    let runId = '';
    await check('Start run adds a run to the table', async () => {
      await page.waitForFunction(() => !document.querySelector('#start-run').disabled);
      await page.click('#start-run');
      const handle = await page.waitForFunction((known) => {
        const row = document.querySelector('#runs tbody tr[data-run-id]');
        return row && !known.includes(row.dataset.runId) ? row.dataset.runId : null;
      }, {}, before);
      runId = await handle.jsonValue();
      return runId;
    });

    await check(`run succeeds within ${RUN_TIMEOUT_MS / 1000} s`, async () => {
      const deadline = Date.now() + RUN_TIMEOUT_MS;
      let last = '';
      for (;;) {
        const row = await page.$eval(`#runs tbody tr[data-run-id="${runId}"]`, (r) => ({
          status: r.dataset.status,
          phase: r.querySelector('.phase') ? r.querySelector('.phase').textContent : '',
          value: r.querySelector('progress') ? r.querySelector('progress').value : 0,
          max: r.querySelector('progress') ? r.querySelector('progress').max : 0,
        }));
        const shown = `${row.status} ${row.phase}`.trim();
        if (shown !== last) {
          console.log(`# ${runId}: ${shown} (progress ${row.value}/${row.max})`);
          last = shown;
        }
        if (row.status === 'succeeded') return runId;
        if (row.status === 'failed' || row.status === 'canceled') {
          const error = await page.$eval('#error', (e) => e.textContent);
          throw new Error(`the run ${row.status}${error ? `: ${error}` : ''}`);
        }
        if (Date.now() > deadline) throw new Error(`still ${shown} after ${RUN_TIMEOUT_MS / 1000} s`);
        await new Promise((r) => setTimeout(r, 500));
      }
    });

    await check('run detail opens with status succeeded', async () => {
      await page.click(`#runs tbody tr[data-run-id="${runId}"]`);
      await page.waitForFunction((id) => {
        const detail = document.querySelector('#run-detail');
        const status = detail && detail.querySelector('[data-field=status]');
        return detail && !detail.hidden && detail.dataset.runId === id && status.textContent.trim() === 'succeeded';
      }, {}, runId);
      return await page.$eval('#run-detail [data-field=digest]', (e) => e.textContent.trim());
    });

    await check('verification says verified', async () => {
      try {
        await page.waitForFunction(() => document.querySelector('#verification').textContent.trim() === 'verified');
      } catch (e) {
        const text = await page.$eval('#verification', (v) => v.textContent.trim());
        throw new Error(`#verification says "${text}"`);
      }
    }, { optional: true });

    let file = null;
    await check('first file offered for download', async () => {
      await page.waitForSelector('#run-detail .download[data-file]');
      file = await page.$eval('#run-detail .download[data-file]', (b) => ({ name: b.dataset.file, digest: b.dataset.digest }));
      if (!/^sha256:[0-9a-f]{64}$/.test(file.digest)) throw new Error(`data-digest is "${file.digest}"`);
      return `${file.name} ${file.digest}`;
    });

    await check('download button fetches bytes whose sha256 is the listed digest', async () => {
      const count = await page.evaluate(() => window.__ecBlobs.length);
      await page.click('#run-detail .download[data-file]');
      await page.waitForFunction((n) => window.__ecBlobs.length > n, {}, count);
      const base64 = await page.evaluate(async () => {
        const blob = window.__ecBlobs[window.__ecBlobs.length - 1];
        const bytes = new Uint8Array(await blob.arrayBuffer());
        let binary = '';
        for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
        return btoa(binary);
      });
      const bytes = Buffer.from(base64, 'base64');
      const got = `sha256:${crypto.createHash('sha256').update(bytes).digest('hex')}`;
      if (got !== file.digest) throw new Error(`${bytes.length} bytes hash to ${got}`);
      return `${bytes.length} bytes`;
    }, { optional: true });

    await check('Chromium saved the download with the same sha256', async () => {
      const saved = path.join(downloadDir, path.basename(file.name));
      await waitForFile(saved, STEP_TIMEOUT_MS);
      const got = sha256File(saved);
      if (got !== file.digest) throw new Error(`${saved} hashes to ${got}`);
      return path.relative(outDir, saved);
    }, { optional: true });

    await check('no API error shown', async () => {
      const error = await page.$eval('#error', (e) => (e.hidden ? '' : e.textContent.trim()));
      if (error) throw new Error(error);
    }, { optional: true });

    await check('no script errors, CSP violations or failed requests', async () => {
      if (pageErrors.length) throw new Error(pageErrors.slice(0, 3).join('; '));
    }, { optional: true });
  } catch (e) {
    if (!(e instanceof Stop)) notOk('console walk-through', e && e.stack ? e.stack : e);
  } finally {
    if (page) {
      const shot = path.join(outDir, 'console.png');
      await check('screenshot saved', async () => {
        await page.screenshot({ path: shot, fullPage: true });
        return shot;
      }, { optional: true });
    }
    if (browser) await browser.close().catch(() => {});
  }
}

main().then(() => {
  process.exit(failures ? 1 : 0);
}, (e) => {
  notOk('console walk-through', e && e.stack ? e.stack : e);
  process.exit(1);
});
