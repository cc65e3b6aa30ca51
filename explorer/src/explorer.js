// The explorer page: reads the node's REST gateway (same origin, /chain/...) and its server-sent event stream, and
// shows blocks, txs, validators, the order book, leases with their escrow runway, providers with their track record,
// and charts over the blocks this page has seen. Every figure is a query answer or an event; nothing is invented.
// Written by hand because no package renders this chain's types; the charts are uPlot's, bundled by esbuild.
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import './explorer.css';

const HISTORY_BLOCKS = 30; // blocks fetched at load to start the charts and tables
const MAX_POINTS = 600; // points kept per chart
const MAX_ROWS = 20; // rows in the block and tx tables
const UCHN = 1_000_000n;

// ---- gateway access -------------------------------------------------------------------------------------------

async function get(path) {
  const response = await fetch(path, { headers: { accept: 'application/json' } });
  const body = await response.json().catch(() => ({}));
  if (!response.ok) {
    const error = new Error(`${path}: ${body.message || response.status}`);
    error.status = response.status;
    throw error;
  }
  return body;
}

/** Every page of a paginated list query (the gateway caps a page at 1,000 items). */
async function getAll(path, field) {
  const items = [];
  let key = '';
  for (let page = 0; page < 20; page++) {
    const sep = path.includes('?') ? '&' : '?';
    const body = await get(`${path}${sep}pagination.limit=1000${key ? `&pagination.key=${encodeURIComponent(key)}` : ''}`);
    items.push(...(body[field] || []));
    key = body.pagination && body.pagination.nextKey;
    if (!key) break;
  }
  return items;
}

// ---- formatting -----------------------------------------------------------------------------------------------

const big = (v) => BigInt(v || 0);
const num = (v) => Number(v || 0);
function chn(uchn) {
  const v = big(uchn);
  const whole = v / UCHN;
  const frac = (v % UCHN).toString().padStart(6, '0').replace(/0+$/, '');
  return frac ? `${whole.toLocaleString('en')}.${frac}` : whole.toLocaleString('en');
}
const short = (s, n = 10) => (!s ? '' : s.length <= 2 * n ? s : `${s.slice(0, n)}…${s.slice(-6)}`);
const b64hex = (b64) => Array.from(atob(b64 || ''), (c) => c.charCodeAt(0).toString(16).padStart(2, '0')).join('');
const nanosToDate = (nanos) => new Date(Number(big(nanos) / 1_000_000n));
const stateName = (s, prefix) => (s || '').replace(prefix, '').toLowerCase().replace(/_/g, ' ');
function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'class') node.className = v;
    else node.setAttribute(k, v);
  }
  for (const c of children) node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return node;
}
function fill(tableId, rows) {
  const body = document.querySelector(`#${tableId} tbody`);
  body.replaceChildren(...rows);
  if (rows.length === 0) {
    const cols = document.querySelectorAll(`#${tableId} thead th`).length;
    body.append(el('tr', { class: 'empty' }, el('td', { colspan: cols }, 'none')));
  }
}
function duration(seconds) {
  if (!isFinite(seconds)) return '';
  if (seconds < 120) return `${Math.round(seconds)} s`;
  if (seconds < 7200) return `${Math.round(seconds / 60)} min`;
  if (seconds < 172800) return `${(seconds / 3600).toFixed(1)} h`;
  return `${(seconds / 86400).toFixed(1)} d`;
}
const resources = (r) => (r ? `${r.gpuCount}× ${r.gpuModel || 'any GPU'}${r.minVramGi ? ` ≥${r.minVramGi} GiB` : ''}` : '');
const gpuModel = (r) => (r && r.gpuModel) || 'any';

// ---- state ----------------------------------------------------------------------------------------------------

const seen = new Map(); // height -> { height, time (s), txs, proposer, hash, results }
const series = { time: [], interval: [], tps: [] };
const prices = { time: [], byModel: new Map() }; // model -> array aligned with prices.time
let latestHeight = 0;
let avgInterval = NaN;

function showError(message) {
  const box = document.getElementById('error');
  box.hidden = !message;
  box.textContent = message || '';
}

