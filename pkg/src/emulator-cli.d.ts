import type { Emulator } from './emulator.js';
/** `iap-verify emulator [--port N] [--host H] [--seed FILE]`: the running emulator, or an exit code. */
export declare function main(argv?: string[], io?: { log?: (line: string) => void; signals?: boolean }): Promise<Emulator | number>;
