import { findVariant, MANIFEST, type Installation } from '../../../plugin/index.js';
import { HttpError } from '../http-kit.js';
import { installHttpError } from '../install-errors.js';
import type { AdminContext } from './admin-context.js';

/** Runs the plugin's install (for a new integration or a new revision), its errors as HTTP errors. */
export async function install(ctx: AdminContext, request: Record<string, unknown>): Promise<Installation> {
  if (typeof request.variant === 'string' && !findVariant(request.variant)) {
    throw new HttpError(
      404,
      'variant_not_found',
      `${MANIFEST.key} has no variant ${request.variant}; use one of ${MANIFEST.variants.map((v) => v.key).join(', ')}.`,
    );
  }
  try {
    return await ctx.destination.install(request);
  } catch (error) {
    throw installHttpError(error);
  }
}
