// Drives the demo service's Swagger UI (/docs) in Debian's headless Chromium.
// In the Authorize dialog it authorizes all three security schemes: the API
// key (`APIKeyHeader`), HTTP Basic (`HTTPBasic`, johndoe) and the OAuth2
// password flow (`OAuth2PasswordBearer`, johndoe with only the `me` scope).
// Then it runs GET /users/me/ (expects 200) and GET /users/me/items/ (needs
// `items` too: expects 403) with the bearer token, GET /whoami/ (200, johndoe)
// with Basic and GET /metrics/ (200) with the API key, checks that each
// request carried its own scheme's credentials and no other's, and saves a
// full-page screenshot.
//
// usage: WARDEN_API_KEY=KEY node swagger-ui.mjs BASE_URL [SCREENSHOT]
//   BASE_URL    the running service, e.g. http://127.0.0.1:8000
//   SCREENSHOT  default: target/browser/swagger-ui.png under the repo root
// env: WARDEN_API_KEY (else WARDEN_DEMO_API_KEY, the service's own variable):
//        the service's API key for /metrics/; never printed, and hidden in
//        the screenshot
//      CHROMIUM (default /usr/bin/chromium)
//
// Each check below passes or fails on its own; a check whose prerequisite
// failed fails as "not run". Exits 0 when every check passed, 1 (with the
// reasons) otherwise; the last line is `browser: N passed, M failed`.

import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
const base = (process.argv[2] ?? process.env.BASE_URL ?? '').replace(/\/+$/, '');
const apiKey = process.env.WARDEN_API_KEY || process.env.WARDEN_DEMO_API_KEY || '';
if (!/^https?:\/\//.test(base) || !apiKey) {
  console.error(
    'usage: WARDEN_API_KEY=KEY node swagger-ui.mjs BASE_URL [SCREENSHOT]   (e.g. http://127.0.0.1:8000;\n' +
      '       KEY is the API key the service was started with: --api-key or WARDEN_DEMO_API_KEY)',
  );
  process.exit(2);
}
const screenshot = resolve(process.argv[3] ?? join(here, '..', '..', 'target', 'browser', 'swagger-ui.png'));
const executablePath = process.env.CHROMIUM ?? '/usr/bin/chromium';

const USER = { username: 'johndoe', password: 'secret' };
const BASIC = `Basic ${Buffer.from(`${USER.username}:${USER.password}`).toString('base64')}`;
const OAUTH2 = 'OAuth2PasswordBearer';
const HTTP_BASIC = 'HTTPBasic';
const API_KEY = 'APIKeyHeader';
const API_KEY_HEADER = 'x-api-key'; // playwright gives header names in lower case
const KEY_MASK = '[API key hidden by swagger-ui.mjs]';
const STEP_TIMEOUT_MS = 20_000; // any single wait; the whole run takes a few seconds
const TOTAL_TIMEOUT_MS = 180_000;

