#include "service/console.h"

namespace ec::service {
namespace {

// The three files of the console, kept here so that the binary serves them with no files on
// disk. Plain HTML, ES2020 and CSS: edit them in place.

constexpr std::string_view kHtml = R"ECHTML(<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>Export Center</title>
<link rel="stylesheet" href="/console.css">
<script src="/console.js" defer></script>
</head>
<body>
<header class="top">
  <h1>Export Center</h1>
  <form id="token-form" class="token-form" autocomplete="off">
    <label for="token">API token</label>
    <input id="token" name="token" type="password" placeholder="ect_…" spellcheck="false" autocapitalize="off">
    <button id="save-token" type="submit">Use token</button>
    <button id="forget-token" type="button" class="secondary">Forget</button>
  </form>
  <p class="whoami">Tenant: <strong id="tenant" aria-live="polite"></strong></p>
</header>

<p id="error" class="error" role="alert" hidden></p>
<p id="notice" class="notice" role="status"></p>

<main>
  <section class="card" aria-labelledby="start-heading">
    <h2 id="start-heading">Start a run</h2>
    <form id="start-form" class="start-form">
      <label for="profile-select">Profile</label>
      <select id="profile-select" name="profile" required>
        <option value="">(enter a token first)</option>
      </select>
      <button id="start-run" type="submit" disabled>Start run</button>
    </form>
  </section>

  <section class="card" aria-labelledby="runs-heading">
    <h2 id="runs-heading">Runs <small id="updated" class="muted"></small></h2>
    <div class="scroll">
      <table id="runs">
        <thead>
          <tr>
            <th scope="col">Run</th>
            <th scope="col">Profile</th>
            <th scope="col">Revision</th>
            <th scope="col">Status</th>
            <th scope="col">Progress</th>
            <th scope="col">Created</th>
            <th scope="col">Finished</th>
          </tr>
        </thead>
        <tbody></tbody>
      </table>
    </div>
    <p id="runs-empty" class="muted" hidden>No runs yet.</p>
  </section>

