// For `tsc -p pkg` only (not packed): node.mjs is a bundle made by the build, which TypeScript would
// read as untyped JavaScript where bin/ and src/lookup-cli.js import it. Its exports are those of
// its source. (A project that installs the package gets index.d.ts, through package.json.)
export * from './src/node.mjs';
