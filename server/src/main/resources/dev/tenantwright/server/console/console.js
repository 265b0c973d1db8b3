/*
 * Tenantwright operator console: a single page over the server's REST API (openapi.json), no build step and no
 * framework. The API token is kept in sessionStorage (this tab only) and sent as a bearer token; event streams are
 * read with fetch, since EventSource cannot send that header, and parsed here.
 *
 * Every text that comes from the server is put into the page as text (textContent, text nodes, attribute values),
 * never as markup: a tenant's name is whatever a customer typed.
 */
(() => {
  'use strict';

  const TOKEN_KEY = 'tenantwright.console.token';
  const main = document.getElementById('main');
  const nav = document.getElementById('nav');
  const who = document.getElementById('who');
  const signOutLink = document.getElementById('sign-out');

  /** The current view's lifetime: aborting it stops its requests, streams and timers. */
  let viewScope = new AbortController();

  // ---------------------------------------------------------------------------------------------------------------
  // DOM: elements from data, always as text

  /**
   * Makes an element. Props: class, text, on<event> handlers, and attributes (set as values, never parsed);
   * children are nodes or strings (which become text nodes); null and false are left out.
   */
  function el(tag, props, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(props || {})) {
      if (v == null || v === false) {
        continue;
      }
      if (k === 'class') {
        e.className = v;
      } else if (k === 'text') {
        e.textContent = String(v);
      } else if (k.startsWith('on') && typeof v === 'function') {
        e.addEventListener(k.slice(2), v);
      } else if (k === 'value') {
        e.value = v;
      } else {
        e.setAttribute(k, v === true ? '' : String(v));
      }
    }
    append(e, children);
    return e;
  }

  function append(parent, children) {
    for (const c of children.flat(Infinity)) {
      if (c == null || c === false) {
        continue;
      }
      parent.append(c instanceof Node ? c : document.createTextNode(String(c)));
    }
    return parent;
  }

  function clear(node, ...children) {
    node.replaceChildren();
    return append(node, children);
  }

  function link(hash, text, props) {
    return el('a', Object.assign({href: hash}, props || {}), text);
  }

  function tenantHash(id) {
    return '#/tenants/' + encodeURIComponent(id);
  }

  function runHash(id) {
    return '#/runs/' + encodeURIComponent(id);
  }

  /** The events after which a run's stream ends. */
  const RUN_ENDS = new Set(['RUN_SUCCEEDED', 'RUN_ROLLED_BACK', 'RUN_FAILED']);

  const OK_STATES = new Set(['READY', 'SUCCEEDED', 'APPROVED', 'ACTIVE', 'COMPLETED']);
  const BAD_STATES = new Set(['FAILED', 'ROLLED_BACK', 'REJECTED', 'COMPENSATION_FAILED', 'SUSPENDED', 'ROLLBACK',
    'IN_DOUBT']);
  const BUSY_STATES = new Set(['PROVISIONING', 'UPDATING', 'DESTROYING', 'QUEUED', 'RUNNING', 'ROLLING_BACK',
    'CANCELLING', 'PENDING', 'COMPENSATING', 'DELETING', 'IN_PROGRESS']);

  function tone(state) {
    return OK_STATES.has(state) ? 'ok' : BAD_STATES.has(state) ? 'bad' : BUSY_STATES.has(state) ? 'busy' : '';
  }

  function badge(state) {
    return setBadge(el('span'), state);
  }

  function setBadge(span, state) {
    span.className = ('badge ' + tone(state)).trim();
    span.textContent = state || '—';
    return span;
  }

  /**
   * Shows {@code text} in {@code node}, or hides it when there is none. Views that follow a stream update their
   * elements in place with this rather than making new ones, so a link or button being clicked stays the same one.
   */
  function show(node, text) {
    if (text) {
      if (node.textContent !== String(text)) {
        node.textContent = String(text);
      }
      node.hidden = false;
    } else {
      node.hidden = true;
    }
  }

  /** A percent bar with its number; {@code set} updates both. */
  function progress(percent, state) {
    const fill = el('div');
    const bar = el('div', {class: 'bar'}, fill);
    const pct = el('span', {class: 'pct'});
    const box = el('div', {class: 'progress'}, bar, pct);
    box.set = (p, s) => {
      const n = Math.max(0, Math.min(100, Number(p) || 0));
      fill.style.width = n + '%';
      pct.textContent = n + ' %';
      bar.className = 'bar ' + (s ? tone(s) : '');
    };
    box.set(percent, state);
    return box;
  }

  function pad(n) {
    return String(n).padStart(2, '0');
  }

  /** A time as local YYYY-MM-DD HH:MM:SS, or a dash. */
  function time(iso) {
    if (!iso) {
      return '—';
    }
    const d = new Date(iso);
    if (isNaN(d)) {
      return String(iso);
    }
    return d.getFullYear() + '-' + pad(d.getMonth() + 1) + '-' + pad(d.getDate()) + ' ' + pad(d.getHours()) + ':'
        + pad(d.getMinutes()) + ':' + pad(d.getSeconds());
  }

  /** A table with headings and rows (or one row saying it is empty), in a box that scrolls it when too wide. */
  function table(id, headings, rows, emptyText) {
    const body = el('tbody');
    const t = el('table', {id: id}, el('thead', null, el('tr', null, headings.map(h => el('th', {text: h})))), body);
    if (rows.length === 0) {
      body.append(el('tr', null, el('td', {class: 'empty', colspan: headings.length, text: emptyText})));
    } else {
      append(body, rows);
    }
    return el('div', {class: 'scroll'}, t);
  }

  /** At most {@code max} characters of {@code text}, with an ellipsis when cut. */
  function cut(text, max) {
    const s = String(text || '');
    return s.length <= max ? s : s.slice(0, max - 1) + '…';
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Problems (RFC 9457) and notices

  /** An error the API answered with (problem+json), or one this page makes up for a network failure. */
  class Problem extends Error {
    constructor(body, status) {
      const p = body && typeof body === 'object' ? body : {};
      super(p.detail || p.title || ('HTTP ' + status));
      this.problem = Object.assign({status: status, title: 'Error'}, p);
    }

    get type() {
      return String(this.problem.type || '');
    }
  }

  function isTwoPerson(problem) {
    return String(problem.type || '').endsWith('/two-person-approval');
  }

  /** A problem as the person should read it: what went wrong, the server's detail, the field at fault. */
  function problemBox(err) {
    const p = err instanceof Problem ? err.problem
        : {title: 'The request failed', detail: err && err.message ? err.message : String(err)};
    const twoPerson = isTwoPerson(p);
    const title = twoPerson ? 'Two-person approval: someone else must approve this'
        : (p.title || 'Error') + (p.status ? ' (' + p.status + ')' : '');
    return el('div', {class: 'problem' + (twoPerson ? ' two-person' : ''), role: 'alert'},
        el('strong', {text: title}),
        p.detail ? el('div', {class: 'detail', text: p.detail}) : null,
        p.field ? el('div', {class: 'field'}, 'Field: ', el('span', {class: 'mono', text: p.field})) : null,
        p.policy ? el('div', {class: 'field'}, 'Policy: ', el('span', {class: 'mono', text: p.policy})) : null);
  }

  /** Shows a problem in {@code area}, and marks the form field it names. */
  function showProblem(area, err, form) {
    if (err && err.name === 'AbortError') {
      return;
    }
    clear(area, problemBox(err));
    if (form && err instanceof Problem && err.problem.field) {
      const input = form.querySelector('[name="' + CSS.escape(err.problem.field) + '"]');
      if (input) {
        input.classList.add('invalid');
        input.focus();
      }
    }
  }

  function clearProblems(area, form) {
    area.replaceChildren();
    if (form) {
      form.querySelectorAll('.invalid').forEach(i => i.classList.remove('invalid'));
    }
  }

  // ---------------------------------------------------------------------------------------------------------------
  // The API

  function token() {
    return sessionStorage.getItem(TOKEN_KEY);
  }

  function newKey() {
    const bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    return 'console-' + Array.from(bytes, b => b.toString(16).padStart(2, '0')).join('');
  }

  async function readBody(res) {
    const text = await res.text();
    if (!text) {
      return null;
    }
    try {
      return JSON.parse(text);
    } catch (e) {
      return {title: res.statusText || 'Error', detail: text.slice(0, 500)};
    }
  }

  /**
   * Calls the API with the token. Resolves to {status, body}; rejects with a {@link Problem}. A refused token ends
   * the session (the sign-in form says why) unless {@code keepSession}. Run-starting calls carry a fresh
   * Idempotency-Key ({@code idempotent}), so a resent click is the same run.
   */
  async function api(method, path, body, opts) {
    const o = opts || {};
    const headers = {'Authorization': 'Bearer ' + (o.token || token()), 'Accept': 'application/json'};
    if (body !== undefined) {
      headers['Content-Type'] = 'application/json';
    }
    if (o.idempotent) {
      headers['Idempotency-Key'] = newKey();
    }
    let res;
    try {
      res = await fetch(path, {method: method, headers: headers, cache: 'no-store',
        body: body === undefined ? undefined : JSON.stringify(body), signal: o.signal || viewScope.signal});
    } catch (e) {
      if (e.name === 'AbortError') {
        throw e;
      }
      throw new Problem({title: 'Server unreachable', detail: 'the server did not answer: ' + e.message}, 0);
    }
    const data = await readBody(res);
    if (!res.ok) {
      const problem = new Problem(data, res.status);
      if (res.status === 401 && !o.keepSession) {
        endSession(problem);
      }
      throw problem;
    }
    return {status: res.status, body: data};
  }

  function sleep(ms, signal) {
    return new Promise(resolve => {
      const t = setTimeout(resolve, ms);
      signal.addEventListener('abort', () => {
        clearTimeout(t);
        resolve();
      }, {once: true});
    });
  }

  /**
   * Follows a server-sent event stream until {@code signal} aborts: reads the response body, parses the SSE
   * lines, calls {@code onEvent({type, id, data})} with the parsed JSON data, and reconnects after a break with
   * Last-Event-ID so nothing is missed or repeated. A 204 (a finished run, nothing more) ends it for good, and so
   * does the end of the stream after an event that {@code isLast} says is the last one.
   */
  function follow(path, handlers, signal) {
    let lastId = null;
    let delay = 1000;
    const status = s => handlers.onStatus && handlers.onStatus(s);
    (async () => {
      while (!signal.aborted) {
        try {
          const headers = {'Authorization': 'Bearer ' + token(), 'Accept': 'text/event-stream'};
          if (lastId !== null) {
            headers['Last-Event-ID'] = lastId;
          }
          const res = await fetch(path, {headers: headers, signal: signal, cache: 'no-store'});
          if (res.status === 204) {
            status('ended');
            return;
          }
          if (!res.ok) {
            const problem = new Problem(await readBody(res), res.status);
            if (res.status === 401) {
              endSession(problem);
              return;
            }
            if (res.status < 500 && res.status !== 429) {
              status('failed');
              handlers.onProblem && handlers.onProblem(problem);
              return;
            }
            throw problem;
          }
          status('open');
          delay = 1000;
          let last = false;
          await readEvents(res.body, ev => {
            if (ev.id !== null) {
              lastId = ev.id;
            }
            let data = null;
            try {
              data = JSON.parse(ev.data);
            } catch (e) {
              return;
            }
            const event = Object.assign({type: ev.type}, data);
            last = last || Boolean(handlers.isLast && handlers.isLast(event));
            handlers.onEvent(event);
          });
          if (last) {
            status('ended');
            return;
          }
        } catch (e) {
          if (signal.aborted) {
            return;
          }
        }
        if (signal.aborted) {
          return;
        }
        status('reconnecting');
        await sleep(delay, signal);
        delay = Math.min(delay * 2, 15000);
      }
    })();
  }

  /** Parses an event stream (text/event-stream) from a response body, one event at a time. */
  async function readEvents(body, onEvent) {
    const reader = body.getReader();
    const decoder = new TextDecoder();
    let buffer = '';
    let data = [];
    let type = 'message';
    let id = null;
    const line = raw => {
      if (raw === '') {
        if (data.length > 0) {
          onEvent({type: type, id: id, data: data.join('\n')});
        }
        data = [];
        type = 'message';
        id = null;
        return;
      }
      if (raw.startsWith(':')) {
        return; // a comment: the keep-alive
      }
      const colon = raw.indexOf(':');
      const field = colon < 0 ? raw : raw.slice(0, colon);
      let value = colon < 0 ? '' : raw.slice(colon + 1);
      if (value.startsWith(' ')) {
        value = value.slice(1);
      }
      if (field === 'data') {
        data.push(value);
      } else if (field === 'event') {
        type = value;
      } else if (field === 'id' && !value.includes('\0')) {
        id = value;
      }
    };
    for (;;) {
      const {value, done} = await reader.read();
      if (done) {
        return;
      }
      buffer += decoder.decode(value, {stream: true});
      let nl;
      while ((nl = buffer.indexOf('\n')) >= 0) {
        let raw = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        if (raw.endsWith('\r')) {
          raw = raw.slice(0, -1);
        }
        line(raw);
      }
    }
  }

  /** Calls {@code fn} at most once per {@code ms}, the last call winning, until the view ends. */
  function debounce(fn, ms, signal) {
    let timer = null;
    signal.addEventListener('abort', () => clearTimeout(timer), {once: true});
    return () => {
      if (timer === null) {
        timer = setTimeout(() => {
          timer = null;
          if (!signal.aborted) {
            fn();
          }
        }, ms);
      }
    };
  }

  /** A live/reconnecting indicator for a view's stream. */
  function liveIndicator() {
    const span = el('span', {class: 'live', id: 'live', text: 'connecting…'});
    span.set = s => {
      const text = {open: 'live', reconnecting: 'reconnecting…', ended: 'finished', failed: 'no live updates'}[s];
      span.textContent = text || s;
      span.className = 'live ' + (s === 'open' ? 'on' : s === 'ended' ? '' : 'off');
    };
    return span;
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Session

  /** The token's id, {@code tw_<id>_<secret>}, to say who is signed in without showing the secret. */
  function tokenId(t) {
    const m = /^tw_([a-z0-9]+)_/.exec(t || '');
    return m ? m[1] : null;
  }

  let whoFor = null;

  async function showWho() {
    const current = token();
    if (whoFor === current) {
      return;
    }
    whoFor = current;
    const id = tokenId(current);
    who.textContent = id ? 'token ' + id : '';
    try {
      const tokens = (await api('GET', '/tokens', undefined, {signal: new AbortController().signal})).body.items;
      const mine = tokens.find(t => t.id === id);
      if (mine) {
        who.textContent = 'Signed in as ' + mine.name + ' (' + mine.scope + ')';
      }
    } catch (e) {
      // a tenant token may not list tokens: the id is all it shows
    }
  }

  function endSession(problem) {
    sessionStorage.removeItem(TOKEN_KEY);
    whoFor = null;
    viewScope.abort();
    renderSignIn(problem);
  }

  function signOut(event) {
    event.preventDefault();
    sessionStorage.removeItem(TOKEN_KEY);
    whoFor = null;
    viewScope.abort();
    renderSignIn(null, 'Signed out.');
  }

  function renderSignIn(problem, message) {
    viewScope.abort();
    viewScope = new AbortController();
    nav.hidden = true;
    signOutLink.hidden = true;
    who.textContent = '';
    document.title = 'Sign in · Tenantwright console';
    const errors = el('div', {id: 'sign-in-problem'});
    const input = el('input', {type: 'password', id: 'token', name: 'token', autocomplete: 'off', required: true,
      placeholder: 'tw_…', spellcheck: 'false'});
    const button = el('button', {type: 'submit', id: 'sign-in-button', text: 'Sign in'});
    const form = el('form', {id: 'sign-in-form', novalidate: true},
        el('label', null, 'API token', input),
        button);
    form.addEventListener('submit', async e => {
      e.preventDefault();
      clearProblems(errors, form);
      const candidate = input.value.trim();
      if (!candidate) {
        showProblem(errors, new Problem({title: 'Token missing', detail: 'paste an API token', field: 'token'}, 0),
            form);
        return;
      }
      button.disabled = true;
      try {
        await api('GET', '/tenants?limit=1', undefined, {token: candidate, keepSession: true});
        sessionStorage.setItem(TOKEN_KEY, candidate);
        route();
      } catch (err) {
        showProblem(errors, err, form);
        input.classList.add('invalid');
        if (err instanceof Problem && err.problem.status === 401) {
          input.value = ''; // a refused secret is retyped, not edited
        }
        input.focus();
      } finally {
        button.disabled = false;
      }
    });
    clear(main, el('section', {class: 'sign-in panel'},
        el('h1', {text: 'Sign in'}),
        el('p', {class: 'sub', text: 'The console acts with an API token (an admin token for changes). It is kept in '
            + 'this browser tab only and forgotten when you sign out or close the tab.'}),
        message ? el('div', {class: 'notice', id: 'signed-out', text: message}) : null,
        problem ? problemBox(problem) : null,
        errors,
        form));
    input.focus();
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Views

  function markNav(which) {
    nav.hidden = false;
    signOutLink.hidden = false;
    for (const a of nav.querySelectorAll('a')) {
      a.classList.toggle('current', a.id === 'nav-' + which);
    }
  }

  function crumbs(...parts) {
    const box = el('div', {class: 'crumbs'});
    box.set = (...items) => clear(box, items.flatMap((p, i) => i === 0 ? [p] : [' › ', p]));
    box.set(...parts);
    return box;
  }

  /** The tenants, oldest first, with the form that signs a new one up. */
  async function renderTenants(scope) {
    markNav('tenants');
    document.title = 'Tenants · Tenantwright console';
    const listArea = el('div', null, el('p', {class: 'muted', text: 'Loading…'}));
    const more = el('div', {class: 'actions'});
    const problems = el('div', {id: 'create-problem'});
    const form = el('form', {id: 'create-tenant', class: 'inline', novalidate: true},
        el('label', null, 'Company', el('input', {type: 'text', id: 'company', name: 'company', required: true})),
        el('label', null, 'E-mail', el('input', {type: 'email', id: 'email', name: 'email', required: true})),
        el('label', null, 'Plan (optional)', el('input', {type: 'text', id: 'plan', name: 'plan'})),
        el('label', null, 'Id (optional)', el('input', {type: 'text', id: 'slug', name: 'slug'})),
        el('button', {type: 'submit', id: 'create-tenant-button', text: 'Create tenant'}));
    form.addEventListener('submit', async e => {
      e.preventDefault();
      clearProblems(problems, form);
      const body = {};
      for (const name of ['company', 'email', 'plan', 'slug']) {
        const v = form.elements[name].value.trim();
        if (v || name === 'company' || name === 'email') {
          body[name] = v;
        }
      }
      try {
        const created = (await api('POST', '/tenants', body)).body;
        location.hash = tenantHash(created.id);
      } catch (err) {
        showProblem(problems, err, form);
      }
    });
    clear(main,
        el('h1', {text: 'Tenants'}),
        listArea, more,
        el('h2', {text: 'Sign a tenant up'}),
        el('div', {class: 'panel'}, problems, form));

    const rows = [];
    const load = async cursor => {
      try {
        const page = (await api('GET', '/tenants?limit=100' + (cursor ? '&cursor=' + encodeURIComponent(cursor) : '')))
            .body;
        for (const t of page.items) {
          rows.push(el('tr', {'data-tenant': t.id},
              el('td', {class: 'wrap'}, link(tenantHash(t.id), t.displayName, {class: 'tenant-link'})),
              el('td', {class: 'mono', text: t.id}),
              el('td', {text: t.plan}),
              el('td', null, badge(t.state)),
              el('td', {class: 'wrap', text: t.email}),
              el('td', {text: time(t.createdAt)})));
        }
        clear(listArea, table('tenants', ['Tenant', 'Id', 'Plan', 'State', 'E-mail', 'Created'], rows,
            'No tenants yet: sign one up below.'));
        clear(more, page.next ? el('button', {class: 'secondary', text: 'More tenants',
          onclick: () => load(page.next)}) : null);
      } catch (err) {
        showProblem(listArea, err);
      }
    };
    await load(null);
  }

  /**
   * One environment's row on the tenant page: the environment, its status, and what the tenant's stream said since.
   * The row stays while the page is shown: {@code update} takes a fresher read, {@code paint} shows {@code live};
   * its buttons are made again only when the state changes which ones it offers, so a half-typed reason stays.
   */
  function environmentRow(env, actions) {
    const row = el('tr', {id: 'env-' + env.name, 'data-environment': env.name});
    const stateBadge = badge(env.state);
    const bar = progress(0);
    const stepName = el('span', {class: 'current-step'});
    const noStep = el('span', {class: 'muted', text: '—'});
    const stepNumber = el('div', {class: 'muted step-number'});
    const errorLine = el('div', {class: 'error-text last-error'});
    const messageLine = el('div', {class: 'last-message'});
    const runLink = el('a', {class: 'run-link mono', href: '#'});
    const runLine = el('div', null, runLink);
    const actionCell = el('td', {class: 'wrap env-actions'});
    let offered = null;
    append(row, [el('td', null, el('strong', {text: env.name})), el('td', {text: env.kind}),
      el('td', {text: env.site}), el('td', {class: 'state'}, stateBadge), el('td', null, bar),
      el('td', {class: 'wrap step'}, stepName, noStep, stepNumber),
      el('td', {class: 'wrap message'}, errorLine, messageLine, runLine), actionCell]);
    row.live = {state: env.state, percent: 0, step: null, stepIndex: 0, stepCount: 0, message: null, run: null,
      error: env.lastError};
    row.update = (fresh, status) => {
      const l = row.live;
      l.state = fresh.state;
      l.error = fresh.lastError;
      if (status) {
        l.percent = status.percent;
        l.step = status.currentSteps && status.currentSteps.length ? status.currentSteps.join(', ') : null;
        l.run = status.run || l.run;
        l.error = status.lastError || fresh.lastError;
      }
      if (fresh.state === 'READY') {
        l.percent = 100;
        l.step = null;
      }
      row.paint();
    };
    row.paint = () => {
      const l = row.live;
      setBadge(stateBadge, l.state);
      bar.set(l.percent, l.state === 'READY' || l.state === 'FAILED' ? l.state : null);
      show(stepName, l.step);
      noStep.hidden = Boolean(l.step);
      show(stepNumber, l.step && l.stepCount ? 'step ' + l.stepIndex + ' of ' + l.stepCount : null);
      const failed = l.state === 'FAILED' && l.error;
      show(errorLine, failed ? l.error : null);
      show(messageLine, failed ? null : l.message);
      if (l.run && runLink.getAttribute('href') !== runHash(l.run)) {
        runLink.setAttribute('href', runHash(l.run));
        runLink.textContent = 'run ' + l.run;
      }
      runLine.hidden = !l.run;
      const offers = l.state === 'FAILED' ? 'retry+destroy'
          : l.state === 'DESTROYED' || l.state === 'DESTROYING' ? 'none' : 'destroy';
      if (offers !== offered) {
        offered = offers;
        clear(actionCell, actions(env, offers));
      }
    };
    return row;
  }

  /** A tenant: its environments with live progress, provisioning, retry and destroy, its runs. */
  async function renderTenant(scope, tenantId) {
    markNav('tenants');
    const signal = scope.signal;
    const heading = el('h1', {id: 'tenant-name', text: tenantId});
    const sub = el('p', {class: 'sub', id: 'tenant-facts'});
    const notices = el('div', {id: 'tenant-notice'});
    const envArea = el('div', {id: 'environments-area'}, el('p', {class: 'muted', text: 'Loading…'}));
    const runsArea = el('div', {id: 'runs-area'});
    const live = liveIndicator();
    const testName = el('input', {type: 'text', id: 'test-name', name: 'name', placeholder: 'name, e.g. next',
      size: 14});
    const provisionForm = el('form', {id: 'provision', class: 'actions', novalidate: true},
        el('button', {type: 'button', id: 'provision-demo', text: 'Provision demo',
          onclick: () => provision({kind: 'DEMO'})}),
        el('button', {type: 'button', id: 'provision-live', text: 'Provision live',
          onclick: () => provision({kind: 'LIVE'})}),
        el('label', null, 'Test instance', testName),
        el('button', {type: 'button', id: 'provision-test', text: 'Provision test',
          onclick: () => provision({kind: 'TEST', name: testName.value.trim()})}));
    const titleName = el('span', {text: tenantId});
    clear(main,
        crumbs(link('#/tenants', 'Tenants'), titleName),
        heading, sub,
        el('div', {class: 'actions'}, link(tenantHash(tenantId) + '/history', 'Audit trail', {id: 'history-link'}),
            el('span', {class: 'spacer'}), live),
        notices,
        el('h2', {text: 'Environments'}),
        envArea,
        el('div', {class: 'panel'}, provisionForm),
        el('h2', {text: 'Runs'}),
        runsArea);

    /** Says what a run-starting call did: a run started, or an approval request waits for an admin. */
    const started = (what, result) => {
      if (result && result.object === 'approval') {
        clear(notices, el('div', {class: 'notice approval', id: 'approval-notice'},
            el('strong', {text: 'Approval needed. '}),
            'The ' + (result.operation || what) + ' of ' + (result.environment || 'the tenant')
                + ' waits for an admin\'s approval (request ',
            el('span', {class: 'mono', text: result.id}), '). ',
            result.why ? el('span', {class: 'why', text: result.why + ' '}) : null,
            link('#/approvals', 'Open approvals', {id: 'approvals-link'})));
      } else if (result && result.object === 'run') {
        clear(notices, el('div', {class: 'notice', id: 'run-notice'},
            'Started ' + String(result.kind || what).toLowerCase() + ' of ' + result.environment + ': ',
            link(runHash(result.id), result.id, {class: 'mono'})));
      } else {
        clear(notices);
      }
      refresh();
    };

    const provision = async body => {
      clearProblems(notices, provisionForm);
      if (body.kind === 'TEST' && !body.name) {
        delete body.name;
      }
      try {
        started('provision', (await api('POST', '/tenants/' + encodeURIComponent(tenantId) + '/environments', body,
            {idempotent: true})).body);
      } catch (err) {
        showProblem(notices, err, provisionForm);
      }
    };

    const envPath = name => '/tenants/' + encodeURIComponent(tenantId) + '/environments/' + encodeURIComponent(name);

    /** Starts a run on an environment; true when the server took the request (a run, or an approval request). */
    const act = async (method, path, what, body) => {
      clearProblems(notices);
      try {
        started(what, (await api(method, path, body, {idempotent: true})).body);
        return true;
      } catch (err) {
        showProblem(notices, err);
        return false;
      }
    };

    /** The buttons of one environment: retry when it failed, destroy (after a confirmation) unless gone. */
    const actions = (env, offers) => {
      const box = el('div', {class: 'actions'});
      if (offers.startsWith('retry')) {
        box.append(el('button', {type: 'button', class: 'retry', text: 'Retry',
          onclick: () => act('POST', envPath(env.name) + '/retry', 'retry', {})}));
      }
      if (offers.endsWith('destroy')) {
        const reason = el('input', {type: 'text', class: 'destroy-reason', name: 'reason',
          placeholder: 'reason (optional)'});
        const confirmBox = el('div', {class: 'confirm', hidden: true},
            el('div', null, 'Destroy ', el('strong', {text: env.name}), '? Everything in it is deleted.'),
            el('div', {class: 'actions'}, reason,
                el('button', {type: 'button', class: 'danger confirm-destroy', text: 'Destroy',
                  onclick: async () => {
                    if (await act('DELETE', envPath(env.name), 'destroy',
                        reason.value.trim() ? {reason: reason.value.trim()} : {})) {
                      confirmBox.hidden = true;
                      reason.value = '';
                    }
                  }}),
                el('button', {type: 'button', class: 'secondary', text: 'Keep it',
                  onclick: () => {
                    confirmBox.hidden = true;
                  }})));
        box.append(el('button', {type: 'button', class: 'secondary destroy', text: 'Destroy…',
          onclick: () => {
            confirmBox.hidden = false;
            reason.focus();
          }}), confirmBox);
      }
      return box;
    };

    const rows = new Map();
    const loadEnvironments = async () => {
      try {
        const envs = (await api('GET', '/tenants/' + encodeURIComponent(tenantId) + '/environments')).body.items;
        const statuses = await Promise.all(envs.map(e => e.state === 'DESTROYED' ? Promise.resolve(null)
            : api('GET', envPath(e.name)).then(r => r.body.status, () => null)));
        const trs = envs.map((e, i) => {
          let row = rows.get(e.name);
          if (!row) {
            row = environmentRow(e, actions);
            rows.set(e.name, row);
          }
          row.update(e, statuses[i]);
          return row;
        });
        const body = envArea.querySelector('#environments tbody');
        if (body && trs.length > 0) {
          body.replaceChildren(...trs);
        } else {
          clear(envArea, table('environments', ['Environment', 'Kind', 'Site', 'State', 'Progress', 'Current step',
            'Latest', ''], trs, 'No environments yet: provision one below.'));
        }
      } catch (err) {
        showProblem(envArea, err);
      }
    };

    /** The runs shown, by id, so that the stream moves their bars between two reads of the list. */
    const runBars = new Map();
    const loadRuns = async () => {
      try {
        const runs = (await api('GET', '/runs?limit=20&tenant=' + encodeURIComponent(tenantId))).body.items;
        runBars.clear();
        clear(runsArea, table('runs', ['Run', 'Environment', 'Kind', 'State', 'Progress', 'Started', 'Finished',
          'Error'], runs.map(r => {
          const bar = progress(r.percent, r.finished ? r.state : null);
          if (!r.finished) {
            runBars.set(r.id, bar);
          }
          return el('tr', {'data-run': r.id},
              el('td', null, link(runHash(r.id), r.id, {class: 'mono'})),
              el('td', {text: r.environment}),
              el('td', {text: r.kind}),
              el('td', null, badge(r.state)),
              el('td', null, bar),
              el('td', {text: time(r.createdAt)}),
              el('td', {text: time(r.finishedAt)}),
              el('td', {class: 'wrap error-text', text: cut(r.error, 160), title: r.error || null}));
        }), 'No runs yet.'));
      } catch (err) {
        showProblem(runsArea, err);
      }
    };

    const loadTenant = async () => {
      try {
        const t = (await api('GET', '/tenants/' + encodeURIComponent(tenantId))).body;
        heading.textContent = t.displayName;
        titleName.textContent = t.displayName;
        document.title = t.displayName + ' · Tenantwright console';
        clear(sub, el('span', {class: 'mono', text: t.id}), ' · plan ', t.plan, ' · ', badge(t.state), ' · ',
            t.email, ' · since ', time(t.createdAt));
      } catch (err) {
        showProblem(notices, err);
      }
    };

    const refresh = debounce(() => {
      loadEnvironments();
      loadRuns();
    }, 400, signal);

    /** One event from the tenant's stream: progress goes straight into the row; a run's start or end reloads. */
    const onEvent = ev => {
      const runBar = ev.run ? runBars.get(ev.run) : null;
      if (runBar && typeof ev.percent === 'number') {
        runBar.set(ev.percent, null);
      }
      const row = ev.environment ? rows.get(ev.environment) : null;
      if (row) {
        const l = row.live;
        if (ev.run && typeof ev.percent === 'number') {
          l.percent = ev.percent;
        }
        if (ev.step) {
          l.step = ev.step;
        }
        if (ev.stepCount) {
          l.stepCount = ev.stepCount;
          l.stepIndex = ev.stepIndex || 0;
        }
        if (ev.message) {
          l.message = ev.message;
        }
        if (ev.run) {
          l.run = ev.run;
        }
        if (ev.type === 'RUN_QUEUED' || ev.type === 'RUN_STARTED') {
          l.step = null;
          l.error = null;
        }
        if (ev.type === 'RUN_SUCCEEDED') {
          l.percent = 100;
          l.step = null;
        }
        row.paint();
      }
      if (ev.type.startsWith('RUN_') || ev.type.startsWith('TENANT_') || !row) {
        refresh();
        if (ev.type.startsWith('TENANT_')) {
          loadTenant();
        }
      }
    };

    follow('/tenants/' + encodeURIComponent(tenantId) + '/events', {
      onEvent: onEvent,
      onStatus: s => {
        live.set(s);
        if (s === 'open') {
          refresh(); // what happened while the stream was away
        }
      },
      onProblem: err => showProblem(notices, err)
    }, signal);
    await Promise.all([loadTenant(), loadEnvironments(), loadRuns()]);
  }

  /** A run: its steps, live progress from its stream, cancel while it runs. */
  async function renderRun(scope, runId) {
    markNav('tenants');
    const signal = scope.signal;
    document.title = 'Run ' + runId + ' · Tenantwright console';
    const crumbArea = crumbs(link('#/tenants', 'Tenants'), el('span', {text: 'run ' + runId}));
    const heading = el('h1', {id: 'run-title', text: 'Run ' + runId});
    const summary = el('div', {class: 'panel', id: 'run-summary'});
    const problems = el('div', {id: 'run-problem'});
    const stepsArea = el('div', {id: 'steps-area'}, el('p', {class: 'muted', text: 'Loading…'}));
    const log = el('ol', {class: 'log', id: 'run-log'});
    const live = liveIndicator();
    const bar = progress(0);
    clear(main, crumbArea, heading, summary, problems, el('h2', {text: 'Steps'}), stepsArea,
        el('h2', null, 'Events ', live), el('div', {class: 'panel'}, log));

    let run = null;
    let tenantName = null;
    const stateBadge = badge(null);
    const cancelButton = el('button', {type: 'button', id: 'cancel-run', class: 'danger', text: 'Cancel run',
      hidden: true});
    const facts = el('p', {class: 'muted run-facts'});
    const errorDetail = el('div', {class: 'detail'});
    const errorBox = el('div', {class: 'problem', id: 'run-error', hidden: true},
        el('strong', {text: 'The run failed'}), errorDetail);
    clear(summary,
        el('div', {class: 'actions'}, el('span', {id: 'run-state'}, stateBadge),
            el('div', {class: 'progress-wide'}, bar), el('span', {class: 'spacer'}), cancelButton),
        facts, errorBox);
    let shownFacts = null;

    cancelButton.addEventListener('click', async () => {
      cancelButton.disabled = true;
      clearProblems(problems);
      try {
        run = (await api('POST', '/runs/' + encodeURIComponent(runId) + '/cancel', undefined)).body;
        paint();
      } catch (err) {
        showProblem(problems, err);
      } finally {
        cancelButton.disabled = false;
      }
    });

    const paint = () => {
      if (!run) {
        return;
      }
      const factsKey = JSON.stringify([tenantName, run.finishedAt]);
      if (factsKey !== shownFacts) {
        shownFacts = factsKey;
        crumbArea.set(link('#/tenants', 'Tenants'), link(tenantHash(run.tenant), tenantName || run.tenant),
            el('span', {text: 'run ' + run.id}));
        clear(facts, 'tenant ', link(tenantHash(run.tenant), run.tenant), ' · environment ', run.environment, ' · ',
            el('span', {class: 'mono', text: run.id}), ' · started ', time(run.createdAt),
            run.finishedAt ? ' · finished ' + time(run.finishedAt) : '');
      }
      heading.textContent = 'Run: ' + run.kind.toLowerCase() + ' of ' + run.environment;
      setBadge(stateBadge, run.state);
      bar.set(run.percent, run.finished ? run.state : null);
      cancelButton.hidden = run.finished || run.state === 'CANCELLING';
      show(errorDetail, run.error);
      errorBox.hidden = !run.error;
      clear(stepsArea, table('steps', ['#', 'Step', 'Type', 'Action', 'State', 'Attempts', 'Error', 'Started',
        'Finished'], run.steps.map(s => el('tr', {'data-step': s.name},
          el('td', {class: 'num', text: s.index}),
          el('td', null, el('strong', {text: s.name})),
          el('td', {class: 'mono', text: s.type}),
          el('td', {text: s.action}),
          el('td', null, badge(s.state)),
          el('td', {class: 'num', text: s.attempts}),
          el('td', {class: 'wrap error-text', text: s.error || ''}),
          el('td', {text: time(s.startedAt)}),
          el('td', {text: time(s.finishedAt)}))), 'This run has no steps.'));
    };

    const load = async () => {
      try {
        run = (await api('GET', '/runs/' + encodeURIComponent(runId))).body;
        paint();
      } catch (err) {
        showProblem(problems, err);
        stepsArea.replaceChildren();
      }
    };
    const reload = debounce(load, 300, signal);

    await load();
    if (!run) {
      return;
    }
    api('GET', '/tenants/' + encodeURIComponent(run.tenant)).then(r => {
      tenantName = r.body.displayName;
      paint();
    }, () => {});
    follow('/runs/' + encodeURIComponent(runId) + '/events', {
      isLast: ev => RUN_ENDS.has(ev.type),
      onEvent: ev => {
        log.append(el('li', null, el('span', {class: 'muted', text: time(ev.at) + ' '}),
            el('strong', {text: ev.type}), ev.step ? ' ' + ev.step : '', ev.message ? ' — ' + ev.message : ''));
        log.scrollTop = log.scrollHeight;
        if (typeof ev.percent === 'number' && run && !run.finished) {
          bar.set(ev.percent, null);
        }
        reload();
      },
      onStatus: s => {
        live.set(s);
        if (s === 'ended') {
          reload();
        }
      },
      onProblem: err => showProblem(problems, err)
    }, signal);
  }

  /** A tenant's audit trail: its newest events, oldest first. */
  async function renderHistory(scope, tenantId) {
    markNav('tenants');
    document.title = 'Audit trail · Tenantwright console';
    const name = el('a', {href: tenantHash(tenantId), text: tenantId});
    const area = el('div', {id: 'history-area'}, el('p', {class: 'muted', text: 'Loading…'}));
    clear(main, crumbs(link('#/tenants', 'Tenants'), name, el('span', {text: 'audit trail'})),
        el('h1', {text: 'Audit trail'}), area);
    api('GET', '/tenants/' + encodeURIComponent(tenantId)).then(r => {
      name.textContent = r.body.displayName;
    }, () => {});
    let events;
    try {
      events = (await api('GET', '/tenants/' + encodeURIComponent(tenantId) + '/history?limit=500')).body.items;
    } catch (err) {
      showProblem(area, err);
      return;
    }
    const steps = el('input', {type: 'checkbox', id: 'show-steps'});
    const show = () => clear(area,
        el('label', {class: 'check'}, steps, 'Show each step\'s events too'),
        table('history', ['Time', 'Event', 'Environment', 'Run', 'Step', 'Actor', 'Message'],
            events.filter(e => steps.checked || !e.type.startsWith('STEP_')).map(e => el('tr', null,
                el('td', {text: time(e.at)}),
                el('td', {class: 'mono', text: e.type}),
                el('td', {text: e.environment || ''}),
                el('td', null, e.run ? link(runHash(e.run), e.run, {class: 'mono'}) : ''),
                el('td', {text: e.step || ''}),
                el('td', {class: 'wrap', text: e.actor || ''}),
                el('td', {class: 'wrap', text: e.message || ''}))), 'Nothing has happened to this tenant yet.'));
    steps.addEventListener('change', show);
    show();
  }

  /** Approval requests: the pending ones with approve and reject, then the decided ones. */
  async function renderApprovals(scope) {
    markNav('approvals');
    document.title = 'Approvals · Tenantwright console';
    const notices = el('div', {id: 'approvals-notice'});
    const pendingArea = el('div', {id: 'pending-area'}, el('p', {class: 'muted', text: 'Loading…'}));
    const decidedArea = el('div', {id: 'decided-area'});
    clear(main, el('h1', {text: 'Approvals'}),
        el('p', {class: 'sub', text: 'Destructive changes to live environments wait here until an admin approves '
            + 'them; when the server requires two persons, the approver must not be the one who asked.'}),
        notices,
        el('h2', {text: 'Pending'}), pendingArea,
        el('h2', {text: 'Decided'}), decidedArea);

    const decide = async (a, verdict, reasonInput, rowProblems) => {
      clearProblems(rowProblems);
      reasonInput.classList.remove('invalid');
      const reason = reasonInput.value.trim();
      if (!reason) {
        showProblem(rowProblems, new Problem({title: 'Reason missing', detail: 'say why you ' + verdict + ' it',
          field: 'reason'}, 0));
        reasonInput.classList.add('invalid');
        return;
      }
      try {
        const decided = (await api('POST', '/approvals/' + encodeURIComponent(a.id) + '/' + verdict,
            {reason: reason})).body;
        clear(notices, el('div', {class: 'notice', id: 'decision-notice'},
            (decided.state === 'APPROVED' ? 'Approved' : 'Rejected') + ': the ' + decided.operation + ' of '
                + (decided.environment || 'tenant') + ' of ' + decided.tenant + '. ',
            decided.run ? ['Run ', link(runHash(decided.run), decided.run, {class: 'mono', id: 'approved-run'}),
              ' started.'] : null));
        await load();
      } catch (err) {
        showProblem(rowProblems, err);
        if (err instanceof Problem && err.problem.field === 'reason') {
          reasonInput.classList.add('invalid');
        }
      }
    };

    const load = async () => {
      try {
        const all = (await api('GET', '/approvals?limit=200')).body.items;
        const pending = all.filter(a => a.state === 'PENDING');
        const decided = all.filter(a => a.state !== 'PENDING');
        clear(pendingArea, table('pending', ['Requested', 'Operation', 'Tenant', 'Environment', 'Asked by', 'Why',
          'Decision'], pending.map(a => {
          const reason = el('input', {type: 'text', class: 'reason', name: 'reason', placeholder: 'reason'});
          const rowProblems = el('div', {class: 'row-problem'});
          return el('tr', {'data-approval': a.id},
              el('td', {text: time(a.requestedAt)}),
              el('td', null, el('strong', {text: a.operation})),
              el('td', null, link(tenantHash(a.tenant), a.tenant)),
              el('td', {text: a.environment || '—'}),
              el('td', {text: a.requestedBy}),
              el('td', {class: 'wrap', text: a.why || ''}),
              el('td', {class: 'wrap'},
                  el('div', {class: 'actions'}, reason,
                      el('button', {type: 'button', class: 'approve', text: 'Approve',
                        onclick: () => decide(a, 'approve', reason, rowProblems)}),
                      el('button', {type: 'button', class: 'secondary reject', text: 'Reject',
                        onclick: () => decide(a, 'reject', reason, rowProblems)})),
                  rowProblems));
        }), 'Nothing waits for an approval.'));
        clear(decidedArea, table('decided', ['Requested', 'Operation', 'Tenant', 'Environment', 'Asked by', 'State',
          'Decided by', 'Reason', 'Decided', 'Run'], decided.map(a => el('tr', {'data-approval': a.id},
            el('td', {text: time(a.requestedAt)}),
            el('td', {text: a.operation}),
            el('td', null, link(tenantHash(a.tenant), a.tenant)),
            el('td', {text: a.environment || '—'}),
            el('td', {text: a.requestedBy}),
            el('td', null, badge(a.state)),
            el('td', {text: a.decidedBy || ''}),
            el('td', {class: 'wrap', text: a.reason || ''}),
            el('td', {text: time(a.decidedAt)}),
            el('td', null, a.run ? link(runHash(a.run), a.run, {class: 'mono'}) : ''))), 'No decisions yet.'));
      } catch (err) {
        showProblem(pendingArea, err);
      }
    };
    await load();
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Routing

  const ROUTES = [
    [/^(#\/?)?$/, renderTenants],
    [/^#\/tenants\/?$/, renderTenants],
    [/^#\/tenants\/([^/]+)\/history$/, renderHistory],
    [/^#\/tenants\/([^/]+)$/, renderTenant],
    [/^#\/runs\/([^/]+)$/, renderRun],
    [/^#\/approvals$/, renderApprovals]
  ];

  function route() {
    viewScope.abort();
    viewScope = new AbortController();
    if (!token()) {
      renderSignIn(null);
      return;
    }
    showWho();
    const hash = location.hash || '#/tenants';
    for (const [pattern, view] of ROUTES) {
      const m = pattern.exec(hash);
      if (m) {
        let args;
        try {
          args = m.slice(1).map(decodeURIComponent);
        } catch (e) {
          break;
        }
        view(viewScope, ...args).catch(err => showProblem(main, err));
        return;
      }
    }
    markNav('');
    clear(main, el('h1', {text: 'Not found'}),
        el('p', null, 'Nothing here. ', link('#/tenants', 'Back to the tenants')));
  }

  signOutLink.addEventListener('click', signOut);
  window.addEventListener('hashchange', route);
  route();
})();
