// A client of the Tenantwright API in another language: Node.js 18+ and its built-in fetch, nothing else.
// Signs a tenant up, provisions its demo, follows the provisioning over server-sent events (resuming with
// Last-Event-ID if the connection drops), and reads the result.
//
//   TW_URL=http://127.0.0.1:8080 TW_TOKEN=$(cat data/admin.token) node signup.mjs "Acme Corp" ops@acme.example
//
// Exits 0 when the demo is READY, 1 otherwise.

const base = process.env.TW_URL ?? 'http://127.0.0.1:8080';
const token = process.env.TW_TOKEN;
if (!token) {
  console.error('set TW_TOKEN to an admin token');
  process.exit(2);
}
const [company = 'Node Shop', email = 'ops@node-shop.example'] = process.argv.slice(2);

async function api(method, path, body, headers = {}) {
  const res = await fetch(base + path, {
    method,
    headers: {
      Authorization: `Bearer ${token}`,
      ...(body ? { 'Content-Type': 'application/json' } : {}),
      ...headers,
    },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  const json = text ? JSON.parse(text) : null;
  if (!res.ok) {
    const where = json?.field ? ` (field ${json.field})` : '';
    throw new Error(`${method} ${path}: ${res.status} ${json?.detail ?? text}${where}`);
  }
  return { status: res.status, json };
}

// Reads an event stream with fetch: yields {id, event, data} as they come, reconnecting after the last id.
async function* events(path) {
  let lastId = null;
  for (let attempt = 0; attempt < 5; attempt++) {
    const res = await fetch(base + path, {
      headers: {
        Authorization: `Bearer ${token}`,
        Accept: 'text/event-stream',
        ...(lastId ? { 'Last-Event-ID': lastId } : {}),
      },
    });
    if (res.status === 204) return; // the run is over and nothing follows
    if (!res.ok) throw new Error(`GET ${path}: ${res.status} ${await res.text()}`);
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for await (const chunk of res.body) {
        buffer += decoder.decode(chunk, { stream: true });
        let end;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const e = { id: null, event: 'message', data: '' };
          for (const line of block.split('\n')) {
            if (line.startsWith('id:')) e.id = line.slice(3).trim();
            else if (line.startsWith('event:')) e.event = line.slice(6).trim();
            else if (line.startsWith('data:')) e.data += line.slice(5).trim();
          }
          if (!e.data) continue; // a keep-alive comment
          lastId = e.id;
          yield { ...e, data: JSON.parse(e.data) };
        }
      }
      return; // the server ended the stream after the run's last event
    } catch (err) {
      console.error(`stream cut (${err.message}); resuming after event ${lastId}`);
    }
  }
  throw new Error('the event stream kept dropping');
}

const tenant = (await api('POST', '/tenants', { company, email })).json;
console.log(`tenant ${tenant.id} (${tenant.displayName}) created`);

const key = `signup-${tenant.id}`;
const started = await api('POST', `/tenants/${tenant.id}/environments`, { kind: 'DEMO' }, { 'Idempotency-Key': key });
const again = await api('POST', `/tenants/${tenant.id}/environments`, { kind: 'DEMO' }, { 'Idempotency-Key': key });
if (again.json.id !== started.json.id) throw new Error('the same Idempotency-Key started a second run');
const run = started.json;
console.log(`run ${run.id}: ${run.kind} of ${run.environment}, ${run.steps.length} steps`);

let last = null;
let count = 0;
let previousId = 0;
for await (const e of events(`/runs/${run.id}/events`)) {
  if (Number(e.id) <= previousId) throw new Error(`event ${e.id} after ${previousId}: out of order or repeated`);
  previousId = Number(e.id);
  count++;
  last = e;
  const step = e.data.step ? ` [${e.data.stepIndex}/${e.data.stepCount} ${e.data.step}]` : '';
  console.log(`  ${String(e.data.percent).padStart(3)}% ${e.event}${step}${e.data.message ? ' - ' + e.data.message : ''}`);
}
if (!last || last.event !== 'RUN_SUCCEEDED') {
  console.error(`the run ended with ${last?.event}`);
  process.exit(1);
}

const env = (await api('GET', `/tenants/${tenant.id}/environments/demo`)).json;
console.log(`demo is ${env.state} (${env.status.activation}) after ${count} events; resources:`);
for (const r of env.resources) console.log(`  ${r.name} (${r.type}) ${JSON.stringify(r.outputs)}`);
process.exit(env.state === 'READY' ? 0 : 1);
