// Ferry's dashboard: plain JavaScript over the gateway's REST API and Server-Sent Events, no build step.
'use strict';

const STAGES = { REQUESTED: 5, CHECKPOINTING: 25, UPLOADING: 45, RESTORING: 70, TRANSFERRING_PAGES: 80, FINALIZING: 90, COMPLETED: 100,
  ROLLING_BACK: 60, ROLLED_BACK: 100, FAILED: 100 };
const TERMINAL = new Set(['COMPLETED', 'ROLLED_BACK', 'FAILED']);
const streams = new Map();   // migration id -> EventSource, for migrations still moving
let hosts = [];
let selected = null;

const $ = (sel) => document.querySelector(sel);
const el = (tag, attrs = {}, ...children) => {
  const e = document.createElement(tag);
  Object.entries(attrs).forEach(([k, v]) => (k === 'class' ? (e.className = v) : e.setAttribute(k, v)));
  children.flat().forEach((c) => e.append(c instanceof Node ? c : document.createTextNode(String(c))));
  return e;
};
const seconds = (ms) => (ms == null || ms < 0 ? '–' : (ms / 1000).toFixed(2) + ' s');
const bytes = (n) => {
  if (n == null) return '–';
  const units = ['B', 'KiB', 'MiB', 'GiB'];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) { n /= 1024; i++; }
  return n.toFixed(i ? 1 : 0) + ' ' + units[i];
};

// The session cookie logs requests in; a POST also carries the CSRF token from the XSRF-TOKEN cookie.
const cookie = (name) => decodeURIComponent(document.cookie.split('; ').find((c) => c.startsWith(name + '='))?.slice(name.length + 1) || '');

async function json(url, options = {}) {
  const headers = Object.assign({ Accept: 'application/json' }, options.headers);
  if (options.method && options.method !== 'GET') headers['X-XSRF-TOKEN'] = cookie('XSRF-TOKEN');
  const r = await fetch(url, Object.assign({}, options, { headers }));
  if (r.status === 401) { location.href = '/login.html'; throw new Error('logged out'); }
  const body = r.headers.get('content-type')?.includes('json') ? await r.json() : null;
  if (!r.ok) throw new Error(body?.detail || `HTTP ${r.status}`);
  return body;
}

// Who is logged in; the migrate form is hidden from a viewer (the gateway refuses it anyway).
async function whoAmI() {
  const me = await json('/api/me');
  $('#who').textContent = `${me.name} (${me.roles[me.roles.length - 1] || 'no role'})`;
  $('#start-panel').hidden = !me.roles.includes('operator');
}
$('#logout-form').addEventListener('submit', () => { $('#logout-csrf').value = cookie('XSRF-TOKEN'); });

async function refreshHosts() {
  hosts = await json('/api/hosts');
  const box = $('#hosts');
  box.replaceChildren(...(hosts.length ? hosts.map(hostCard) : [el('p', { class: 'empty' }, 'No host has sent a heartbeat yet.')]));
  fillSelects();
}

function hostCard(h) {
  const b = h.latest || {};
  const services = Object.values(h.services).map((s) => el('span', { class: 'badge ' + (s.up ? 'up' : 'down') }, s.role));
  const containers = (b.containers || []).map((c) => el('li', { class: 'container' }, c.name + ' ',
    el('span', { class: 'badge ' + c.status }, c.status), ...containerNetwork(c)));
  const networks = hostNetworks(b);
  return el('div', { class: 'host', 'data-host': h.id },
    el('h3', {}, h.id, ' ', el('span', { class: 'badge ' + (h.up ? 'up' : 'down') }, h.up ? 'up' : 'down')),
    el('div', {}, ...services.flatMap((s) => [s, ' '])),
    el('div', { class: 'meta' }, `${b.runtime} ${b.runtimeVersion} · CRIU ${b.criuVersion} · ${b.arch}`),
    el('div', { class: 'meta' }, `kernel ${b.kernel} · free ${bytes(b.freeDiskBytes)}`),
    ...(networks.length ? [el('ul', { class: 'networks' }, networks)] : []),
    containers.length ? el('ul', {}, containers) : el('div', { class: 'meta' }, 'no containers'));
}

// Issue 12: a container's network, address, MAC and published ports; a host's networks. Built with el() only, so
// every heartbeat string is a text node, never markup (the gateway refuses forged ones too).
function containerNetwork(c) {
  if (!c.network || c.network === 'none') return [];
  const address = el('div', { class: 'meta address' }, `${c.network} ${c.ip || '(no address)'}` + (c.mac ? ` · ${c.mac}` : ''));
  const ports = (c.ports || []).map((p) => el('span', { class: 'port' }, p));
  return [address, ...(ports.length ? [el('div', { class: 'meta ports' }, ...ports.flatMap((p) => [p, ' ']))] : [])];
}

function hostNetworks(b) {
  return (b.networks || []).map((n) => el('li', { class: 'network meta' },
    `network ${n.name} ${n.subnet} · ${n.vni ? 'vxlan ' + n.vni : 'this host only'}`));
}

function fillSelects() {
  const keep = (sel, values) => {
    const s = $(sel);
    const shown = [...s.options].map((o) => o.value);
    // Redraw only on change: replacing the options every refresh would close an open dropdown.
    if (shown.length === values.length && shown.every((v, i) => v === values[i])) return;
    const current = s.value;
    s.replaceChildren(...values.map((v) => el('option', { value: v }, v)));
    if (values.includes(current)) s.value = current;
  };
  const ids = hosts.map((h) => h.id);
  keep('#source', ids);
  keep('#target', ids);
  if ($('#target').value === $('#source').value && ids.length > 1) {
    $('#target').value = ids.find((i) => i !== $('#source').value);
  }
  const source = hosts.find((h) => h.id === $('#source').value);
  const running = (source?.latest?.containers || []).filter((c) => c.status === 'running').map((c) => c.name);
  keep('#container', running);
}

