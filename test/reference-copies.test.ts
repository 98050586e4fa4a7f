import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../plugin/project-files.js';

/**
 * `amazon-reference/` holds the project's copies of Amazon's reference files, so the repository stands alone.
 * Where the originals are at hand (`../shared/amazon`, beside a CI checkout), the copies must equal them; a
 * clone with nothing beside it checks that the copies are there and whole.
 */
const FILES = ['openapi-events.json', 'normalization-rules.json'];
const ORIGINALS = join(PACKAGE_ROOT, '..', 'shared', 'amazon');
const copy = (file: string) => readFileSync(join(PACKAGE_ROOT, 'amazon-reference', file), 'utf8');

describe("the project's copies of Amazon's reference files", () => {
  test.each(FILES)('amazon-reference/%s is there and is JSON', (file) => {
    expect(() => JSON.parse(copy(file)) as unknown).not.toThrow();
  });

  test('the copies hold what the tests read from them', () => {
    const openapi = JSON.parse(copy('openapi-events.json')) as { components: { schemas: object } };
    expect(Object.keys(openapi.components.schemas)).toEqual(
      expect.arrayContaining(['EventCreate', 'CreateEventRequest']),
    );
    const rules = JSON.parse(copy('normalization-rules.json')) as { matchKeys: object };
    expect(Object.keys(rules.matchKeys)).toEqual(expect.arrayContaining(['EMAIL', 'PHONE', 'ADDRESS']));
  });

  if (existsSync(ORIGINALS)) {
    test.each(FILES)('amazon-reference/%s is identical to the original in ../shared/amazon', (file) => {
      expect(copy(file)).toBe(readFileSync(join(ORIGINALS, file), 'utf8'));
    });
  } else {
    // Said once, so a run without the originals beside it does not pass silently for a run that compared them.
    console.info(
      `reference-copies: ${ORIGINALS} is not here; the copies were not compared with Amazon's files.`,
    );
  }
});
