import {
  AccessDeniedError,
  AmazonResponseError,
  AmazonUnavailableError,
  AuthError,
  ConfigError,
  NotFoundError,
} from '../../plugin/errors.js';
import { installHttpError } from '../../host/http/install-errors.js';

/** The table docs/management-api.md's "Error codes" section states: plugin code → HTTP status and Management API code. */
describe('install errors as the Management API answers them', () => {
  test.each([
    [new ConfigError([{ field: 'config.profile_id', message: 'is required' }]), 400, 'invalid_request'],
    [new AuthError('401'), 422, 'auth_failed'],
    [new AccessDeniedError('403'), 422, 'access_denied'],
    [new NotFoundError('404'), 422, 'not_found'],
    [new AmazonUnavailableError('timeout'), 503, 'amazon_unavailable'],
    [new AmazonResponseError('odd body'), 502, 'amazon_bad_response'],
  ])('%s → %i %s', (error, status, code) => {
    const http = installHttpError(error);
    expect([http.status, http.code, http.message]).toEqual([status, code, error.message]);
    expect(http.fields).toEqual(error instanceof ConfigError ? error.fields : undefined);
  });

  test('anything else is a 500 that repeats nothing of what was thrown', () => {
    const http = installHttpError(new TypeError('secret Atza|abc in a stack'));
    expect([http.status, http.code]).toEqual([500, 'internal_error']);
    expect(http.message).not.toContain('Atza');
  });
});