async function refreshMigrations() {
  const list = await json('/api/migrations');
  const body = $('#migrations tbody');
  $('#no-migrations').hidden = list.length > 0;
  body.replaceChildren(...list.map(row));
  list.filter((m) => !TERMINAL.has(m.state)).forEach((m) => follow(m.id));
  if (selected) showTimeline(selected);
}

function row(m) {
  const bar = el('div', { class: 'bar ' + m.state }, el('div', { style: `width:${STAGES[m.state] || 0}%` }));
  const r = el('tr', { 'data-id': m.id },
    el('td', {}, m.container),
    el('td', {}, `${m.sourceHost} → ${m.targetHost}`),
    el('td', { class: 'state' }, el('span', { class: 'badge ' + m.state }, m.state)),
    el('td', {}, bar),
    el('td', { class: 'downtime' }, seconds(m.downtimeMillis)),
    el('td', {}, seconds(m.totalMillis)),
    el('td', {}, bytes(m.archive?.size ?? (m.bytesTransferred || null))),
    el('td', {}, new Date(m.requestedAt).toLocaleTimeString()));
  r.title = m.error || '';
  r.addEventListener('click', () => { selected = m.id; showTimeline(m.id); });
  return r;
}

// Events come in bursts (a new stream first replays the migration's history): one redraw per burst.
let redrawPending = null;
function redrawSoon() {
  if (redrawPending) return;
  redrawPending = setTimeout(() => { redrawPending = null; refreshMigrations().catch(() => {}); }, 200);
}

// Live progress: each message of a moving migration arrives as a Server-Sent Event.
function follow(id) {
  if (streams.has(id)) return;
  const source = new EventSource(`/api/migrations/${id}/events`);
  streams.set(id, source);
  const update = redrawSoon;
  ['CheckpointStarted', 'CheckpointDumped', 'UploadProgress', 'CheckpointCompleted', 'RestoreStarted',
    'RestoreCompleted', 'SourceFinalized', 'RolledBack', 'RestoreFailed', 'CheckpointFailed'].forEach((t) => source.addEventListener(t, update));
  ['MigrationCompleted', 'MigrationRolledBack', 'MigrationFailed', 'MigrationRejected'].forEach((t) =>
    source.addEventListener(t, () => { source.close(); streams.delete(id); update(); refreshHosts().catch(() => {}); }));
  source.onerror = () => { source.close(); streams.delete(id); };
}

const DESCRIBE = {
  MigrateRequested: (e) => `requested: ${e.container} ${e.sourceHost} → ${e.targetHost}`,
  MigrationAccepted: () => 'preflight passed',
  MigrationRejected: (e) => 'refused: ' + e.reason,
  CheckpointDumped: (e) => `frozen, dumped in ${seconds(e.dumpMillis)}`,
  UploadProgress: (e) => `uploaded ${bytes(e.bytes)}`,
  CheckpointCompleted: (e) => `archive ${bytes(e.size)} in the registry`,
  CheckpointFailed: (e) => 'checkpoint failed: ' + e.reason,
  RestoreCompleted: (e) => `running (restore ${seconds(e.restoreMillis)})`,
  RestoreFailed: (e) => 'restore failed: ' + e.reason,
  MigrationCompleted: (e) => `done: downtime ${seconds(e.downtimeMillis)}, total ${seconds(e.totalMillis)}`,
  MigrationRolledBack: (e) => 'rolled back: ' + e.reason,
  MigrationFailed: (e) => 'failed: ' + e.reason,
};

async function showTimeline(id) {
  const [m, events] = await Promise.all([json(`/api/migrations/${id}`), json(`/api/migrations/${id}/events`)]);
  $('#timeline-panel').hidden = false;
  $('#timeline-title').textContent = `${m.container}: ${m.sourceHost} → ${m.targetHost} (${m.state})`;
  const t = m.timings || {};
  $('#timings').replaceChildren(
    ...[['queued', t.queuedMillis], ['dump', t.dumpMillis], ['checkpoint', t.checkpointMillis], ['upload', t.uploadMillis],
      ['restore', t.restoreMillis], ['finalize', t.finalizeMillis], ['downtime', m.downtimeMillis], ['total', m.totalMillis]]
      .map(([k, v]) => el('span', {}, k + ' ', el('b', {}, seconds(v)))));
  const start = events.length ? Date.parse(events[0].meta.at) : 0;
  $('#timeline').replaceChildren(...events.map((e) => el('li', {},
    el('span', { class: 't' }, ((Date.parse(e.meta.at) - start) / 1000).toFixed(3) + ' s'),
    el('span', { class: 'type' }, e.type), (DESCRIBE[e.type] || (() => e.meta.hostId || ''))(e))));
}

$('#source').addEventListener('change', fillSelects);
$('#migration-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const message = $('#form-message');
  message.className = '';
  message.textContent = 'starting…';
  try {
    const m = await json('/api/migrations', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ container: $('#container').value, sourceHost: $('#source').value, targetHost: $('#target').value,
        keep: $('#keep').checked, tcpEstablished: $('#tcp').checked }),
    });
    message.textContent = `migration ${m.id.slice(0, 8)} started`;
    selected = m.id;
    follow(m.id);
    await refreshMigrations();
  } catch (e) {
    message.className = 'error';
    message.textContent = e.message;
  }
});

setInterval(() => { $('#clock').textContent = new Date().toLocaleTimeString(); }, 1000);
whoAmI().catch((e) => console.warn(e));
const tick = () => Promise.all([refreshHosts(), refreshMigrations()]).catch((e) => console.warn(e));
tick();
setInterval(tick, 2000);
