#!/usr/bin/env node
// Bundles each entry with ncc into dist/<name>/ (ESM + its package.json), then writes one
// dist/licenses.txt from the production dependency tree (ncc's --license only sees the last chunk
// when code is split, so licenses are collected here instead).
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const entries = [
  ['gate', 'src/gate/index.ts'],
  ['cli', 'src/cli/index.ts'],
  ['promotion', 'src/promotion/index.ts'],
];
const ncc = join(root, 'node_modules/@vercel/ncc/dist/ncc/cli.js');
rmSync(join(root, 'dist'), { recursive: true, force: true });
for (const [name, entry] of entries) {
  if (!existsSync(join(root, entry))) {
    console.error(`build: ${entry} missing`);
    process.exit(1);
  }
  execFileSync(process.execPath, [ncc, 'build', entry, '-o', `dist/${name}`, '--target', 'es2023', '--transpile-only', '--quiet'], { cwd: root, stdio: 'inherit' });
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
