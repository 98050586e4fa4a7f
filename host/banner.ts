import { MANIFEST } from '../plugin/index.js';

export interface BannerInput {
  adminUrl: string;
  /** Where a browser opens the page (`SIGNAL_PUBLIC_URL`, default `http://localhost:<admin port>`). */
  pageUrl: string;
  ingestUrl: string;
  sandboxUrl?: string;
  tokens: { admin: string; pipeline: string; generated: string[] };
  dataDir: string;
}

/** What `npm start` prints: where everything is, the tokens, and two commands to paste. */
export function banner(b: BannerInput): string {
  const install = JSON.stringify({
    name: MANIFEST.name,
    variant: 'default',
    config: { advertiser_id: 'ENTITY1234ABCD', profile_id: '1234567890', access_token: 'Atza|IwEBIA...' },
    delivery_mode: 'server_side',
  });
  const event = JSON.stringify({
    event: 'purchase',
    properties: {
      transaction_id: 'T-1001',
      value: 129.99,
      currency: 'USD',
      items: [{ item_id: 'SKU-001', quantity: 1 }],
    },
    traits: { email: 'Jane.Doe@Example.com' },
    context: { locale: 'en-US', ip: '203.0.113.42', consent: { canonical: { marketing: true } } },
  });
  const generated =
    b.tokens.generated.length > 0 ? ` (generated and stored in ${b.dataDir}/tokens.json)` : '';
  return `
Datafly Signal reference host with ${MANIFEST.name}
  Web page                   ${b.pageUrl}/   (open it at this address: Connect with Amazon needs it)
  Management API             ${b.adminUrl}/   (API under ${b.adminUrl}/v1/admin)
  Ingestion                  ${b.ingestUrl}/v1/t  /v1/p  /v1/batch
  Amazon                     ${b.sandboxUrl ? `embedded sandbox at ${b.sandboxUrl} (no Amazon account needed)` : 'the real Amazon Ads API (SIGNAL_AMAZON=live)'}
  Data                       ${b.dataDir}
  Metrics, probes            ${b.adminUrl}/metrics (Bearer admin token)  /healthz  /readyz (both ports)

  SIGNAL_ADMIN_TOKEN=${b.tokens.admin}
  SIGNAL_PIPELINE_KEY=${b.tokens.pipeline}${generated}

Install Amazon DSP Events (the seed's call):
  curl -s -X POST ${b.adminUrl}/v1/admin/integration-catalog/amazon_dsp/install \\
    -H "Authorization: Bearer ${b.tokens.admin}" -H "Content-Type: application/json" \\
    -d '${install}'

Send a purchase:
  curl -s -X POST ${b.ingestUrl}/v1/t \\
    -H "Authorization: Bearer ${b.tokens.pipeline}" -H "Content-Type: application/json" \\
    -d '${event}'

Then open ${b.pageUrl}/#/live in a browser and paste the admin token: Live Events, Match quality, the
Delivery Log. (The API URLs above answer 401 in a browser: they want the token in an Authorization header.)
`;
}
