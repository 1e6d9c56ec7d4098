// Test vectors as text/bytes: the public ones in ../shared/vectors and the project's own.
import { readFileSync } from 'node:fs';

const root = new URL('../../', import.meta.url);
export const shared = (name) => readFileSync(new URL(`../shared/vectors/${name}`, root));
export const own = (name) => readFileSync(new URL(`tests/vectors/${name}`, root));
export const sharedText = (name) => shared(name).toString('utf8');
export const ownText = (name) => own(name).toString('utf8');
