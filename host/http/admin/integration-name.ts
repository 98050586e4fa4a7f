import { MANIFEST } from '../../../plugin/index.js';
import { HttpError } from '../http-kit.js';

/** The longest name an integration may have: it is shown in every list, picker and Live Events row. */
export const NAME_MAX = 200;

/**
 * The name an install or a PATCH gives an integration, trimmed: the catalog's name ("Amazon DSP Events") when
 * none is sent; a 400 naming the field for anything but 1 to 200 characters without control characters.
 */
export function integrationName(value: unknown): string {
  if (value === undefined) return MANIFEST.name;
  const name = typeof value === 'string' ? value.trim() : '';
  // eslint-disable-next-line no-control-regex -- control characters are what is refused
  if (name === '' || name.length > NAME_MAX || /[\u0000-\u001f\u007f]/.test(name))
    throw new HttpError(
      400,
      'invalid_request',
      `name must be 1 to ${NAME_MAX} characters, with no control characters.`,
      [{ field: 'name', message: `must be 1 to ${NAME_MAX} characters, with no control characters` }],
    );
  return name;
}
