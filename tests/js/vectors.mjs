// Test vectors as text/bytes: the public ones from other projects (tests/vectors/public/, with
// their provenance in its SOURCES.md) and the project's own (tests/vectors/).
import { readFileSync } from 'node:fs';

const root = new URL('../../', import.meta.url);
export const publicBytes = (name) => readFileSync(new URL(`tests/vectors/public/${name}`, root));
export const own = (name) => readFileSync(new URL(`tests/vectors/${name}`, root));
export const publicText = (name) => publicBytes(name).toString('utf8');
export const ownText = (name) => own(name).toString('utf8');