// ---- blocks and txs -------------------------------------------------------------------------------------------

async function loadBlock(height) {
  if (seen.has(height)) return seen.get(height);
  const b = await get(`/chain/node/v1/blocks/${height}`);
  const header = b.block.header;
  const block = {
    height: num(header.height),
    time: Number(big(header.timeUnixNanos) / 1000n) / 1e6,
    txs: (b.block.data && b.block.data.txs ? b.block.data.txs.length : 0),
    proposer: b64hex(header.proposerAddress),
    hash: b64hex(b.blockId && b.blockId.hash),
    results: b.results || [],
  };
  seen.set(block.height, block);
  // Charts: interval and tx/s need the block before it.
  const prev = seen.get(block.height - 1);
  if (prev) addPoint(block, prev);
  return block;
}

function addPoint(block, prev) {
  const interval = block.time - prev.time;
  if (interval <= 0) return;
  // Keep the series ordered by time: blocks arrive in order except the history loaded at start.
  let i = series.time.length;
  while (i > 0 && series.time[i - 1] > block.time) i--;
  if (series.time[i - 1] === block.time) return;
  series.time.splice(i, 0, block.time);
  series.interval.splice(i, 0, interval);
  series.tps.splice(i, 0, block.txs / interval);
  for (const k of ['time', 'interval', 'tps']) if (series[k].length > MAX_POINTS) series[k].shift();
  const n = Math.min(series.interval.length, 20);
  avgInterval = series.interval.slice(-n).reduce((a, b) => a + b, 0) / n;
}

function renderBlocks() {
  const heights = [...seen.keys()].sort((a, b) => b - a);
  for (const h of heights.slice(5 * MAX_ROWS)) seen.delete(h);
  fill('blocks', heights.slice(0, MAX_ROWS).map((h) => {
    const b = seen.get(h);
    return el('tr', { 'data-height': h },
      el('td', {}, h), el('td', {}, new Date(b.time * 1000).toLocaleTimeString()), el('td', { class: 'num' }, b.txs),
      el('td', { class: 'mono' }, short(b.proposer, 8)), el('td', { class: 'mono' }, short(b.hash, 8)));
  }));
  const txs = [];
  for (const h of heights) {
    for (const r of seen.get(h).results) {
      txs.push(el('tr', { 'data-tx': r.txHash },
        el('td', { class: 'mono' }, short(b64hex(r.txHash), 8)), el('td', {}, h),
        el('td', { class: r.code ? 'bad' : 'ok' }, r.code ? `code ${r.code} (${r.codespace})` : 'ok'),
        el('td', { class: 'num' }, num(r.gasUsed).toLocaleString('en')),
        el('td', {}, [...new Set((r.events || []).map((e) => e.type))].join(', '))));
      if (txs.length >= MAX_ROWS) break;
    }
    if (txs.length >= MAX_ROWS) break;
  }
  fill('txs', txs);
}

// ---- validators -----------------------------------------------------------------------------------------------

async function loadValidators() {
  const [validators, params, pool] = await Promise.all([
    getAll('/chain/staking/v1/validators', 'validators'),
    get('/chain/staking/v1/params'),
    get('/chain/staking/v1/pool'),
  ]);
  const window = num(params.slashing && params.slashing.signedBlocksWindow);
  const bonded = big(pool.pool && pool.pool.bondedTokens);
  const infos = await Promise.all(validators.map((v) =>
    get(`/chain/staking/v1/signing_infos/${v.operatorAddress}`).then((r) => r.info).catch(() => null)));
  const rows = validators.map((v, i) => ({ v, info: infos[i] }));
  rows.sort((a, b) => (big(b.v.tokens) > big(a.v.tokens) ? 1 : big(b.v.tokens) < big(a.v.tokens) ? -1 : 0));
  fill('validators', rows.map(({ v, info }) => {
    // Uptime: the chain's liveness record, the share of the blocks of its signing window (or of the blocks since
    // the validator started, when fewer) that it signed.
    let uptime = '';
    if (info && window > 0) {
      const counted = Math.min(window, Math.max(1, latestHeight - num(info.startHeight) + 1));
      uptime = `${(100 * Math.max(0, counted - num(info.missedBlocksCounter)) / counted).toFixed(1)}%`;
    }
    const bondedStatus = v.status === 'BOND_STATUS_BONDED';
    const share = bondedStatus && bonded > 0n ? `${(Number((big(v.tokens) * 10000n) / bonded) / 100).toFixed(2)}%` : '';
    return el('tr', { 'data-validator': v.operatorAddress },
      el('td', {}, (v.description && v.description.moniker) || ''), el('td', { class: 'mono' }, short(v.operatorAddress, 14)),
      el('td', {}, stateName(v.status, 'BOND_STATUS_')), el('td', { class: 'num' }, chn(v.tokens)), el('td', { class: 'num' }, share),
      el('td', { class: 'num uptime' }, uptime), el('td', { class: v.jailed ? 'bad' : '' }, v.jailed ? 'jailed' : 'no'));
  }));
}