  <section id="run-detail" class="card" aria-labelledby="detail-heading" aria-live="polite" hidden>
    <h2 id="detail-heading">Run <code data-field="id"></code></h2>
    <dl class="fields">
      <dt>Status</dt><dd><span data-field="status" class="badge"></span></dd>
      <dt>Progress</dt><dd data-field="progress"></dd>
      <dt>Profile</dt><dd data-field="profile"></dd>
      <dt>Reason</dt><dd data-field="reason"></dd>
      <dt>Artifact</dt><dd><code data-field="digest"></code></dd>
      <dt>Reference</dt><dd><code data-field="reference"></code></dd>
      <dt>Verification</dt><dd><span id="verification"></span> <small id="verification-checked" class="muted"></small></dd>
    </dl>
    <p><button id="cancel-run" type="button" class="secondary" hidden>Cancel run</button></p>
    <h3>Files</h3>
    <div class="scroll">
      <table id="files">
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Size</th>
            <th scope="col">Media type</th>
            <th scope="col">Digest</th>
            <th scope="col"><span class="visually-hidden">Download</span></th>
          </tr>
        </thead>
        <tbody></tbody>
      </table>
    </div>
    <p id="files-empty" class="muted">Files appear when the run has succeeded.</p>
  </section>
</main>
<footer class="muted">API: <a href="/.well-known/openapi">OpenAPI document</a></footer>
</body>
</html>
)ECHTML";

constexpr std::string_view kJs = R"ECJS(// Export Center web console: runs, profiles, downloads and verification over the /v1 API.
// Plain ES2020, no framework, no inline code (the page is served with CSP default-src 'self').
'use strict';

(() => {
  const TOKEN_KEY = 'export-center.token';
  const POLL_MS = 2000;
  const TERMINAL = new Set(['succeeded', 'failed', 'canceled']);

  const $ = (selector, root = document) => root.querySelector(selector);
  const el = {
    tokenForm: $('#token-form'),
    token: $('#token'),
    forget: $('#forget-token'),
    tenant: $('#tenant'),
    error: $('#error'),
    notice: $('#notice'),
    startForm: $('#start-form'),
    profile: $('#profile-select'),
    start: $('#start-run'),
    runs: $('#runs tbody'),
    runsEmpty: $('#runs-empty'),
    updated: $('#updated'),
    detail: $('#run-detail'),
    verification: $('#verification'),
    verificationChecked: $('#verification-checked'),
    cancel: $('#cancel-run'),
    files: $('#files tbody'),
    filesEmpty: $('#files-empty'),
  };

  const state = {
    token: '',
    timer: 0,
    generation: 0,        // bumped when the token changes: stale answers are dropped
    selected: '',         // the run shown in the detail panel
    detailStatus: '',     // its status when its files and verification were last loaded
    errors: new Map(),    // source → message; the newest is shown
  };

  // --- Errors and notices ------------------------------------------------------------------

  class ApiError extends Error {
    constructor(status, code, message) {
      super(message);
      this.status = status;
      this.code = code;
    }
  }

  function setError(source, err) {
    state.errors.delete(source);
    if (err) {
      const text = err instanceof ApiError ? `${err.code}: ${err.message}` : String(err.message || err);
      state.errors.set(source, text);
    }
    const messages = [...state.errors.values()];
    el.error.textContent = messages.length ? messages[messages.length - 1] : '';
    el.error.hidden = messages.length === 0;
  }

  function notice(text) {
    el.notice.textContent = text;
  }

  // --- The API -----------------------------------------------------------------------------

  async function api(path, { method = 'GET', body, headers = {}, raw = false } = {}) {
    if (!state.token) throw new ApiError(0, 'UNAUTHENTICATED', 'no API token: enter one above');
    const init = { method, cache: 'no-store', headers: { Authorization: `Bearer ${state.token}`, ...headers } };
    if (body !== undefined) {
      init.body = JSON.stringify(body);
      init.headers['Content-Type'] = 'application/json';
    }
    let res;
    try {
      res = await fetch(path, init);
    } catch (e) {
      throw new ApiError(0, 'UNAVAILABLE', `${method} ${path}: ${e.message}`);
    }
    if (!res.ok) {
      let code = `HTTP ${res.status}`;
      let message = res.statusText || 'request failed';
      try {
        const doc = await res.json();
        if (doc && doc.error) {
          code = doc.error.code || code;
          message = doc.error.message || message;
        }
      } catch (_) {
        // not a JSON error body: keep the HTTP status
      }
      throw new ApiError(res.status, code, message);
    }
    if (raw) return res;
    if (res.status === 204) return null;
    return res.json();
  }

  const seg = encodeURIComponent;

  function idempotencyKey() {
    const c = window.crypto;
    if (c && typeof c.randomUUID === 'function') return c.randomUUID();
    const bytes = new Uint8Array(16);
    if (c && typeof c.getRandomValues === 'function') {
      c.getRandomValues(bytes);
    } else {
      for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor(Math.random() * 256);
    }
    return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
  }

  // --- Formatting --------------------------------------------------------------------------

  function formatTime(value) {
    return value ? value.replace('T', ' ').replace(/Z$/, ' UTC') : '—';
  }

  function formatSize(n) {
    if (typeof n !== 'number' || !Number.isFinite(n)) return '';
    const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
    let i = 0;
    let v = n;
    while (v >= 1024 && i < units.length - 1) {
      v /= 1024;
      i++;
    }
    return i === 0 ? `${n} B` : `${v.toFixed(v < 10 ? 1 : 0)} ${units[i]}`;
  }

  function progressText(run) {
    const p = run.progress || {};
    const total = Number(p.total) || 0;
    const done = Number(p.done) || 0;
    const parts = [];
    if (p.phase) parts.push(p.phase);
    if (total > 0) parts.push(`${done}/${total}`);
    return parts.join(' ');
  }

  function setText(node, text) {
    const value = text == null ? '' : String(text);
    if (node.textContent !== value) node.textContent = value;
  }

  function make(tag, props = {}, children = []) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(props)) {
      if (key === 'dataset') Object.assign(node.dataset, value);
      else if (key in node) node[key] = value;
      else node.setAttribute(key, value);
    }
    for (const child of children) node.append(child);
    return node;
  }

  // --- Tenant and profiles -----------------------------------------------------------------

  async function loadWhoami() {
    const gen = state.generation;
    try {
      const me = await api('/v1/whoami');
      if (gen !== state.generation) return;
      setText(el.tenant, me.tenant);
      el.tenant.title = `token ${me.name} (${me.tokenId}): ${(me.scopes || []).join(', ')}`;
      setError('whoami', null);
    } catch (e) {
      if (gen !== state.generation) return;
      setText(el.tenant, '');
      setError('whoami', e);
    }
  }

