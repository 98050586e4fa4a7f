// The Delivery Log: events delivered, rejected and retried per time bucket, and one row per request to Amazon.
import { api } from '../api.js';
import { $, enc, timeOf } from '../dom.js';
import { fillPicker, loadIntegrations } from '../integrations.js';
import { timeChart } from '../widgets/chart.js';
import { dataTable } from '../widgets/table.js';

export async function showLog([wanted]) {
  await loadIntegrations();
  const id = fillPicker($('#log-integration'), { wanted });
  $('#log-body').hidden = !id;
  $('#log-none').hidden = Boolean(id);
  if (!id) return;
  const status = $('#log-status').value;
  const window = $('#log-window').value;
  const [{ data }, series] = await Promise.all([
    api(`/v1/admin/integrations/${enc(id)}/delivery-log?limit=200${status ? `&status=${status}` : ''}`, {
      what: 'Loading the Delivery Log',
    }),
    api(`/v1/admin/integrations/${enc(id)}/delivery-log/buckets?window=${window}`, {
      what: 'Loading the Delivery Log chart',
    }),
  ]);
  $('#log-chart').replaceChildren(
    timeChart({
      title: 'Events per time bucket',
      buckets: series.buckets,
      bucketMs: series.bucket_ms,
      bars: [
        { key: 'delivered', label: 'delivered' },
        { key: 'rejected', label: 'rejected' },
        { key: 'retried', label: 'retried' },
      ],
      unit: `events per ${series.bucket_label}`,
      width: $('#log-chart').clientWidth,
    }),
  );
  $('#log-table').replaceChildren(
    dataTable(
      'Delivery Log requests',
      ['Time', 'HTTP status', 'Events', 'Delivered', 'Rejected', 'Retried', 'Latency', 'Error'],
      data.map((r) => [
        timeOf(r.at),
        r.http_status ?? 'no answer',
        r.events,
        r.delivered,
        r.rejected,
        r.retried,
        `${r.latency_ms} ms`,
        r.error ?? '',
      ]),
      status
        ? `No request answered ${status === '0' ? 'nothing' : status} yet.`
        : 'No request to Amazon yet: events appear here once they are sent.',
    ),
  );
}

export function initLog(reshow) {
  $('#log-integration').addEventListener(
    'change',
    () => (location.hash = `#/log/${enc($('#log-integration').value)}`),
  );
  $('#log-status').addEventListener('change', reshow);
  $('#log-window').addEventListener('change', reshow);
}
