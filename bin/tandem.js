#!/usr/bin/env node
// The published entry point: the bundled CLI (dist/bundle/, from dist/src by scripts/bundle.js;
// `npm run build` makes both).
import { main } from '../dist/bundle/tandem.js';

process.exitCode = await main(process.argv.slice(2));
