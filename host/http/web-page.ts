import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../../plugin/project-files.js';
import type { Router } from './http-kit.js';

const FILES: Record<string, [file: string, type: string]> = {
  '/': ['index.html', 'text/html; charset=utf-8'],
  '/app.js': ['app.js', 'text/javascript; charset=utf-8'],
  '/app.css': ['app.css', 'text/css; charset=utf-8'],
  '/favicon.svg': ['favicon.svg', 'image/svg+xml'],
  '/favicon.ico': ['favicon.svg', 'image/svg+xml'],
};

/** The host's web page (host/web): static files, no build step; it asks for the admin token itself. */
export function mountWebPage(router: Router): void {
  for (const [path, [file, type]] of Object.entries(FILES)) {
    const body = readFileSync(join(PACKAGE_ROOT, 'host', 'web', file));
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