// ---- market ---------------------------------------------------------------------------------------------------

const orders = new Map(); // id -> order (orders of leases never change resources)

async function loadMarket() {
  const [openOrders, openBids, activeLeases, providers, workProviders] = await Promise.all([
    getAll('/chain/market/v1/orders?state=ORDER_STATE_OPEN', 'orders'),
    getAll('/chain/market/v1/bids?state=BID_STATE_OPEN', 'bids'),
    getAll('/chain/market/v1/leases?state=LEASE_STATE_ACTIVE', 'leases'),
    getAll('/chain/market/v1/providers', 'providers'),
    getAll('/chain/work/v1/providers', 'providers'),
  ]);
  for (const o of openOrders) orders.set(o.id, o);
  await Promise.all(activeLeases.filter((l) => !orders.has(l.orderId)).map((l) =>
    get(`/chain/market/v1/orders/${l.orderId}`).then((r) => orders.set(l.orderId, r.order))));
  const escrows = await Promise.all(activeLeases.map((l) =>
    get(`/chain/market/v1/escrow_accounts/${l.orderId}`).then((r) => r.account).catch(() => null)));

  // Order book by GPU model: prices per GPU per block.
  const models = new Map();
  const model = (name) => {
    if (!models.has(name)) models.set(name, { orders: 0, bids: 0, bestBid: null, highestAsk: null, leases: 0, leaseSum: 0 });
    return models.get(name);
  };
  const bidsByOrder = new Map();
  for (const b of openBids) {
    if (!bidsByOrder.has(b.orderId)) bidsByOrder.set(b.orderId, []);
    bidsByOrder.get(b.orderId).push(b);
  }
  for (const o of openOrders) {
    const m = model(gpuModel(o.resources));
    const gpus = Math.max(1, num(o.resources && o.resources.gpuCount));
    m.orders++;
    const ask = num(o.maxPricePerBlock) / gpus;
    m.highestAsk = m.highestAsk === null ? ask : Math.max(m.highestAsk, ask);
    for (const b of bidsByOrder.get(o.id) || []) {
      m.bids++;
      const perGpu = num(b.pricePerBlock) / gpus;
      m.bestBid = m.bestBid === null ? perGpu : Math.min(m.bestBid, perGpu);
    }
  }
  for (const l of activeLeases) {
    const o = orders.get(l.orderId);
    const m = model(gpuModel(o && o.resources));
    m.leases++;
    m.leaseSum += num(l.pricePerBlock) / Math.max(1, num(o && o.resources && o.resources.gpuCount));
  }
  const fmt = (v) => (v === null ? '' : Math.round(v).toLocaleString('en'));
  fill('prices', [...models.entries()].sort().map(([name, m]) => el('tr', { 'data-model': name },
    el('td', {}, name), el('td', { class: 'num' }, m.orders), el('td', { class: 'num' }, m.bids), el('td', { class: 'num' }, fmt(m.bestBid)),
    el('td', { class: 'num' }, fmt(m.highestAsk)), el('td', { class: 'num' }, m.leases), el('td', { class: 'num' }, m.leases ? fmt(m.leaseSum / m.leases) : ''))));
  fill('orders', openOrders.map((o) => {
    const bids = bidsByOrder.get(o.id) || [];
    const best = bids.length ? Math.min(...bids.map((b) => num(b.pricePerBlock))) : null;
    return el('tr', { 'data-order-id': o.id },
      el('td', {}, o.id), el('td', { class: 'mono' }, short(o.owner)), el('td', {}, resources(o.resources)),
      el('td', { class: 'num' }, num(o.maxPricePerBlock).toLocaleString('en')), el('td', {}, o.biddingClosesHeight),
      el('td', { class: 'num' }, bids.length), el('td', { class: 'num' }, best === null ? '' : best.toLocaleString('en')));
  }));

  // Leases: runway = whole blocks the escrow balance still pays at the lease's price, less the blocks since it was
  // last settled; in time, at the mean interval of the last blocks seen.
  fill('leases', activeLeases.map((l, i) => {
    const e = escrows[i];
    const o = orders.get(l.orderId);
    let runway = '';
    if (e && big(e.rate) > 0n) {
      const blocks = Math.max(0, Number(big(e.balance) / big(e.rate)) - Math.max(0, latestHeight - num(e.settledHeight)));
      runway = `${blocks.toLocaleString('en')} blocks${isFinite(avgInterval) ? ` (~${duration(blocks * avgInterval)})` : ''}`;
    }
    return el('tr', { 'data-lease-id': l.id },
      el('td', {}, l.id), el('td', { class: 'mono' }, short(l.tenant)), el('td', { class: 'mono' }, short(l.provider)),
      el('td', {}, resources(o && o.resources)), el('td', { class: 'num' }, num(l.pricePerBlock).toLocaleString('en')),
      el('td', { class: 'num escrow' }, e ? `${chn(e.balance)} CHN` : ''), el('td', { class: 'num runway' }, runway),
      el('td', {}, stateName(l.state, 'LEASE_STATE_')));
  }));

  // Providers and their track record from the work module.
  const work = new Map(workProviders.map((w) => [w.provider, w]));
  const gpus = (p) => (p.attributes || []).filter((a) => a.startsWith('gpu/vendor/')).map((a) => a.split('/')[4]).join(', ');
  fill('providers', providers.map((p) => {
    const w = work.get(p.owner) || {};
    return el('tr', { 'data-provider': p.owner },
      el('td', { class: 'mono' }, short(p.owner)), el('td', {}, p.region || ''), el('td', {}, gpus(p)),
      el('td', { class: 'num' }, num(w.activeLeases)), el('td', { class: 'num' }, `${num(w.receipts)} (${num(w.verifiedReceipts)})`),
      el('td', { class: num(w.failures) ? 'num bad' : 'num' }, num(w.failures)), el('td', { class: num(w.missedReceipts) ? 'num bad' : 'num' }, num(w.missedReceipts)),
      el('td', { class: 'num' }, chn(w.slashed)), el('td', { class: 'num' }, chn(w.rewards)));
  }));

  // Price chart: one point per refresh, the mean lease price per GPU of each model.
  const now = Date.now() / 1000;
  prices.time.push(now);
  for (const arr of prices.byModel.values()) arr.push(null);
  for (const [name, m] of models) {
    if (!m.leases) continue;
    if (!prices.byModel.has(name)) prices.byModel.set(name, prices.time.map(() => null));
    const arr = prices.byModel.get(name);
    arr[arr.length - 1] = m.leaseSum / m.leases;
  }
  if (prices.time.length > MAX_POINTS) {
    prices.time.shift();
    for (const arr of prices.byModel.values()) arr.shift();
  }
}

