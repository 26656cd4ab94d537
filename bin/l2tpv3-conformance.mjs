#!/usr/bin/env node
// The one binary. Subcommands live in cli/; this file only loads TypeScript.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
