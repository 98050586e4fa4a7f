import { PACKAGE_ROOT } from '../plugin/project-files.js';

/** An unexpected error's class and where it was thrown (`TypeError at host/x.ts:12:5`): no message, no data. */
export function errorKind(error: unknown): string {
  if (!(error instanceof Error)) return typeof error;
  const line = error.stack?.split('\n').find((l) => l.trimStart().startsWith('at ')) ?? '';
  const open = line.lastIndexOf('(');
  let place = open >= 0 ? line.slice(open + 1, line.lastIndexOf(')')) : line.trim().slice(3);
  if (place.startsWith('file://')) place = place.slice('file://'.length);
  if (place.startsWith(`${PACKAGE_ROOT}/`)) place = place.slice(PACKAGE_ROOT.length + 1);
  return place ? `${error.name} at ${place}` : error.name;
}
