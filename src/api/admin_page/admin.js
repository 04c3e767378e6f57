// The admin page's behaviour: keeps the admin token for this tab, calls the /admin/...
// endpoints with it, and shows their answers as tables. Every value is inserted as text
// (textContent), never as markup: report rows hold what the public typed into the search.
'use strict';

(function () {
  const TOKEN_KEY = 'offer-search-admin-token';

  const REPORT_TITLES = {
    'top-queries': 'Top queries',
    'zero-results': 'Queries that found nothing',
    'no-clicks': 'Queries with results but no clicks',
    'click-positions': 'Clicks by result position',
    'weekly': 'Searches per week',
    'reviews': 'Pages due for review',
    'keywords': 'Keywords by page',
    'links': 'Broken links',
  };

  function token() {
    return sessionStorage.getItem(TOKEN_KEY) || '';
  }

  function element(name, text) {
    const node = document.createElement(name);
    if (text !== undefined) {
      node.textContent = text;
    }
    return node;
  }

  function say(target, text, isError) {
    target.textContent = isError ? 'Error: ' + text : text;
    target.classList.toggle('error', Boolean(isError));
  }

  function label(key) {
    const words = key.replace(/_/g, ' ');
    return words.charAt(0).toUpperCase() + words.slice(1);
  }

  function show(value) {
    if (value === null || value === undefined) {
      return '';
    }
    if (Array.isArray(value)) {
      return value.map(show).join('; ');
    }
    if (typeof value === 'boolean') {
      return value ? 'yes' : 'no';
    }
    if (typeof value === 'object') {
      return Object.keys(value).map((key) => key + ': ' + show(value[key])).join('; ');
    }
    return String(value);
  }

  async function call(path, options) {
    const settings = options || {};
    const headers = new Headers(settings.headers || {});
    if (token()) {
      headers.set('Authorization', 'Bearer ' + token());
    }
    return fetch(path, Object.assign({}, settings, { headers: headers, cache: 'no-store' }));
  }

  // The error an endpoint answered, as one sentence, with any listed problems.
  async function failure(response) {
    if (response.status === 401) {
      return { message: 'the admin token was refused. Enter it again above.', problems: [] };
    }
    try {
      const body = await response.json();
      const error = body.error || {};
      return {
        message: error.message || 'the server answered ' + response.status,
        problems: error.problems || [],
      };
    } catch (ignored) {
      return { message: 'the server answered ' + response.status, problems: [] };
    }
  }

  function showFailure(target, problem) {
    target.replaceChildren();
    const line = element('p');
    say(line, problem.message, true);
    target.append(line);
    if (problem.problems.length > 1) {
      const list = element('ul');
      problem.problems.forEach((text) => list.append(element('li', text)));
      target.append(list);
    }
  }

  // A table with a caption and column headers, in a region that scrolls by keyboard too.
  function table(caption, rows, columns) {
    const wrap = element('div');
    wrap.className = 'table-wrap';
    wrap.setAttribute('role', 'region');
    wrap.setAttribute('aria-label', caption);
    wrap.tabIndex = 0;
    if (!rows || rows.length === 0) {
      wrap.append(element('p', caption + ': none.'));
      return wrap;
    }
    const keys = columns || Object.keys(rows[0]);
    const grid = element('table');
    grid.append(element('caption', caption));
    const head = element('thead');
    const headRow = element('tr');
    keys.forEach((key) => {
      const cell = element('th', label(key));
      cell.scope = 'col';
      headRow.append(cell);
    });
    head.append(headRow);
    grid.append(head);
    const body = element('tbody');
    rows.forEach((row) => {
      const line = element('tr');
      keys.forEach((key) => line.append(element('td', show(row[key]))));
      body.append(line);
    });
    grid.append(body);
    wrap.append(grid);
    return wrap;
  }

  // The report's single figures (not its lists) as a description list.
  function figures(body, skip) {
    const list = element('dl');
    list.className = 'figures';
    Object.keys(body).forEach((key) => {
      const value = body[key];
      if (skip.includes(key) || Array.isArray(value)) {
        return;
      }
      if (value !== null && typeof value === 'object' && key !== 'by_stage') {
        Object.keys(value).forEach((inner) => {
          list.append(element('dt', label(inner)));
          list.append(element('dd', show(value[inner])));
        });
        return;
      }
      list.append(element('dt', label(key)));
      list.append(element('dd', show(value)));
    });
    return list;
  }

  function renderReport(name, body, output) {
    const title = REPORT_TITLES[name] || label(name);
    output.replaceChildren();
    output.append(element('h3', title));
    if (body.summary) {
      output.append(element('p', body.summary));
    }
    if (name === 'reviews') {
      output.append(figures(body, ['summary']));
      output.append(table('Pages by review status', body.pages, [
        'path', 'title', 'status', 'days_overdue', 'stage', 'owner', 'strategic_lead',
        'last_reviewed', 'date_source', 'due',
      ]));
      output.append(table('Pages not on the tracker', body.not_on_tracker));
      output.append(table('Pages on the tracker with no owner', body.no_owner));
      output.append(table('Tracker rows naming no page on the site', body.tracker_rows_not_on_site));
      return;
    }
    if (name === 'keywords') {
      output.append(figures(body, ['summary', 'problem_counts']));
      const counts = Object.keys(body.problem_counts || {}).map((problem) => ({
        problem: problem,
        pages: body.problem_counts[problem],
      }));
      output.append(table('Pages per problem', counts));
      output.append(table('Keywords and their problems, by page', body.pages, [
        'path', 'title', 'keyword_form', 'keyword_words', 'problems', 'keywords',
        'description', 'duplicate_title_of', 'duplicate_keywords_of', 'unsearched_words',
      ]));
      output.append(table('Keyword words nobody searched for', body.unsearched_words));
      return;
    }
    if (name === 'links') {
      output.append(figures(body, ['summary', 'by_owner']));
      const owners = Object.keys(body.by_owner || {}).map((owner) => ({
        owner: owner,
        broken_links: body.by_owner[owner],
      }));
      output.append(table('Broken links by owner', owners));
      output.append(table('Broken links by page', body.rows));
      return;
    }
    output.append(figures(body, []));
    output.append(table(title, body.rows));
  }

  function reportQuery(form, format) {
    const data = new FormData(form);
    const params = new URLSearchParams();
    ['from', 'to', 'as_of', 'rows'].forEach((key) => {
      const value = data.get(key);
      if (value) {
        params.set(key, value);
      }
    });
    if (format) {
      params.set('format', format);
    }
    const name = data.get('report');
    return { name: name, path: '/admin/reports/' + encodeURIComponent(name) + '?' + params };
  }

  async function runReport(form) {
    const status = document.getElementById(form.dataset.status);
    const output = document.getElementById(form.dataset.output);
    const query = reportQuery(form, null);
    say(status, 'Loading…', false);
    try {
      const response = await call(query.path);
      if (!response.ok) {
        const problem = await failure(response);
        say(status, problem.message, true);
        return;
      }
      const body = await response.json();
      renderReport(query.name, body, output);
      say(status, (REPORT_TITLES[query.name] || query.name) + ' loaded.', false);
    } catch (error) {
      say(status, 'the server could not be reached: ' + error.message, true);
    }
  }

  async function downloadCsv(form) {
    const status = document.getElementById(form.dataset.status);
    const query = reportQuery(form, 'csv');
    say(status, 'Preparing the CSV…', false);
    try {
      const response = await call(query.path);
      if (!response.ok) {
        const problem = await failure(response);
        say(status, problem.message, true);
        return;
      }
      const blob = await response.blob();
      const link = element('a');
      link.href = URL.createObjectURL(blob);
      link.download = query.name + '.csv';
      document.body.append(link);
      link.click();
      link.remove();
      URL.revokeObjectURL(link.href);
      say(status, query.name + '.csv downloaded.', false);
    } catch (error) {
      say(status, 'the server could not be reached: ' + error.message, true);
    }
  }

  async function importTracker(form) {
    const status = document.getElementById('tracker-status');
    const file = form.elements.tracker.files[0];
    if (!file) {
      say(status, 'choose a CSV file first.', true);
      return;
    }
    say(status, 'Importing…', false);
    try {
      const response = await call('/admin/review/tracker?name=' + encodeURIComponent(file.name), {
        method: 'POST',
        headers: { 'Content-Type': 'text/csv' },
        body: await file.arrayBuffer(),
      });
      if (!response.ok) {
        showFailure(status, await failure(response));
        return;
      }
      const body = await response.json();
      const summary = body.import;
      say(status, 'Imported ' + summary.rows + ' rows from ' + summary.source + ' (' +
        summary.without_owner + ' without an owner, ' + summary.without_date +
        ' without a review date).', false);
    } catch (error) {
      say(status, 'the server could not be reached: ' + error.message, true);
    }
  }

  function resultRows(response) {
    return response.results.map((hit, index) => ({
      rank: index + 1,
      title: hit.title,
      path: hit.path,
      score: hit.score.toFixed(3),
      why: hit.explain ? hit.explain.boosts.map((boost) =>
        boost.rule + ' ×' + boost.factor.toFixed(2)).join('; ') : '',
    }));
  }

  async function testRules(form) {
    const status = document.getElementById('rules-status');
    const output = document.getElementById('rules-output');
    const data = new FormData(form);
    const body = { query: data.get('query') };
    ['ranking', 'synonyms', 'best_bets'].forEach((key) => {
      const text = data.get(key);
      if (text && text.trim()) {
        body[key] = text;
      }
    });
    say(status, 'Comparing…', false);
    try {
      const response = await call('/admin/rules/test', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(body),
      });
      if (!response.ok) {
        showFailure(status, await failure(response));
        return;
      }
      const result = await response.json();
      output.replaceChildren();
      const files = result.proposed_files.length ? result.proposed_files.join(', ') : 'no file';
      output.append(element('h3', 'Results for “' + result.query + '”'));
      output.append(element('p', 'Proposed: ' + files + '. Live: ' + result.live.total +
        ' results; proposed: ' + result.proposed.total + ' results.'));
      const sides = element('div');
      sides.className = 'side-by-side';
      sides.append(table('With the rules in force', resultRows(result.live)));
      sides.append(table('With the proposed rules', resultRows(result.proposed)));
      output.append(sides);
      output.append(table('How each result moves', result.changes));
      say(status, 'Compared.', false);
    } catch (error) {
      say(status, 'the server could not be reached: ' + error.message, true);
    }
  }

  async function analyticsStatus() {
    const status = document.getElementById('analytics-status');
    try {
      const response = await call('/admin/analytics/status');
      if (!response.ok) {
        say(status, (await failure(response)).message, true);
        return;
      }
      const body = await response.json();
      const since = body.since_start;
      const kept = body.stored
        ? body.stored.searches + ' searches and ' + body.stored.clicks + ' clicks kept for ' +
          body.retention_days + ' days. '
        : 'The log cannot be read: ' + body.problem + '. ';
      say(status, (body.logging ? 'Logging is on. ' : 'Logging is off. ') + kept +
        'Since the server started: ' + since.written + ' written, ' + since.dropped +
        ' dropped, ' + since.failed + ' failed.', false);
    } catch (error) {
      say(status, 'the server could not be reached: ' + error.message, true);
    }
  }

  function showTokenState() {
    const status = document.getElementById('token-status');
    say(status, token() ? 'A token is set for this tab.' : 'No token entered yet.', false);
  }

  document.addEventListener('DOMContentLoaded', () => {
    document.getElementById('token-form').addEventListener('submit', (event) => {
      event.preventDefault();
      const field = document.getElementById('token');
      sessionStorage.setItem(TOKEN_KEY, field.value.trim());
      field.value = '';
      showTokenState();
    });
    document.getElementById('forget-token').addEventListener('click', () => {
      sessionStorage.removeItem(TOKEN_KEY);
      showTokenState();
    });
    document.querySelectorAll('form.report-form').forEach((form) => {
      form.addEventListener('submit', (event) => {
        event.preventDefault();
        runReport(form);
      });
      form.querySelector('[data-csv]').addEventListener('click', () => downloadCsv(form));
    });
    document.getElementById('tracker-form').addEventListener('submit', (event) => {
      event.preventDefault();
      importTracker(event.target);
    });
    document.getElementById('rules-form').addEventListener('submit', (event) => {
      event.preventDefault();
      testRules(event.target);
    });
    document.getElementById('analytics-status-button').addEventListener('click', analyticsStatus);
    showTokenState();
  });
})();