// ---- charts ---------------------------------------------------------------------------------------------------

const COLORS = ['#3366cc', '#dc3912', '#ff9900', '#109618', '#990099', '#0099c6'];
const charts = {};

function chart(id, seriesLabels, data) {
  const box = document.getElementById(id);
  const width = Math.max(240, box.clientWidth - 4);
  const key = `${id}:${seriesLabels.join('|')}`;
  if (!charts[id] || charts[id].key !== key) {
    if (charts[id]) charts[id].plot.destroy();
    const opts = {
      width, height: 180, legend: { show: true },
      series: [{}, ...seriesLabels.map((label, i) => ({ label, stroke: COLORS[i % COLORS.length], width: 2, spanGaps: true }))],
      axes: [{}, { size: 60 }],
    };
    charts[id] = { key, plot: new uPlot(opts, data, box) };
  } else {
    charts[id].plot.setData(data);
  }
}

function renderCharts() {
  chart('chart-interval', ['interval s'], [series.time, series.interval]);
  chart('chart-tps', ['tx/s'], [series.time, series.tps]);
  const models = [...prices.byModel.keys()].sort();
  chart('chart-price', models.length ? models : ['no active lease'],
    [prices.time, ...(models.length ? models.map((m) => prices.byModel.get(m)) : [prices.time.map(() => null)])]);
}