// The checks, in the order they run; `browser: N passed, M failed` counts them.
const CHECKS = {
  load: 'Swagger UI loads /openapi.json',
  apiKey: `Authorize: ${API_KEY} (X-API-Key)`,
  basic: `Authorize: ${HTTP_BASIC} (johndoe)`,
  oauth2: `Authorize: ${OAUTH2} (password flow, johndoe, scope "me")`,
  me: 'GET /users/me/ with the bearer token -> 200',
  items: 'GET /users/me/items/ with the bearer token -> 403 insufficient_scope',
  whoami: 'GET /whoami/ with Basic -> 200 johndoe',
  metrics: 'GET /metrics/ with X-API-Key -> 200 {"users":2,"active_users":1}',
  console: 'the page reports no unexpected errors',
  screenshot: 'the full-page screenshot is saved',
};
const results = new Map(); // check -> { ok, reason }
const OPERATIONS = ['/users/me/', '/users/me/items/', '/whoami/', '/metrics/'];

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
// Which credentials a request carried, without their values.
function describeCredentials(headers, token) {
  const parts = [];
  const authorization = headers.authorization;
  if (authorization === undefined) parts.push('no Authorization');
  else if (token && authorization === `Bearer ${token}`) parts.push('Authorization: Bearer (the token from POST /token)');
  else if (authorization === BASIC) parts.push(`Authorization: Basic (${USER.username}:${USER.password.replace(/./g, '*')})`);
  else parts.push(`Authorization: ${authorization.split(' ')[0]} (an unexpected value)`);
  const key = headers[API_KEY_HEADER];
  if (key === undefined) parts.push('no X-API-Key');
  else parts.push(`X-API-Key: ${key === apiKey ? 'the key' : `an unexpected value (${key.length} characters)`}`);
  return parts.join(', ');
}
function check(condition, message) {
  if (!condition) throw new CheckFailed(message);
}
const describeError = (error) => (error instanceof CheckFailed ? error.message : (error?.stack ?? String(error)));
// Runs one check unless a prerequisite failed; a failure is reported and
// recorded, and the next checks go on.
async function attempt(name, needs, body) {
  const missing = needs.filter((need) => !results.get(need)?.ok);
  if (missing.length) {
    results.set(name, { ok: false, reason: `not run: needs "${missing.join('", "')}"` });
    console.error(`swagger-ui: FAIL: ${name}: not run (needs "${missing.join('", "')}")`);
    return;
  }
  try {
    await body();
    results.set(name, { ok: true });
  } catch (error) {
    const reason = describeError(error);
    results.set(name, { ok: false, reason });
    console.error(`swagger-ui: FAIL: ${name}, during "${step}": ${reason}`);
  }
}
function summary() {
  const all = Object.values(CHECKS);
  const passed = all.filter((name) => results.get(name)?.ok).length;
  return { passed, failed: all.length - passed };
}

// Everything the page says that may explain a failure, and the unexpected part.
const consoleLines = [];
const unexpected = [];

const watchdog = setTimeout(() => {
  console.error(`swagger-ui: FAIL: gave up after ${TOTAL_TIMEOUT_MS / 1000} s during: ${step}`);
  console.log(`browser: ${summary().passed} passed, ${summary().failed} failed`);
  process.exit(1);
}, TOTAL_TIMEOUT_MS);

