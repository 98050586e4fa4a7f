import { createHash } from 'node:crypto';
import type { AmazonEvent } from '../../plugin/amazon/event-types.js';
import type { DeliveryItem } from '../../plugin/contracts.js';

/** A valid Amazon purchase event, timed a minute ago, with a hashed email and a unique eventId. */
export function amazonEvent(n: number, over: Partial<AmazonEvent> = {}): AmazonEvent {
  return {
    eventDescription: {
      name: 'Purchase',
      conversionType: 'OFF_AMAZON_PURCHASES',
      eventSource: 'WEBSITE',
      eventIngestionMethod: 'SERVER_TO_SERVER',
    },
    countryCode: 'US',
    eventTime: new Date(Date.now() - 60_000).toISOString(),
    matchKeys: [
      { type: 'EMAIL', values: [createHash('sha256').update(`user${n}@example.com`).digest('hex')] },
    ],
    value: (1000 + n) / 100,
    currencyCode: 'USD',
    eventId: `order-${n}`,
    consent: { amazonConsent: { amznUserData: 'GRANTED', amznAdStorage: 'GRANTED' } },
    ...over,
  };
}

export function items(
  count: number,
  from = 0,
  over: (n: number) => Partial<AmazonEvent> = () => ({}),
): DeliveryItem[] {
  return Array.from({ length: count }, (_, i) => ({
    id: `host-${from + i}`,
    event: amazonEvent(from + i, over(from + i)),
  }));
}
