/*
 * Tenantwright portal: keeps the provisioning page's environment cards up to date from the server-sent event
 * stream (/tenants/{id}/events). "environment" events are snapshots (state, percent, links, error, retry);
 * "progress" events are the engine's events (step n of m, percent, message). Text is only ever set with
 * textContent, so nothing from the stream is parsed as HTML.
 */
'use strict';
(function () {
  const root = document.getElementById('environments');
  document.querySelectorAll('.retry-form').forEach(function (form) {
    form.addEventListener('submit', function () {
      const button = form.querySelector('button');
      button.disabled = true;
      button.textContent = 'Retrying…';
    });
  });
  if (!root || typeof EventSource === 'undefined') {
    return;
  }
  const connection = document.getElementById('connection');
  const source = new EventSource(root.dataset.events);
  let reloading = false;
  const LOG_LINES = 6;
  const ROLLBACK = ['STEP_COMPENSATING', 'STEP_COMPENSATED', 'STEP_COMPENSATION_FAILED'];

  source.onopen = function () { setConnection('live', '● live'); };
  source.onerror = function () { setConnection('reconnecting', 'reconnecting…'); };
  source.addEventListener('environment', function (m) { showEnvironment(JSON.parse(m.data)); });
  source.addEventListener('progress', function (m) { showProgress(JSON.parse(m.data)); });

  function setConnection(kind, text) {
    if (connection) {
      connection.className = 'connection ' + kind;
      connection.textContent = text;
    }
  }

  function card(name) {
    for (const c of root.querySelectorAll('.env')) {
      if (c.dataset.env === name) {
        return c;
      }
    }
    // An environment that appeared after the page was drawn: let the server draw its card.
    if (!reloading) {
      reloading = true;
      source.close();
      window.location.reload();
    }
    return null;
  }

  function showProgress(e) {
    const c = card(e.environment);
    if (!c) {
      return;
    }
    if (c.dataset.run === e.runId && c.dataset.finished === 'true') {
      return; // already covered by the snapshot that showed this run finished
    }
    if (c.dataset.run !== e.runId) {
      startRun(c, e.runId);
    }
    setPercent(c, e.percent, false);
    if (ROLLBACK.includes(e.type)) {
      setText(c, '.step', 'Rolling back · ' + e.step);
    } else if (e.stepIndex > 0) {
      setText(c, '.step', 'Step ' + e.stepIndex + ' of ' + e.stepCount + ' · ' + e.step);
    }
    if (e.message) {
      setText(c, '.message', e.message);
      addLog(c, e);
    }
    if (e.type === 'RUN_ROLLING_BACK') {
      setText(c, '.badge', 'Rolling back');
    }
  }

  function showEnvironment(v) {
    const c = card(v.name);
    if (!c) {
      return;
    }
    const newRun = c.dataset.run !== (v.runId || '');
    if (newRun) {
      startRun(c, v.runId);
    }
    c.dataset.state = v.state;
    c.dataset.finished = String(v.finished);
    setText(c, '.badge', v.label);
    setPercent(c, v.percent, v.finished);
    setText(c, '.step', v.step);
    setText(c, '.message', v.message);
    const log = c.querySelector('.log');
    const latest = v.log.length ? v.log[v.log.length - 1] : null;
    const known = Array.prototype.some.call(log.children, function (li) { return li.textContent === latest; });
    if (newRun || (latest !== null && !known)) {
      // The page missed events (it loaded between them, or reconnected): show the journal's. Otherwise keep the
      // live log, which has more (the journal keeps only some progress messages).
      log.replaceChildren();
      v.log.forEach(function (line) { addLine(log, line); });
    }
    const links = c.querySelector('.links');
    const list = links.querySelector('ul');
    list.replaceChildren();
    v.links.filter(function (l) { return /^https?:\/\//.test(l.url); }).forEach(function (l) {
      const item = document.createElement('li');
      const a = document.createElement('a');
      a.className = 'site-link';
      a.href = l.url;
      a.textContent = 'Open ' + v.name + ' ' + l.resource;
      const url = document.createElement('span');
      url.className = 'url';
      url.textContent = l.url;
      item.append(a, ' ', url);
      list.append(item);
    });
    links.hidden = list.children.length === 0;
    const failure = c.querySelector('.failure');
    failure.hidden = !(v.finished && v.state === 'FAILED');
    setText(failure, '.error', v.error || '');
    const form = failure.querySelector('form');
    form.action = v.retryUrl;
    form.hidden = !v.canRetry;
    setText(failure, '.retries-left', v.retriesLeft === 1 ? '1 retry left' : v.retriesLeft + ' retries left');
    failure.querySelector('.no-retry').hidden = !(v.state === 'FAILED' && v.retriesLeft === 0);
  }

  function startRun(c, runId) {
    c.dataset.run = runId || '';
    c.dataset.finished = 'false';
    c.dataset.max = '0';
    c.querySelector('.log').replaceChildren();
    c.querySelector('.links').hidden = true;
    c.querySelector('.failure').hidden = true;
  }

  function setPercent(c, percent, exact) {
    const value = exact ? percent : Math.max(Number(c.dataset.max || 0), percent);
    c.dataset.max = String(value);
    const bar = c.querySelector('progress');
    bar.value = value;
    bar.textContent = value + ' %';
    setText(c, '.pct', value + ' %');
  }

  function addLog(c, e) {
    addLine(c.querySelector('.log'),
      (e.stepIndex > 0 && e.step ? e.stepIndex + '/' + e.stepCount + ' ' + e.step + ': ' : '') + e.message);
  }

  function addLine(log, text) {
    const line = document.createElement('li');
    line.textContent = text;
    log.append(line);
    while (log.children.length > LOG_LINES) {
      log.firstElementChild.remove();
    }
  }

  function setText(parent, selector, text) {
    const el = parent.querySelector(selector);
    if (el) {
      el.textContent = text;
    }
  }
})();
