/**
 * `npm run deps:check`: a dependency review that works without the advisory endpoint (`npm audit`
 * cannot reach it from here). It reads package.json and package-lock.json and fails when:
 * - a direct dependency is not pinned to one exact version (no ^, ~, *, ranges, tags or URLs);
 * - a locked package has no sha512 integrity hash, or comes from anywhere but the npm registry;
 * - a locked package runs an install script that package.json's `allowScripts` does not name
 *   (with true = reviewed and needed, false = reviewed and not needed);
 * - a locked package's licence is not on the allow-list below;
 * - a locked package's version is on the hand-kept list of advisories and malicious releases in
 *   `test/deps-known-bad.json` (offline, so only as current as that list: see SECURITY.md).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../', import.meta.url));

/** Permissive licences, plus the weak copyleft ones whose terms a bundled/linked use meets. */
export const ALLOWED_LICENCES = new Set([
  'MIT',
  'MIT-0',
  'ISC',
  'Apache-2.0',
  'BSD-2-Clause',
  'BSD-3-Clause',
  '0BSD',
  'BlueOak-1.0.0',
  'CC0-1.0',
  'CC-BY-4.0', // caniuse-lite's data
  'MPL-2.0', // lightningcss (file-level copyleft: used unmodified)
  'LGPL-3.0-or-later', // libvips inside sharp's prebuilt binaries (dynamically linked, unmodified)
]);

const EXACT = /^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/;

interface Locked {
  version?: string;
  resolved?: string;
  integrity?: string;
  license?: string;
  hasInstallScript?: boolean;
  link?: boolean;
}

/** An SPDX expression is allowed when every AND-part is, and at least one OR-alternative is. */
export function licenceAllowed(expr: string | undefined): boolean {
  if (!expr) return false;
  const alternatives = expr.replace(/[()]/g, '').split(/\s+OR\s+/);
  return alternatives.some((alt) => alt.split(/\s+AND\s+/).every((id) => ALLOWED_LICENCES.has(id.trim())));
}

export function checkDependencies(pkg: Record<string, unknown>, lock: Record<string, unknown>): string[] {
  const problems: string[] = [];
  for (const field of ['dependencies', 'devDependencies', 'optionalDependencies'] as const) {
    for (const [name, range] of Object.entries((pkg[field] ?? {}) as Record<string, string>))
      if (!EXACT.test(range)) problems.push(`${field}.${name} is "${range}": pin one exact version`);
  }
  const allowScripts = (pkg.allowScripts ?? {}) as Record<string, boolean>;
  const packages = (lock.packages ?? {}) as Record<string, Locked>;
  for (const [path, entry] of Object.entries(packages)) {
    if (path === '' || entry.link) continue;
    const name = path.replace(/^.*node_modules\//, '');
    if (!entry.integrity?.startsWith('sha512-'))
      problems.push(`${name}: no sha512 integrity in the lockfile`);
    if (entry.resolved && !entry.resolved.startsWith('https://registry.npmjs.org/'))
      problems.push(`${name}: resolved from ${entry.resolved}, not the npm registry`);
    if (entry.hasInstallScript && !(name in allowScripts))
      problems.push(`${name}: runs an install script not reviewed in package.json "allowScripts"`);
    if (!licenceAllowed(entry.license))
      problems.push(
        `${name}@${entry.version}: licence "${entry.license ?? 'none'}" is not on the allow-list`,
      );
  }
  return problems;
}

/** One advisory of deps-known-bad.json: the affected versions of each package it names. */
export interface KnownBad {
  advisory: string;
  packages: Record<string, string[]>;
}

const COMPARATOR = /^(>=|<=|>|<)(\d+)\.(\d+)\.(\d+)$/;

/** major.minor.patch of a version; a pre-release counts as its release (a conservative match). */
function triple(version: string): number[] {
  return version.split(/[-+]/)[0]!.split('.').map(Number);
}

function compare(a: number[], b: number[]): number {
  for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return (a[i] ?? 0) - (b[i] ?? 0);
  return 0;
}

/**
 * Whether a version is in a range of the list: one exact version ("4.4.2"), or comparators joined
 * by spaces (">=7.0.0 <7.5.10"), all of which must hold. Anything else is a mistake in the list.
 */
export function inRange(version: string, range: string): boolean {
  if (EXACT.test(range)) return version === range;
  return range.split(/\s+/).every((part) => {
    const m = COMPARATOR.exec(part);
    if (!m) throw new Error(`deps-known-bad.json: cannot read the range "${range}"`);
    const c = compare(triple(version), [Number(m[2]), Number(m[3]), Number(m[4])]);
    return m[1] === '>=' ? c >= 0 : m[1] === '<=' ? c <= 0 : m[1] === '>' ? c > 0 : c < 0;
  });
}

/** Every locked package whose version a listed advisory or malicious release covers. */
export function knownBadVersions(lock: Record<string, unknown>, list: readonly KnownBad[]): string[] {
  const problems: string[] = [];
  for (const [path, entry] of Object.entries((lock.packages ?? {}) as Record<string, Locked>)) {
    if (path === '' || entry.link || !entry.version) continue;
    const name = path.replace(/^.*node_modules\//, '');
    for (const bad of list)
      for (const range of bad.packages[name] ?? [])
        if (inRange(entry.version, range))
          problems.push(
            `${name}@${entry.version} (${path}) is affected by ${bad.advisory} (${range}): upgrade it`,
          );
  }
  return problems;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const read = (f: string) => JSON.parse(readFileSync(ROOT + f, 'utf8')) as Record<string, unknown>;
  const lock = read('package-lock.json');
  const known = read('test/deps-known-bad.json') as { updated: string; entries: KnownBad[] };
  const problems = [
    ...checkDependencies(read('package.json'), lock),
    ...knownBadVersions(lock, known.entries),
  ];
  const count = Object.keys((lock.packages ?? {}) as object).length - 1;
  if (problems.length) {
    console.error(`deps:check: ${problems.length} problem(s) in ${count} locked packages:`);
    for (const p of problems) console.error(`  ${p}`);
    process.exitCode = 1;
  } else {
    console.log(
      `deps:check: ${count} locked packages: direct ones pinned exactly, all from the npm registry with sha512 integrity, install scripts reviewed, licences allowed, none on the known-bad list (${known.entries.length} advisories, updated ${known.updated})`,
    );
  }
}
