// The package under test. The suite imports it only through this file, so the same tests can run
// against another entry point (another runtime) by swapping what this re-exports.
export * from '../../pkg/node.mjs';
