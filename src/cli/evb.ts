#!/usr/bin/env node
import { escapeForDisplay } from '../report/display-text.js';
import { main } from './main.js';

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`evb: internal error: ${escapeForDisplay(String(error))}\n`);
    process.exitCode = 70;
  },
);
