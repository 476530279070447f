// Drives the demo service's Swagger UI (/docs) in Debian's headless Chromium:
// authorizes johndoe through the OAuth2 password flow with only the `me`
// scope, then runs GET /users/me/ (expects 200) and GET /users/me/items/
// (needs `items` too: expects 403), and saves a full-page screenshot.
//
// usage: node swagger-ui.mjs BASE_URL [SCREENSHOT]
//   BASE_URL    the running service, e.g. http://127.0.0.1:8000
//   SCREENSHOT  default: target/browser/swagger-ui.png under the repo root
// env: CHROMIUM (default /usr/bin/chromium)
//
// Exits 0 when every check passed, 1 (with the reason) otherwise.

import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
const base = (process.argv[2] ?? process.env.BASE_URL ?? '').replace(/\/+$/, '');
if (!/^https?:\/\//.test(base)) {
  console.error('usage: node swagger-ui.mjs BASE_URL [SCREENSHOT]   (e.g. http://127.0.0.1:8000)');
  process.exit(2);
}
const screenshot = resolve(process.argv[3] ?? join(here, '..', '..', 'target', 'browser', 'swagger-ui.png'));
const executablePath = process.env.CHROMIUM ?? '/usr/bin/chromium';

const USER = { username: 'johndoe', password: 'secret' };
const SCHEME = 'OAuth2PasswordBearer';
const STEP_TIMEOUT_MS = 20_000; // any single wait; the whole run takes a few seconds
const TOTAL_TIMEOUT_MS = 120_000;

let step = 'starting';
const log = (message) => console.log(`swagger-ui: ${message}`);
class CheckFailed extends Error {}
// Starts waiting for a response before the action that causes it; if the
// action fails first, the wait's own failure is not an unhandled rejection.
function expectResponse(page, predicate) {
  const waiting = page.waitForResponse(predicate);
  waiting.catch(() => {});
  return waiting;
}
// How the token request carried the client's credentials (never the secret).
function describeClientAuth(header) {
  if (!header) return 'none';
  const [kind, value = ''] = header.split(' ');
  if (kind !== 'Basic') return kind;
  const decoded = Buffer.from(value, 'base64').toString();
  const clientId = decoded.slice(0, decoded.indexOf(':'));
  const hasSecret = decoded.length > clientId.length + 1;
  return `Basic (client_id ${JSON.stringify(clientId)}, ${hasSecret ? 'a' : 'no'} client_secret)`;
}
function check(condition, message) {
  if (!condition) throw new CheckFailed(message);
}

// Everything the page says that may explain a failure, and the unexpected part.
const consoleLines = [];
const unexpected = [];

const watchdog = setTimeout(() => {
  console.error(`swagger-ui: FAIL: gave up after ${TOTAL_TIMEOUT_MS / 1000} s during: ${step}`);
  process.exit(1);
}, TOTAL_TIMEOUT_MS);