// ---- status and refresh ---------------------------------------------------------------------------------------

async function loadStatus() {
  const s = await get('/chain/node/v1/status');
  latestHeight = Math.max(latestHeight, num(s.latestHeight));
  document.getElementById('chain-id').textContent = s.chainId;
  document.getElementById('moniker').textContent = s.moniker;
  document.getElementById('mempool').textContent = `${s.mempoolSize} txs`;
  return s;
}

function showHeight(height, timeNanos) {
  latestHeight = Math.max(latestHeight, height);
  document.getElementById('height').textContent = String(latestHeight);
  if (timeNanos !== undefined) document.getElementById('block-time').textContent = nanosToDate(timeNanos).toLocaleTimeString();
}

let refreshing = null;
let again = false;

/** Reloads the state panels; a refresh asked for while one runs is done once after it, never piled up. */
function refresh() {
  if (refreshing) {
    again = true;
    return refreshing;
  }
  refreshing = (async () => {
    try {
      await Promise.all([loadStatus(), loadValidators(), loadMarket()]);
      renderCharts();
      showError('');
    } catch (e) {
      showError(e.message);
    } finally {
      refreshing = null;
      if (again) {
        again = false;
        refresh();
      }
    }
  })();
  return refreshing;
}

async function onNewBlock(height) {
  try {
    // Blocks missed since the highest one seen (the stream starts after the history is loaded, and a reconnect
    // skips some): fetched in order, at most HISTORY_BLOCKS back, so the tables and charts have no gaps.
    const top = seen.size ? Math.max(...seen.keys()) : height - 1;
    for (let h = Math.max(top + 1, height - HISTORY_BLOCKS + 1); h < height; h++) await loadBlock(h);
    const b = await loadBlock(height);
    showHeight(height, BigInt(Math.round(b.time * 1e6)) * 1000n);
    renderBlocks();
    renderCharts();
  } catch (e) {
    showError(e.message);
  }
  refresh();
}

function connect() {
  const live = document.getElementById('live');
  const source = new EventSource('/chain/node/v1/events?types=new_block');
  source.onopen = () => { live.textContent = 'live'; live.className = 'live'; };
  source.onmessage = (m) => {
    const message = JSON.parse(m.data);
    onNewBlock(num(message.height));
  };
  source.onerror = () => { live.textContent = 'reconnecting'; live.className = 'live off'; };
}

async function start() {
  try {
    const s = await loadStatus();
    const top = num(s.latestHeight);
    const from = Math.max(1, top - HISTORY_BLOCKS + 1);
    for (let h = from; h <= top; h += 10) {
      await Promise.all(Array.from({ length: Math.min(10, top - h + 1) }, (_, i) => loadBlock(h + i)));
    }
    for (let h = from + 1; h <= top; h++) if (seen.has(h) && seen.has(h - 1)) addPoint(seen.get(h), seen.get(h - 1));
    showHeight(top, s.latestBlockTimeUnixNanos);
    renderBlocks();
  } catch (e) {
    showError(e.message);
  }
  await refresh();
  connect();
}

start();
