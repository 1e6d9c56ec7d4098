#!/usr/bin/env node
// `iap-verify-dashboard`: the support dashboard, its page and its lookups (`--help` for the
// options). Serves until interrupted.
import { main } from '../server/dashboard-cli.js';

const r = await main(process.argv.slice(2), { name: 'iap-verify-dashboard' });
// A number is an exit code; anything else (the running server) keeps the process alive.
if (typeof r === 'number') process.exitCode = r;