const userDataDir = mkdtempSync(join(tmpdir(), 'warden-chromium-'));
let context;
let page;
let failed = false;
try {
  step = `launching ${executablePath}`;
  context = await chromium.launchPersistentContext(userDataDir, {
    executablePath,
    headless: true,
    viewport: { width: 1280, height: 900 },
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  log(`Chromium ${context.browser()?.version() ?? '(version unknown)'}`);
  page = context.pages()[0] ?? (await context.newPage());
  page.setDefaultTimeout(STEP_TIMEOUT_MS);

  page.on('pageerror', (error) => {
    unexpected.push(`uncaught exception in the page: ${error.message}`);
  });
  page.on('console', (message) => {
    const where = message.location()?.url ?? '';
    consoleLines.push(`[${message.type()}] ${message.text()}${where ? ` (${where})` : ''}`);
    if (message.type() !== 'error') return;
    // The browser logs every non-2xx fetch; the two below are expected:
    // Chromium asks for /favicon.ico, which the service doesn't serve, and
    // the scope check answers 403 on purpose.
    const path = where.startsWith(base) ? new URL(where).pathname : where;
    const isLoadFailure = message.text().startsWith('Failed to load resource');
    if (isLoadFailure && (path === '/favicon.ico' || path === '/users/me/items/')) return;
    unexpected.push(`console error: ${message.text()}${where ? ` (${where})` : ''}`);
  });

  step = 'loading /docs';
  const spec = expectResponse(page, (r) => r.url() === `${base}/openapi.json`);
  const docs = await page.goto(`${base}/docs`);
  check(docs?.status() === 200, `GET /docs answered ${docs?.status()}, not 200`);
  check((await spec).status() === 200, `GET /openapi.json answered ${(await spec).status()}, not 200`);
  await page.locator('.information-container .title').filter({ hasText: 'warden demo service' }).waitFor();
  log('Swagger UI loaded /openapi.json');

  // --- Authorize: password flow, johndoe, only the `me` scope ---------------
  step = 'opening the Authorize dialog';
  await page.locator('.auth-wrapper button.authorize').click();
  const dialog = page.locator('.dialog-ux .modal-ux');
  await dialog.waitFor();
  const auth = dialog.locator('.auth-container').filter({ hasText: SCHEME });
  await auth.getByText('Flow: password').waitFor();

  step = 'filling the password flow form';
  await auth.locator('#oauth_username').fill(USER.username);
  await auth.locator('#oauth_password').fill(USER.password);
  // The checkboxes are styled: the input is hidden and its label is clicked.
  const scope = (name) => auth.locator(`input[type=checkbox][data-value="${name}"]`);
  for (const name of ['me', 'items']) {
    const box = scope(name);
    const wanted = name === 'me';
    if ((await box.isChecked()) !== wanted) {
      await auth.locator(`label[for="${await box.getAttribute('id')}"]`).click();
    }
    check((await box.isChecked()) === wanted, `scope ${name} should be ${wanted ? '' : 'un'}ticked`);
  }

  step = 'authorizing (POST /token)';
  const tokenResponse = expectResponse(page, 
    (r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/token',
  );
  await auth.getByRole('button', { name: 'Apply given OAuth2 credentials' }).click();
  const token = await tokenResponse;
  const tokenRequest = token.request();
  const form = new URLSearchParams(tokenRequest.postData() ?? '');
  const body = await token.json().catch(() => null);
  log(
    `POST /token -> ${token.status()}; form fields ${[...form.keys()].join(', ')}; ` +
      `scope=${JSON.stringify(form.get('scope'))}; ` +
      `Authorization: ${describeClientAuth(tokenRequest.headers().authorization)}`,
  );
  check(token.status() === 200, `POST /token answered ${token.status()}: ${JSON.stringify(body)}`);
  check(form.get('grant_type') === 'password', `grant_type was ${form.get('grant_type')}, not password`);
  check(form.get('username') === USER.username, `the token request's username was ${form.get('username')}`);
  check(form.get('scope') === 'me', `the token request asked for scope ${JSON.stringify(form.get('scope'))}, not "me"`);
  check(typeof body?.access_token === 'string', `POST /token's answer has no access_token: ${JSON.stringify(body)}`);

  step = 'waiting for the authorized state';
  // Once authorized, the dialog shows "Authorized" and a Logout button.
  await auth.getByRole('button', { name: 'Remove authorization' }).waitFor();
  const errors = await auth.locator('.errors').allTextContents();
  check(errors.length === 0, `the Authorize dialog shows errors: ${errors.join(' | ')}`);
  await auth.getByText('Authorized', { exact: true }).first().waitFor();
  log('authorized as johndoe with scope "me"');

  step = 'closing the Authorize dialog';
  await dialog.locator('button.btn-done').click();
  await dialog.waitFor({ state: 'detached' });
  await page.locator('.auth-wrapper button.authorize.locked').waitFor();

  // --- Try the operations -------------------------------------------------------
  async function tryOperation(path, expected) {
    step = `GET ${path}: expanding`;
    const op = page
      .locator('.opblock.opblock-get')
      .filter({ has: page.locator(`.opblock-summary-path[data-path="${path}"]`) });
    check((await op.count()) === 1, `expected one GET ${path} operation in Swagger UI, found ${await op.count()}`);
    await op.locator('.opblock-summary-control').click();
    const tryIt = op.locator('button.try-out__btn');
    await tryIt.click();
    step = `GET ${path}: executing`;
    const answer = expectResponse(page, 
      (r) => r.request().method() === 'GET' && r.url() === `${base}${path}`,
    );
    await op.locator('button.execute').click();
    const response = await answer;
    const sent = response.request().headers().authorization ?? '';
    check(sent.startsWith('Bearer ') && sent.slice(7) === body.access_token,
      `GET ${path} was not sent with the token from POST /token (Authorization: ${JSON.stringify(sent)})`);
    check(response.status() === expected, `GET ${path}: the service answered ${response.status()}, expected ${expected}`);

    step = `GET ${path}: reading the live response table`;
    const status = op.locator('.live-responses-table tbody tr.response td.response-col_status').first();
    await status.waitFor();
    // The cell holds the code, and "Undocumented" below it when the
    // document lists no response with that code.
    const [shown, ...note] = (await status.innerText()).trim().split(/\s+/);
    check(shown === String(expected),
      `GET ${path}: Swagger UI shows status ${JSON.stringify(shown)}, expected ${expected}`);
    const responseBody = (await op.locator('.live-responses-table .response-col_description .microlight').first().innerText()).trim();
    const wwwAuthenticate = response.headers()['www-authenticate'];
    log(`GET ${path} -> ${shown}${note.length ? ` (Swagger UI: ${note.join(' ')})` : ''} ${responseBody.replace(/\s+/g, ' ')}${wwwAuthenticate ? `; WWW-Authenticate: ${wwwAuthenticate}` : ''}`);
    await status.scrollIntoViewIfNeeded();
    return { responseBody, wwwAuthenticate };
  }

  await tryOperation('/users/me/', 200);
  const forbidden = await tryOperation('/users/me/items/', 403);
  check(/insufficient_scope/.test(forbidden.wwwAuthenticate ?? ''),
    `GET /users/me/items/: WWW-Authenticate lacks insufficient_scope: ${forbidden.wwwAuthenticate}`);

  check(unexpected.length === 0, `the page reported:\n  ${unexpected.join('\n  ')}`);
} catch (error) {
  failed = true;
  const reason = error instanceof CheckFailed ? error.message : (error?.stack ?? String(error));
  console.error(`swagger-ui: FAIL during "${step}": ${reason}`);
  if (consoleLines.length) console.error(`swagger-ui: the page's console:\n  ${consoleLines.join('\n  ')}`);
} finally {
  if (page) {
    step = 'saving the screenshot';
    try {
      mkdirSync(dirname(screenshot), { recursive: true });
      await page.screenshot({ path: screenshot, fullPage: true });
      log(`screenshot: ${screenshot}${failed ? ' (of the failed state)' : ''}`);
    } catch (error) {
      failed = true;
      console.error(`swagger-ui: FAIL: cannot save the screenshot ${screenshot}: ${error.message}`);
    }
  }
  await context?.close().catch(() => {});
  rmSync(userDataDir, { recursive: true, force: true });
  clearTimeout(watchdog);
}

if (!failed && consoleLines.length) log(`the page's console:\n  ${consoleLines.join('\n  ')}`);
if (failed) {
  console.log('browser: 0 passed, 1 failed');
  process.exit(1);
}
log('PASS: authorized via the password flow; GET /users/me/ -> 200, GET /users/me/items/ -> 403');
console.log('browser: 1 passed, 0 failed');
