import { readdirSync, readFileSync } from 'node:fs';
import { extname, join, relative, sep } from 'node:path';
import { PACKAGE_ROOT } from '../../plugin/project-files.js';
import type { Router } from './http-kit.js';

/** The content type of each kind of file the page is made of; any other file in host/web is not served. */
const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  // Module scripts must come as JavaScript, or the browser refuses them.
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
};

const WEB_ROOT = join(PACKAGE_ROOT, 'host', 'web');

/** Every file under `dir`, as paths relative to the web root. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) =>
    d.isDirectory() ? filesUnder(join(dir, d.name)) : [relative(WEB_ROOT, join(dir, d.name))],
  );
}

/**
 * The host's web page (host/web): static files, ES modules loaded by the browser with no build step. The files
 * are read once at start and each gets its own exact route, so no request path ever reaches the file system.
 * The page's CSP (http-kit: default-src 'self') allows module scripts from this origin and nothing inline.
 */
export function mountWebPage(router: Router): void {
  const routes: Array<[path: string, file: string]> = [
    ['/', 'index.html'],
    ['/favicon.ico', 'favicon.svg'],
  ];
  for (const file of filesUnder(WEB_ROOT))
    if (TYPES[extname(file)]) routes.push([`/${file.split(sep).join('/')}`, file]);
  for (const [path, file] of routes) {
    const body = readFileSync(join(WEB_ROOT, file));
    const type = TYPES[extname(file)]!;
    router.on('GET', path, (_req, res) => {
      res.writeHead(200, {
        'content-type': type,
        'content-length': body.length,
        'cache-control': 'no-cache',
      });
      res.end(body);
    });
  }
}
