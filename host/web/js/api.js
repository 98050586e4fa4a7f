// The Management API client: one place that sends the admin token, reads errors and says what failed.
import { $ } from './dom.js';

const TOKEN_KEY = 'signal-admin-token';
let token = sessionStorage.getItem(TOKEN_KEY) ?? '';

export const hasToken = () => token !== '';
export function setToken(value) {
  token = value;
  if (value) sessionStorage.setItem(TOKEN_KEY, value);
  else sessionStorage.removeItem(TOKEN_KEY);
}

/** A failed call: what was being done, the HTTP status (0: the host did not answer) and the API's error. */
export class ApiError extends Error {
  constructor(what, status, error) {
    const why =
      status === 0
        ? 'the host did not answer (is npm start still running?)'
        : status === 401
          ? 'the admin token was not accepted'
          : (error?.message ?? `HTTP ${status}`);
    super(`${what} failed: ${why}`);
    this.status = status;
    this.error = error;
    this.reason = why;
  }
  get fields() {
    return this.error?.fields ?? [];
  }
  get code() {
    return this.error?.code;
  }
}

/** Describes a call in words for its error message: "Loading the Delivery Log", from the path if not given. */
function describe(method, path) {
  const noun = path
    .replace(/^\/v1\/admin\//, '')
    .split('?')[0]
    .replace(/\/(tmpl|conn|evt)_[^/]*/g, '')
    .replace(/[-/]/g, ' ')
    .trim();
  return `${method === 'GET' ? 'Loading' : method === 'DELETE' ? 'Deleting' : 'Saving'} ${noun}`;
}

/** Calls the Management API; throws an ApiError that says what failed. A 401 opens the token dialog. */
export async function api(path, { method = 'GET', body, what } = {}) {
  const label = what ?? describe(method, path);
  let response;
  try {
    response = await fetch(path, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiError(label, 0);
  }
  const text = await response.text();
  let data;
  try {
    data = text ? JSON.parse(text) : undefined;
  } catch {
    data = undefined;
  }
  if (!response.ok) {
    const error = new ApiError(label, response.status, data?.error);
    if (response.status === 401) askForToken('The token was not accepted.');
    throw error;
  }
  return data;
}

export function askForToken(message = '') {
  $('#token-error').textContent = message;
  if (!$('#token-dialog').open) $('#token-dialog').showModal();
}

/**
 * The one error path of the page: a failed call shows what failed in the status bar (a 401 asks for the
 * token instead); anything else is a bug, logged and shown as such.
 */
export function showError(error) {
  if (error instanceof ApiError && error.status === 401) return;
  if (!(error instanceof ApiError)) console.error(error);
  const bar = $('#app-error');
  bar.querySelector('span').textContent =
    error instanceof ApiError
      ? error.message
      : `Something went wrong in the page: ${error?.message ?? error}`;
  bar.hidden = false;
}

export function clearError() {
  $('#app-error').hidden = true;
}
