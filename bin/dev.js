#!/usr/bin/env node
// Runs the compiled commands after a fresh build; use `npm run build` in watch mode for fast loops.
import { execute } from '@oclif/core';
await execute({ development: true, dir: import.meta.url });
