#!/usr/bin/env node
// Bundles each entry with ncc into dist/<name>/ (ESM + its package.json), then writes one
// dist/licenses.txt from the production dependency tree (ncc's --license only sees the last chunk
// when code is split, so licenses are collected here instead).
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
// The gate and the CLI are minified (terser, deterministic; function and class names kept): V8
// compiles half the bytes at every cold start, and the module wrappers lose the parentheses that make
// V8 compile every bundled CommonJS module eagerly. ncc minifies only the entry file: their lazy
// chunks (zod for waivers and severity lookups, yaml, the artifact client...) are minified after it
// with swc (already the tests' compiler), ASCII-only too: a pip-audit run compiled ~1 MB of zod as
// written.
const entries = [
  ['gate', 'src/gate/index.ts', ['--minify']],
  ['cli', 'src/cli/index.ts', ['--minify']],
  ['promotion', 'src/promotion/index.ts', []],
];
const ncc = join(root, 'node_modules/@vercel/ncc/dist/ncc/cli.js');
rmSync(join(root, 'dist'), { recursive: true, force: true });
for (const [name, entry, extra] of entries) {
  if (!existsSync(join(root, entry))) {
    console.error(`build: ${entry} missing`);
    process.exit(1);
  }
  execFileSync(process.execPath, [ncc, 'build', entry, '-o', `dist/${name}`, '--target', 'es2023', '--transpile-only', '--quiet', ...extra], { cwd: root, stdio: 'inherit' });
  if (extra.includes('--minify')) {
    asciiOnly(join(root, `dist/${name}/index.js`));
    for (const chunk of readdirSync(join(root, `dist/${name}`)).filter((f) => /^\d+\.index\.js$/.test(f))) await minifyChunk(join(root, `dist/${name}`, chunk));
  }
}

/** A lazy chunk minified in place (names kept, as the entry's: error messages and profiles stay readable). */
async function minifyChunk(file) {
  const { minify } = await import('@swc/core');
  const out = await minify(readFileSync(file, 'utf8'), { module: true, compress: { keep_classnames: true, keep_fnames: true }, mangle: { keep_classnames: true, keep_fnames: true }, format: { asciiOnly: true, comments: false } });
  writeFileSync(file, out.code);
}

/**
 * Escapes every non-ASCII character of a bundle as `\uXXXX` (terser's `ascii_only`, which ncc does
 * not expose). One `…` or emoji makes V8 decode and scan the whole file as two-byte text at every
 * start; the escapes mean the same in strings, template literals, regular expressions and comments.
 * Only `String.raw` would see the difference, and a backslash before such a character would change
 * meaning: the build refuses both.
 */
function asciiOnly(file) {
  const text = readFileSync(file, 'utf8');
  if (/String\.raw\b|\\[\u0080-\uffff]/.test(text)) throw new Error(`build: ${file} uses String.raw or escapes a non-ASCII character; cannot escape them safely`);
  writeFileSync(file, text.replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`));
}

// Licenses of every production dependency that can end up in the bundles.
const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8'));
const seen = [];
for (const [path, meta] of Object.entries(lock.packages ?? {})) {
  if (!path.startsWith('node_modules/') || meta.dev || meta.devOptional) continue;
  const dir = join(root, path);
  if (!existsSync(dir)) continue;
  const licFile = readdirSync(dir).find((f) => /^(licen[cs]e|copying)(\.|$)/i.test(f));
  const text = licFile ? readFileSync(join(dir, licFile), 'utf8').trim() : `(no license file; package.json says ${meta.license ?? 'nothing'})`;
  seen.push(`${path.replace(/^.*node_modules\//, '')}@${meta.version}\n${meta.license ?? ''}\n${text}\n`);
}
seen.sort();
writeFileSync(join(root, 'dist/licenses.txt'), seen.join('\n') + '\n');
console.log(`build: ${entries.map(([n]) => `dist/${n}`).join(', ')} and dist/licenses.txt (${seen.length} packages)`);