  async function loadProfiles() {
    const gen = state.generation;
    try {
      const { profiles = [] } = await api('/v1/profiles');
      if (gen !== state.generation) return;
      const previous = el.profile.value;
      el.profile.replaceChildren();
      if (profiles.length === 0) {
        el.profile.append(make('option', { value: '', textContent: '(no profiles)' }));
      }
      for (const p of profiles) {
        el.profile.append(make('option', { value: p.name, textContent: `${p.name} (${p.revision}, ${p.kind})` }));
      }
      if (profiles.some((p) => p.name === previous)) el.profile.value = previous;
      el.start.disabled = profiles.length === 0;
      setError('profiles', null);
    } catch (e) {
      if (gen !== state.generation) return;
      el.start.disabled = true;
      setError('profiles', e);
    }
  }

  // --- Runs table --------------------------------------------------------------------------

  function makeRow(id) {
    const tr = make('tr', { dataset: { runId: id } });
    tr.append(
      make('td', {}, [make('button', { type: 'button', className: 'link', textContent: id, title: `Show ${id}` })]),
      make('td', { className: 'profile' }),
      make('td', { className: 'revision' }),
      make('td', {}, [make('span', { className: 'badge' })]),
      make('td', { className: 'progress' }, [make('progress', { max: 1 }), make('span', { className: 'phase' })]),
      make('td', { className: 'created' }),
      make('td', { className: 'finished' }),
    );
    return tr;
  }

  function updateProgress(bar, run) {
    const p = run.progress || {};
    const total = Number(p.total) || 0;
    const done = Math.min(Number(p.done) || 0, total);
    if (run.status === 'succeeded') {
      bar.max = 1;
      bar.value = 1;
    } else if (total > 0) {
      bar.max = total;
      bar.value = done;
    } else if (run.status === 'running') {
      bar.removeAttribute('value'); // indeterminate
    } else {
      bar.max = 1;
      bar.value = 0;
    }
    bar.setAttribute('aria-label', `${run.id} progress ${progressText(run) || run.status}`);
  }

  function updateRow(tr, run) {
    if (tr.dataset.status !== run.status) tr.dataset.status = run.status;
    setText($('.profile', tr), run.profile);
    setText($('.revision', tr), run.revision);
    const badge = $('.badge', tr);
    setText(badge, run.status);
    badge.dataset.status = run.status;
    updateProgress($('progress', tr), run);
    setText($('.phase', tr), progressText(run));
    setText($('.created', tr), formatTime(run.createdAt));
    setText($('.finished', tr), formatTime(run.finishedAt));
    const selected = run.id === state.selected;
    tr.classList.toggle('selected', selected);
    if (selected) tr.setAttribute('aria-current', 'true');
    else tr.removeAttribute('aria-current');
  }

  function renderRuns(runs) {
    const rows = new Map();
    for (const tr of el.runs.children) rows.set(tr.dataset.runId, tr);
    runs.forEach((run, i) => {
      let tr = rows.get(run.id);
      if (tr) rows.delete(run.id);
      else tr = makeRow(run.id);
      updateRow(tr, run);
      // Move rows only when out of place, so a row being clicked is not re-inserted.
      if (el.runs.children[i] !== tr) el.runs.insertBefore(tr, el.runs.children[i] || null);
    });
    for (const tr of rows.values()) tr.remove();
    el.runsEmpty.hidden = runs.length > 0;
  }

  async function refreshRuns() {
    const gen = state.generation;
    try {
      const { runs = [] } = await api('/v1/runs?limit=50');
      if (gen !== state.generation) return;
      renderRuns(runs);
      setText(el.updated, `updated ${new Date().toLocaleTimeString()}`);
      setError('runs', null);
      const current = runs.find((r) => r.id === state.selected);
      if (current) showRun(current);
    } catch (e) {
      if (gen !== state.generation) return;
      setError('runs', e);
    }
  }

  function schedule() {
    clearTimeout(state.timer);
    if (!state.token) return;
    state.timer = setTimeout(async () => {
      await refreshRuns();
      schedule();
    }, POLL_MS);
  }

  // --- Run detail --------------------------------------------------------------------------

  function field(name) {
    return $(`[data-field="${name}"]`, el.detail);
  }

