// Sign each case read from standard input with @aws/bedrock-token-generator,
// the clock frozen at the case's instant, and write the results as JSON.
//
//     node generate.mjs <node_modules folder>  < cases.json  > results.json
//
// The package is not part of this repository: vectors/generate_js.py installs it
// into a temporary folder and passes that folder here.
import { createRequire } from "node:module";
import path from "node:path";

const modules = process.argv[2];
const require = createRequire(path.join(path.resolve(modules), "_driver.js"));
const { getToken } = require("@aws/bedrock-token-generator");
// The package's internal signer entry point, used only for the lifetimes its
// public API refuses, to see what such a token would look like.
const { createToken } = require("@aws/bedrock-token-generator/dist/token.js");
const version = require("@aws/bedrock-token-generator/package.json").version;
const signerVersion = require("@smithy/signature-v4/package.json").version;

// The signer reads the time as `new Date()` (its `signingDate` default) when it
// presigns: replace the global Date with one whose "now" is fixed.
const RealDate = globalThis.Date;
function freeze(ms) {
  class FrozenDate extends RealDate {
    constructor(...args) {
      if (args.length === 0) super(ms);
      else super(...args);
    }
    static now() {
      return ms;
    }
  }
  globalThis.Date = FrozenDate;
}

async function readStdin() {
  const chunks = [];
  for await (const chunk of process.stdin) chunks.push(chunk);
  return JSON.parse(Buffer.concat(chunks).toString("utf-8"));
}

const cases = await readStdin();
const results = [];
for (const c of cases) {
  const credentials = { accessKeyId: c.access_key, secretAccessKey: c.secret_key };
  if (c.session_token !== null) credentials.sessionToken = c.session_token;
  const config = { credentials, region: c.region };
  if (c.expires_in !== null) config.expiresInSeconds = c.expires_in;
  freeze(RealDate.parse(c.now));
  try {
    const token = c.api === "createToken" ? await createToken(config) : await getToken(config);
    results.push({ token });
  } catch (err) {
    results.push({ error: String(err && err.message ? err.message : err) });
  } finally {
    globalThis.Date = RealDate;
  }
}
process.stdout.write(JSON.stringify({ version, signerVersion, results }));
