#!/usr/bin/env node
// Copies the non-TypeScript files the compiled code needs at run time (the perl spawner helper)
// from src/ to dist/src/, keeping their place in the tree.
import { copyFileSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';

const ASSET = /\.pl$/;

/** @param {string} dir */
function copyAssets(dir) {
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) copyAssets(path);
    else if (ASSET.test(entry)) {
      const target = join('dist', path);
      mkdirSync(dirname(target), { recursive: true });
      copyFileSync(path, target);
    }
  }
}

copyAssets('src');
