import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../plugin/project-files.js';

describe("the project's copies of Amazon's reference files", () => {
  test.each(['openapi-events.json', 'normalization-rules.json'])(
    'amazon-reference/%s is identical to its ../shared/amazon copy',
    (file) => {
      const copy = readFileSync(join(PACKAGE_ROOT, 'amazon-reference', file), 'utf8');
      const shared = readFileSync(join(PACKAGE_ROOT, '..', 'shared', 'amazon', file), 'utf8');
      expect(copy).toBe(shared);
    },
  );
});
