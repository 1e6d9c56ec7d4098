// Types of `iap-verify-emulator/cli`: the command line of the `iap-verify-emulator` bin (and of
// `iap-verify emulator`).
import type { Emulator } from './emulator.js';
/**
 * `iap-verify-emulator [--port N] [--host H] [--allowed-host NAME]... [--seed FILE]`: the running
 * emulator, or an exit code (0 after `--help`, 2 for a usage error). `io.name` is the command's
 * name in messages (default `iap-verify emulator`).
 */
export declare function main(argv?: string[], io?: { log?: (line: string) => void; signals?: boolean; name?: string }): Promise<Emulator | number>;