const userDataDir = mkdtempSync(join(tmpdir(), 'warden-chromium-'));
let context;
let page;
let scriptFailed = false; // an error outside the checks: a bug in this script
try {
  await attempt(CHECKS.load, [], async () => {
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
      // The browser logs every non-2xx fetch; those below are expected or
      // checked elsewhere: Chromium asks for /favicon.ico, which the service
      // doesn't serve, the scope check answers 403 on purpose, and each
      // operation's own check asserts its status.
      const path = where.startsWith(base) ? new URL(where).pathname : where;
      const isLoadFailure = message.text().startsWith('Failed to load resource');
      if (isLoadFailure && (path === '/favicon.ico' || OPERATIONS.includes(path))) return;
      unexpected.push(`console error: ${message.text()}${where ? ` (${where})` : ''}`);
    });

    step = 'loading /docs';
    const spec = expectResponse(page, (r) => r.url() === `${base}/openapi.json`);
    const docs = await page.goto(`${base}/docs`);
    check(docs?.status() === 200, `GET /docs answered ${docs?.status()}, not 200`);
    check((await spec).status() === 200, `GET /openapi.json answered ${(await spec).status()}, not 200`);
    await page.locator('.information-container .title').filter({ hasText: 'warden demo service' }).waitFor();
    log('Swagger UI loaded /openapi.json');

    step = 'opening the Authorize dialog';
    await page.locator('.auth-wrapper button.authorize').click();
    await page.locator('.dialog-ux .modal-ux').waitFor();
  });
  const dialog = page?.locator('.dialog-ux .modal-ux');
  // Each scheme has its own form (`.auth-container`) in the dialog, headed by its name.
  const section = (scheme) =>
    dialog.locator('.auth-container').filter({ has: page.locator('h4').filter({ hasText: scheme }) });
  // Once a scheme is authorized, its form shows "Authorized" and a Logout button.
  async function waitForAuthorized(auth, scheme) {
    step = `waiting for ${scheme}'s authorized state`;
    await auth.getByRole('button', { name: 'Remove authorization' }).waitFor();
    const errors = await auth.locator('.errors').allTextContents();
    check(errors.length === 0, `the Authorize dialog shows errors for ${scheme}: ${errors.join(' | ')}`);
    await auth.getByText('Authorized', { exact: true }).first().waitFor();
  }

  // --- Authorize: the API key --------------------------------------------------
  await attempt(CHECKS.apiKey, [CHECKS.load], async () => {
    step = `filling ${API_KEY}`;
    const auth = section(API_KEY);
    await auth.getByText('Name: X-API-Key').waitFor();
    await auth.locator('#api_key_value').fill(apiKey);
    await auth.getByRole('button', { name: 'Apply credentials' }).click();
    await waitForAuthorized(auth, API_KEY);
    // The authorized form shows the value masked, never the key.
    const shown = (await auth.locator('.wrapper', { hasText: 'Value:' }).locator('code').innerText()).trim();
    check(shown === '******', `the authorized ${API_KEY} form shows ${shown.includes(apiKey) ? 'the key' : JSON.stringify(shown)}, not ******`);
    log(`authorized ${API_KEY} (X-API-Key, shown as ******)`);
  });

  // --- Authorize: HTTP Basic ---------------------------------------------------
  await attempt(CHECKS.basic, [CHECKS.load], async () => {
    step = `filling ${HTTP_BASIC}`;
    const auth = section(HTTP_BASIC);
    await auth.locator('#auth-basic-username').fill(USER.username);
    await auth.locator('#auth-basic-password').fill(USER.password);
    await auth.getByRole('button', { name: 'Apply credentials' }).click();
    await waitForAuthorized(auth, HTTP_BASIC);
    const shown = (await auth.locator('.wrapper', { hasText: 'Username:' }).locator('code').innerText()).trim();
    check(shown === USER.username, `the authorized ${HTTP_BASIC} form shows the username ${JSON.stringify(shown)}`);
    log(`authorized ${HTTP_BASIC} as ${USER.username}`);
  });

  // --- Authorize: password flow, johndoe, only the `me` scope ---------------
  let token; // the access token of POST /token
  await attempt(CHECKS.oauth2, [CHECKS.load], async () => {
    step = 'filling the password flow form';
    const auth = section(OAUTH2);
    await auth.getByText('Flow: password').waitFor();
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
    const tokenResponse = expectResponse(
      page,
      (r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/token',
    );
    await auth.getByRole('button', { name: 'Apply given OAuth2 credentials' }).click();
    const answer = await tokenResponse;
    const tokenRequest = answer.request();
    const tokenHeaders = await tokenRequest.allHeaders();
    const form = new URLSearchParams(tokenRequest.postData() ?? '');
    const body = await answer.json().catch(() => null);
    log(
      `POST /token -> ${answer.status()}; form fields ${[...form.keys()].join(', ')}; ` +
        `scope=${JSON.stringify(form.get('scope'))}; ` +
        `Authorization: ${describeClientAuth(tokenHeaders.authorization)}` +
        `${tokenHeaders[API_KEY_HEADER] === undefined ? '' : '; X-API-Key sent'}`,
    );
    check(answer.status() === 200, `POST /token answered ${answer.status()}: ${JSON.stringify(body)}`);
    check(form.get('grant_type') === 'password', `grant_type was ${form.get('grant_type')}, not password`);
    check(form.get('username') === USER.username, `the token request's username was ${form.get('username')}`);
    check(form.get('scope') === 'me', `the token request asked for scope ${JSON.stringify(form.get('scope'))}, not "me"`);
    check(typeof body?.access_token === 'string', `POST /token's answer has no access_token: ${JSON.stringify(body)}`);
    // Swagger UI's token request is its own: the other schemes' credentials stay out of it.
    check(tokenHeaders[API_KEY_HEADER] === undefined, 'POST /token was sent with X-API-Key');
    check(tokenHeaders.authorization !== BASIC, `POST /token was sent with ${HTTP_BASIC}'s credentials`);

    await waitForAuthorized(auth, OAUTH2);
    token = body.access_token;
    log('authorized as johndoe with scope "me"');
  });

  let dialogClosed = false;
  if (results.get(CHECKS.load)?.ok) {
    try {
      step = 'closing the Authorize dialog';
      // Every scheme's form has a Close button; any of them closes the dialog.
      await dialog.locator('button.btn-done').first().click();
      await dialog.waitFor({ state: 'detached' });
      await page.locator('.auth-wrapper button.authorize.locked').waitFor();
      dialogClosed = true;
    } catch (error) {
      console.error(`swagger-ui: FAIL during "${step}": ${describeError(error)}`);
    }
  }
  const closed = 'the Authorize dialog closes';
  results.set(closed, { ok: dialogClosed });

  // --- Try the operations -------------------------------------------------------
  // Runs GET `path` with Try it out -> Execute; `credentials(headers)` checks
  // what the request carried; returns the response and the live response table's body.
  async function tryOperation(path, expected, credentials) {
    step = `GET ${path}: expanding`;
    const op = page
      .locator('.opblock.opblock-get')
      .filter({ has: page.locator(`.opblock-summary-path[data-path="${path}"]`) });
    check((await op.count()) === 1, `expected one GET ${path} operation in Swagger UI, found ${await op.count()}`);
    await op.locator('.opblock-summary-control').click();
    const tryIt = op.locator('button.try-out__btn');
    await tryIt.click();
    step = `GET ${path}: executing`;
    const answer = expectResponse(page, (r) => r.request().method() === 'GET' && r.url() === `${base}${path}`);
    await op.locator('button.execute').click();
    const response = await answer;
    const sent = await response.request().allHeaders();
    const problem = credentials(sent);
    check(!problem, `GET ${path} ${problem} (sent: ${describeCredentials(sent, token)})`);
    check(response.status() === expected, `GET ${path}: the service answered ${response.status()}, expected ${expected}`);

    step = `GET ${path}: reading the live response table`;
    const status = op.locator('.live-responses-table tbody tr.response td.response-col_status').first();
    await status.waitFor();
    // The cell holds the code, and "Undocumented" below it when the
    // document lists no response with that code.
    const [shown, ...note] = (await status.innerText()).trim().split(/\s+/);
    check(shown === String(expected), `GET ${path}: Swagger UI shows status ${JSON.stringify(shown)}, expected ${expected}`);
    const responseBody = (
      await op.locator('.live-responses-table .response-col_description .microlight').first().innerText()
    ).trim();
    const wwwAuthenticate = response.headers()['www-authenticate'];
    log(
      `GET ${path} [${describeCredentials(sent, token)}] -> ${shown}` +
        `${note.length ? ` (Swagger UI: ${note.join(' ')})` : ''} ${responseBody.replace(/\s+/g, ' ')}` +
        `${wwwAuthenticate ? `; WWW-Authenticate: ${wwwAuthenticate}` : ''}`,
    );
    await status.scrollIntoViewIfNeeded();
    return { response, responseBody, wwwAuthenticate };
  }
  // Swagger UI sends, for an operation, only the credentials of the schemes
  // in the operation's `security`: each check below asks for exactly those.
  const bearerOnly = (sent) => {
    if (sent.authorization !== `Bearer ${token}`) return 'was not sent with the token from POST /token';
    if (sent[API_KEY_HEADER] !== undefined) return 'was sent with X-API-Key too';
    return null;
  };
  const basicOnly = (sent) => {
    if (sent.authorization !== BASIC) return `was not sent with Authorization: Basic for ${USER.username}:${USER.password}`;
    if (sent[API_KEY_HEADER] !== undefined) return 'was sent with X-API-Key too';
    return null;
  };
  const apiKeyOnly = (sent) => {
    if (sent[API_KEY_HEADER] !== apiKey) return 'was not sent with X-API-Key equal to the key';
    if (sent.authorization !== undefined) return 'was sent with an Authorization header too';
    return null;
  };

  await attempt(CHECKS.me, [CHECKS.oauth2, closed], async () => {
    await tryOperation('/users/me/', 200, bearerOnly);
  });
  await attempt(CHECKS.items, [CHECKS.oauth2, closed], async () => {
    const forbidden = await tryOperation('/users/me/items/', 403, bearerOnly);
    check(
      /insufficient_scope/.test(forbidden.wwwAuthenticate ?? ''),
      `GET /users/me/items/: WWW-Authenticate lacks insufficient_scope: ${forbidden.wwwAuthenticate}`,
    );
  });
  await attempt(CHECKS.whoami, [CHECKS.basic, closed], async () => {
    const { response } = await tryOperation('/whoami/', 200, basicOnly);
    const user = await response.json().catch(() => null);
    check(user?.username === USER.username, `GET /whoami/ answered ${JSON.stringify(user)}, not johndoe`);
  });
  await attempt(CHECKS.metrics, [CHECKS.apiKey, closed], async () => {
    const { response } = await tryOperation('/metrics/', 200, apiKeyOnly);
    const counts = await response.json().catch(() => null);
    check(
      isDeepStrictEqual(counts, { users: 2, active_users: 1 }),
      `GET /metrics/ answered ${JSON.stringify(counts)}, not {"users":2,"active_users":1}`,
    );
  });

  await attempt(CHECKS.console, [CHECKS.load], async () => {
    step = "reading the page's errors";
    check(unexpected.length === 0, `the page reported:\n  ${unexpected.join('\n  ')}`);
  });
} catch (error) {
  // The checks catch their own failures; this is a bug in this script.
  console.error(`swagger-ui: FAIL during "${step}": ${describeError(error)}`);
  scriptFailed = true;
} finally {
  await attempt(CHECKS.screenshot, [], async () => {
    step = 'saving the screenshot';
    check(page, 'no page to take (Chromium did not start)');
    // Swagger UI's curl snippet (and, when a failure left the dialog open,
    // the key's input) shows the key: hide it in the picture.
    await page.evaluate(
      ({ key, mask }) => {
        const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
        for (let node = walker.nextNode(); node; node = walker.nextNode()) {
          if (node.nodeValue.includes(key)) node.nodeValue = node.nodeValue.split(key).join(mask);
        }
        for (const input of document.querySelectorAll('input')) {
          if (input.value.includes(key)) input.value = input.value.split(key).join(mask);
        }
      },
      { key: apiKey, mask: KEY_MASK },
    );
    const stillShown = await page.evaluate((key) => document.body.innerText.includes(key), apiKey);
    if (stillShown) {
      // Split across elements (never seen): hide the curl snippets whole.
      await page.addStyleTag({ content: '.request-snippets, .curl-command { visibility: hidden !important; }' });
      log('the API key is split across elements in the page: the screenshot hides the curl snippets');
    }
    mkdirSync(dirname(screenshot), { recursive: true });
    await page.screenshot({ path: screenshot, fullPage: true });
    const anyFailed = scriptFailed || summary().failed > 1; // the screenshot's own check is not recorded yet
    log(`screenshot: ${screenshot}${anyFailed ? ' (of the failed state)' : ''}`);
  });
  await context?.close().catch(() => {});
  rmSync(userDataDir, { recursive: true, force: true });
  clearTimeout(watchdog);
}

const { passed } = summary();
// A bug in this script fails the run even when every check it reached passed.
const failed = summary().failed + (scriptFailed ? 1 : 0);
if (failed === 0) {
  if (consoleLines.length) log(`the page's console:\n  ${consoleLines.join('\n  ')}`);
  log(
    'PASS: authorized the API key, Basic and the password flow; GET /users/me/ -> 200, ' +
      'GET /users/me/items/ -> 403, GET /whoami/ -> 200, GET /metrics/ -> 200',
  );
} else {
  for (const name of Object.values(CHECKS)) {
    const result = results.get(name);
    if (!result?.ok) console.error(`swagger-ui: failed: ${name}${result?.reason ? `: ${result.reason.split('\n')[0]}` : ': not run'}`);
  }
  if (consoleLines.length) console.error(`swagger-ui: the page's console:\n  ${consoleLines.join('\n  ')}`);
}
console.log(`browser: ${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
