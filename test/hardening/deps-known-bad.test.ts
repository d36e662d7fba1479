import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO } from '../compiler/helpers.ts';
import { checkDependencies, inRange, knownBadVersions, type KnownBad } from '../deps-check.ts';

/**
 * The dependency review that replaces `npm audit` here (npm run deps:check): every locked version
 * against the hand-kept list of advisories and malicious releases. Runs in `npm test`, so a lockfile
 * that brings in a listed version fails CI.
 */
const read = (f: string) => JSON.parse(readFileSync(join(REPO, f), 'utf8')) as Record<string, unknown>;
const LIST = read('test/deps-known-bad.json') as { updated: string; entries: KnownBad[] };

describe('known-bad versions (test/deps-known-bad.json)', () => {
  it('reads exact versions and comparator ranges; a pre-release counts as its release', () => {
    expect(inRange('4.4.2', '4.4.2')).toBe(true);
    expect(inRange('4.4.3', '4.4.2')).toBe(false);
    expect(inRange('8.17.0', '>=8.0.0 <8.17.1')).toBe(true);
    expect(inRange('8.17.1', '>=8.0.0 <8.17.1')).toBe(false);
    expect(inRange('7.5.9', '>=8.0.0 <8.17.1')).toBe(false);
    expect(inRange('0.24.2', '<0.25.0')).toBe(true);
    expect(inRange('0.25.0-beta.1', '<0.25.0')).toBe(false);
    expect(inRange('1.1.12', '<=1.1.12')).toBe(true);
    expect(inRange('2.0.0', '>1.9.9')).toBe(true);
    expect(() => inRange('1.0.0', '^1.0.0')).toThrow(/cannot read the range "\^1\.0\.0"/);
  });

  it('names a listed version wherever it is in the tree, with the advisory and what to do', () => {
    const lock = {
      packages: {
        '': {},
        'node_modules/debug': { version: '4.4.3' },
        'node_modules/a/node_modules/debug': { version: '4.4.2' },
        'node_modules/ws': { version: '8.17.0' },
        'node_modules/app-link': { link: true },
      },
    };
    expect(knownBadVersions(lock, LIST.entries)).toEqual([
      'debug@4.4.2 (node_modules/a/node_modules/debug) is affected by npm account takeover, 2025-09-08: releases carrying a wallet-stealing payload (4.4.2): upgrade it',
      'ws@8.17.0 (node_modules/ws) is affected by CVE-2024-37890: denial of service with many HTTP headers (>=8.0.0 <8.17.1): upgrade it',
    ]);
  });

  it('every range of the shipped list is readable, and every entry names its advisory', () => {
    expect(LIST.updated).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    for (const e of LIST.entries) {
      expect(e.advisory.length).toBeGreaterThan(10);
      for (const ranges of Object.values(e.packages))
        for (const r of ranges) expect(() => inRange('0.0.0', r)).not.toThrow();
    }
  });

  it("this project's lockfile passes the whole review", () => {
    const lock = read('package-lock.json');
    expect(knownBadVersions(lock, LIST.entries)).toEqual([]);
    expect(checkDependencies(read('package.json'), lock)).toEqual([]);
  });
});