  // Fills the panel from a Run; loads files and verification once the run succeeded.
  function showRun(run) {
    el.detail.hidden = false;
    el.detail.dataset.runId = run.id;
    el.detail.dataset.status = run.status;
    setText(field('id'), run.id);
    const status = field('status');
    setText(status, run.status);
    status.dataset.status = run.status;
    setText(field('progress'), progressText(run) || '—');
    setText(field('profile'), `${run.profile} ${run.revision}`);
    setText(field('reason'), run.reason || '—');
    const artifact = (run.result && run.result.artifact) || {};
    setText(field('digest'), artifact.digest || '—');
    setText(field('reference'), artifact.reference || '—');
    el.cancel.hidden = TERMINAL.has(run.status) || run.cancelRequested === true;
    if (run.status !== state.detailStatus) {
      state.detailStatus = run.status;
      if (run.status === 'succeeded') {
        loadFiles(run.id);
        loadVerification(run.id);
      } else {
        el.files.replaceChildren();
        el.filesEmpty.hidden = false;
        setText(el.verification, TERMINAL.has(run.status) ? 'not verified: the run did not succeed' : 'pending');
        el.verification.dataset.verified = 'false';
        setText(el.verificationChecked, '');
      }
    }
  }

  async function selectRun(id) {
    state.detailStatus = ''; // a click reloads files and verification
    if (state.selected !== id) {
      state.selected = id;
      el.files.replaceChildren();
      el.filesEmpty.hidden = false;
      setText(el.verification, '');
      delete el.verification.dataset.verified;
      setText(el.verificationChecked, '');
      for (const tr of el.runs.children) {
        const selected = tr.dataset.runId === id;
        tr.classList.toggle('selected', selected);
        if (selected) tr.setAttribute('aria-current', 'true');
        else tr.removeAttribute('aria-current');
      }
    }
    const gen = state.generation;
    try {
      const run = await api(`/v1/runs/${seg(id)}`);
      if (gen !== state.generation || state.selected !== id) return;
      showRun(run);
      setError('detail', null);
    } catch (e) {
      if (gen === state.generation) setError('detail', e);
    }
  }

  async function loadFiles(id) {
    try {
      const { files = [] } = await api(`/v1/runs/${seg(id)}/files`);
      if (state.selected !== id) return;
      el.files.replaceChildren(...files.map((f) => make('tr', {}, [
        make('td', {}, [make('code', { textContent: f.name })]),
        make('td', { className: 'num', textContent: formatSize(f.size) }),
        make('td', { textContent: f.mediaType || '' }),
        make('td', {}, [make('code', { className: 'digest', textContent: shortDigest(f.digest), title: f.digest })]),
        make('td', {}, [make('button', {
          type: 'button',
          className: 'download',
          textContent: 'Download',
          dataset: { file: f.name, digest: f.digest || '' },
          'aria-label': `Download ${f.name}`,
        })]),
      ])));
      el.filesEmpty.hidden = files.length > 0;
      if (files.length === 0) setText(el.filesEmpty, 'This run has no files.');
      setError('files', null);
    } catch (e) {
      setError('files', e);
    }
  }

  function shortDigest(digest) {
    if (!digest) return '';
    const [algorithm, hex = ''] = digest.split(':');
    return `${algorithm}:${hex.slice(0, 12)}…`;
  }

  async function loadVerification(id) {
    setText(el.verification, 'checking…');
    delete el.verification.dataset.verified;
    try {
      const v = await api(`/v1/runs/${seg(id)}/verification`);
      if (state.selected !== id) return;
      el.verification.dataset.verified = String(v.verified === true);
      setText(el.verification, v.verified === true ? 'verified' : (v.message || 'not verified'));
      setText(el.verificationChecked, v.verified === true && v.checked ? `(${v.checked})` : '');
      setError('verification', null);
    } catch (e) {
      if (state.selected !== id) return;
      el.verification.dataset.verified = 'false';
      setText(el.verification, `verification failed: ${e.message}`);
      setError('verification', e);
    }
  }

