/** An error with an HTTP status and a stable code, answered as `{"error":{"code","message","fields"?}}`. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly fields?: Array<{ field: string; message: string }>,
  ) {
    super(message);
  }
}
