// Export Center web console: runs, profiles, downloads and verification over the /v1 API.
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