  async function download(button) {
    const id = state.selected;
    const name = button.dataset.file;
    button.disabled = true;
    button.dataset.state = 'downloading';
    try {
      const res = await api(`/v1/runs/${seg(id)}/files/${seg(name)}`, { raw: true });
      const blob = await res.blob();
      const url = URL.createObjectURL(blob);
      const a = make('a', { href: url, download: name.split('/').pop(), hidden: true });
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 60000);
      button.dataset.state = 'done';
      notice(`Downloaded ${name} (${formatSize(blob.size)}).`);
      setError('download', null);
    } catch (e) {
      button.dataset.state = 'failed';
      setError('download', e);
    } finally {
      button.disabled = false;
    }
  }

  // --- Actions -----------------------------------------------------------------------------

  async function startRun(event) {
    event.preventDefault();
    const profile = el.profile.value;
    if (!profile) return;
    el.start.disabled = true;
    try {
      const run = await api('/v1/runs', {
        method: 'POST',
        headers: { 'Idempotency-Key': idempotencyKey() },
        body: { profile },
      });
      notice(`Started ${run.id} (${run.profile} ${run.revision}).`);
      setError('start', null);
      await refreshRuns();
      await selectRun(run.id);
    } catch (e) {
      setError('start', e);
    } finally {
      el.start.disabled = !el.profile.value;
    }
  }

  async function cancelRun() {
    const id = state.selected;
    if (!id) return;
    el.cancel.disabled = true;
    try {
      const run = await api(`/v1/runs/${seg(id)}/cancel`, { method: 'POST' });
      notice(`Cancel requested for ${run.id}.`);
      setError('cancel', null);
      showRun(run);
      await refreshRuns();
    } catch (e) {
      setError('cancel', e);
    } finally {
      el.cancel.disabled = false;
    }
  }

  function resetView() {
    state.generation++;
    state.selected = '';
    state.detailStatus = '';
    state.errors.clear();
    setError('', null);
    notice('');
    setText(el.tenant, '');
    el.tenant.removeAttribute('title');
    el.runs.replaceChildren();
    el.runsEmpty.hidden = true;
    el.detail.hidden = true;
    el.profile.replaceChildren(make('option', { value: '', textContent: '(enter a token first)' }));
    el.start.disabled = true;
  }

  function useToken(token) {
    state.token = token;
    try {
      if (token) sessionStorage.setItem(TOKEN_KEY, token);
      else sessionStorage.removeItem(TOKEN_KEY);
    } catch (_) {
      // storage disabled: the token lives for this page only
    }
    el.token.value = token;
    resetView();
    clearTimeout(state.timer);
    if (!token) {
      notice('Enter an API token (ect_…) to use the console.');
      return;
    }
    loadWhoami();
    loadProfiles();
    refreshRuns().then(schedule);
  }

  // A token handed over in the URL fragment (#token=ect_…) is taken once and removed from
  // the address bar and the history entry.
  function tokenFromFragment() {
    if (!location.hash.startsWith('#')) return '';
    const params = new URLSearchParams(location.hash.slice(1));
    const token = params.get('token');
    if (token === null) return '';
    params.delete('token');
    const rest = params.toString();
    history.replaceState(history.state, '', `${location.pathname}${location.search}${rest ? `#${rest}` : ''}`);
    return token.trim();
  }

  function init() {
    el.tokenForm.addEventListener('submit', (event) => {
      event.preventDefault();
      useToken(el.token.value.trim());
    });
    el.forget.addEventListener('click', () => useToken(''));
    el.startForm.addEventListener('submit', startRun);
    el.profile.addEventListener('change', () => {
      el.start.disabled = !el.profile.value;
    });
    el.runs.addEventListener('click', (event) => {
      const tr = event.target.closest('tr[data-run-id]');
      if (tr) selectRun(tr.dataset.runId);
    });
    el.files.addEventListener('click', (event) => {
      const button = event.target.closest('button.download');
      if (button) download(button);
    });
    el.cancel.addEventListener('click', cancelRun);

    let token = tokenFromFragment();
    if (!token) {
      try {
        token = sessionStorage.getItem(TOKEN_KEY) || '';
      } catch (_) {
        token = '';
      }
    }
    useToken(token);
  }

  init();
})();
)ECJS";

