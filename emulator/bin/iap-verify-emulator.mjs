#!/usr/bin/env node
// `iap-verify-emulator`: the local server that plays NHN IAP and Gamebase, the App Store Server API
// and the Google Play Developer API (`--help` for the options). Runs until interrupted.
import { main } from '../src/emulator-cli.js';

const r = await main(process.argv.slice(2), { name: 'iap-verify-emulator' });
// A number is an exit code; anything else (the running server) keeps the process alive.
if (typeof r === 'number') process.exitCode = r;
