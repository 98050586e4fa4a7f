// Back from Connect with Amazon: the profile and advertiser pickers of the install dialog.
import { api } from '../api.js';
import { $, el, enc } from '../dom.js';

/** The profile picker (name, country, type), then the advertiser picker of the profile picked. */
export async function loadPickers(connectionId) {
  const { data } = await api(`/v1/admin/connections/${enc(connectionId)}/profiles`, {
    what: 'Loading the Amazon profiles',
  });
  $('#pick-profile').replaceChildren(
    ...data.map((p) =>
      el('option', {
        value: p.profile_id,
        text: `${p.account_name ?? p.profile_id} · ${p.country} · ${p.account_type ?? 'profile'} (${p.profile_id})`,
      }),
    ),
  );
  await loadAdvertisers(connectionId);
}

/** The advertisers of the profile picked, for the connection. */
export async function loadAdvertisers(connectionId) {
  const profile = $('#pick-profile').value;
  if (!profile || !connectionId) return;
  const { data } = await api(
    `/v1/admin/connections/${enc(connectionId)}/advertisers?profile_id=${enc(profile)}`,
    { what: 'Loading the advertisers of the profile' },
  );
  $('#pick-advertiser').replaceChildren(
    ...data.map((a) =>
      el('option', { value: a.advertiser_id, text: `${a.name ?? ''} (${a.advertiser_id})`.trim() }),
    ),
  );
}
