// Runs the toolkit from its TypeScript sources in this repository (`npm run unum`, `npm run demo`).
// The toolkit imports the construct library as 'cdk-unum', as it does when installed from npm;
// in this repository that name means the library's sources in ../../src.
const Module = require('module');
const path = require('path');

const librarySources = path.join(__dirname, '..', '..', 'src');
const resolve = Module._resolveFilename;
Module._resolveFilename = function resolveLibraryFromSources(request, ...rest) {
  if (request === 'cdk-unum') return resolve.call(this, librarySources, ...rest);
  if (request.startsWith('cdk-unum/lib/')) {
    return resolve.call(this, path.join(librarySources, request.slice('cdk-unum/lib/'.length)), ...rest);
  }
  return resolve.call(this, request, ...rest);
};

require('ts-node').register({ transpileOnly: true });