constexpr std::string_view kCss = R"ECCSS(/* Export Center web console. No external resources: system fonts only. */
:root {
  --fg: #1d2330;
  --muted: #5d6675;
  --bg: #f5f6f8;
  --card: #ffffff;
  --line: #d9dde3;
  --accent: #2457c5;
  --accent-fg: #ffffff;
  --ok: #1b7f3b;
  --warn: #9a6400;
  --bad: #b3261e;
  --info: #2457c5;
  color-scheme: light dark;
}
@media (prefers-color-scheme: dark) {
  :root {
    --fg: #e4e7ec;
    --muted: #9aa3b2;
    --bg: #15181e;
    --card: #1e222a;
    --line: #343a46;
    --accent: #6f9bff;
    --accent-fg: #0d1220;
    --ok: #5fcf86;
    --warn: #e0b04a;
    --bad: #ff8a80;
    --info: #8fb2ff;
  }
}
* { box-sizing: border-box; }
html { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
body { margin: 0; color: var(--fg); background: var(--bg); }
code { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; font-size: 0.92em; word-break: break-all; }
h1 { font-size: 1.25rem; margin: 0; }
h2 { font-size: 1.05rem; margin: 0 0 0.75rem; }
h3 { font-size: 0.95rem; margin: 1rem 0 0.5rem; }
a { color: var(--accent); }
.muted { color: var(--muted); font-weight: normal; }
.visually-hidden {
  position: absolute; width: 1px; height: 1px; margin: -1px; padding: 0;
  overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; border: 0;
}
[hidden] { display: none !important; }

.top {
  display: flex; flex-wrap: wrap; align-items: center; gap: 0.75rem 1.5rem;
  padding: 0.75rem 1.25rem; background: var(--card); border-bottom: 1px solid var(--line);
}
.token-form, .start-form { display: flex; flex-wrap: wrap; align-items: center; gap: 0.5rem; }
.token-form input { width: 22rem; max-width: 60vw; }
.whoami { margin: 0 0 0 auto; }

main { display: grid; gap: 1rem; padding: 1rem 1.25rem; max-width: 90rem; }
.card { background: var(--card); border: 1px solid var(--line); border-radius: 6px; padding: 1rem; }
footer { padding: 0 1.25rem 1rem; font-size: 0.85rem; }

input, select, button { font: inherit; color: inherit; }
input, select {
  padding: 0.3rem 0.5rem; border: 1px solid var(--line); border-radius: 4px; background: var(--bg);
}
button {
  padding: 0.3rem 0.8rem; border: 1px solid var(--accent); border-radius: 4px;
  background: var(--accent); color: var(--accent-fg); cursor: pointer;
}
button.secondary { background: transparent; color: var(--accent); }
button:disabled { opacity: 0.5; cursor: not-allowed; }
button.link {
  padding: 0; border: 0; background: none; color: var(--accent); text-decoration: underline;
  font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; font-size: 0.92em;
}
:focus-visible { outline: 2px solid var(--accent); outline-offset: 2px; }

.error, .notice { margin: 0.75rem 1.25rem 0; padding: 0.5rem 0.75rem; border-radius: 4px; }
.error { color: var(--bad); border: 1px solid var(--bad); background: var(--card); font-weight: 600; }
.notice { color: var(--muted); padding-top: 0; padding-bottom: 0; min-height: 1.45em; }

.scroll { overflow-x: auto; }
table { width: 100%; border-collapse: collapse; }
th, td { text-align: left; padding: 0.4rem 0.6rem; border-bottom: 1px solid var(--line); white-space: nowrap; }
th { font-weight: 600; color: var(--muted); font-size: 0.85rem; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
#runs tbody tr { cursor: pointer; }
#runs tbody tr:hover { background: color-mix(in srgb, var(--accent) 6%, transparent); }
#runs tbody tr.selected { background: color-mix(in srgb, var(--accent) 12%, transparent); }
td.progress { min-width: 11rem; }
td.progress progress { width: 6rem; vertical-align: middle; margin-right: 0.4rem; }
.phase { color: var(--muted); font-size: 0.85rem; }

.badge {
  display: inline-block; padding: 0 0.5rem; border-radius: 999px; font-size: 0.8rem; font-weight: 600;
  border: 1px solid currentColor; color: var(--muted);
}
.badge[data-status="queued"] { color: var(--muted); }
.badge[data-status="running"] { color: var(--info); }
.badge[data-status="succeeded"] { color: var(--ok); }
.badge[data-status="failed"] { color: var(--bad); }
.badge[data-status="canceled"] { color: var(--warn); }

.fields { display: grid; grid-template-columns: max-content 1fr; gap: 0.3rem 1rem; margin: 0; }
.fields dt { color: var(--muted); }
.fields dd { margin: 0; min-width: 0; }
#verification[data-verified="true"] { color: var(--ok); font-weight: 600; }
#verification[data-verified="false"] { color: var(--bad); }

@media (max-width: 40rem) {
  .whoami { margin-left: 0; }
  .token-form input { width: 100%; max-width: none; }
}
)ECCSS";

}  // namespace

std::string_view ConsoleHtml() { return kHtml; }
std::string_view ConsoleJs() { return kJs; }
std::string_view ConsoleCss() { return kCss; }

}  // namespace ec::service
