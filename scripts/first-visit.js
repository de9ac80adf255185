// What a first visit to each page downloads of the release build in
// target/site (JS + WASM, brotli as sent), read from the split manifest:
// the bundle, its JavaScript and the split loader, which every page loads,
// then the page's own chunk and the chunks it shares with other pages.
// Used by scripts/wasm-size (the budgets) and scripts/split-what-if.
const fs = require("fs");

const pkg = "target/site/pkg";
// The pages an invitee sees first.
const PUBLIC = new Set(["sign_in", "sign_in_code", "request_invitation", "invitation"]);

const files = fs.readdirSync(pkg);
const one = (pattern) => {
  const found = files.filter((name) => pattern.test(name));
  if (found.length !== 1) throw new Error(`expected one file like ${pattern} in ${pkg}, found ${found.length}`);
  return found[0];
};
/** Bytes sent for a file of the site: its brotli copy. */
const sent = (name) => {
  if (!fs.existsSync(`${pkg}/${name}.br`)) throw new Error(`${name}.br is missing: build with --precompress`);
  return fs.statSync(`${pkg}/${name}.br`).size;
};
const raw = (name) => fs.statSync(`${pkg}/${name}`).size;
const kib = (bytes) => `${(bytes / 1024).toFixed(0)} KiB`;

const wasm = one(/^business-center\.[\w-]+\.wasm$/);
const js = one(/^business-center\.[\w-]+\.js$/);
const loader = one(/^__wasm_split\.[\w-]+\.js$/);
const bundle = { wasm, js, loader, bytes: sent(wasm) + sent(js) + sent(loader), files: 3 };

const manifest = JSON.parse(fs.readFileSync(`${pkg}/${one(/^__wasm_split_manifest\.[\w-]+\.json$/)}`, "utf8"));
/** Each page (a route's chunk is `<Route>_view_<n>`, see app/src/routes.rs) with the WebAssembly files it needs beyond the bundle. */
const pages = Object.keys(manifest)
  .filter((split) => /_view_\d+$/.test(split))
  .sort()
  .map((split) => {
    // The page's own file and the chunks it shares with others; the
    // manifest may name the own file too, which must count once.
    const chunks = new Set(manifest[split].map((chunk) => `${chunk}.wasm`));
    chunks.add(one(new RegExp(`^split_${split}\\.[\\w-]+\\.wasm$`)));
    const page = split.replace(/^_+/, "").replace(/_view_\d+$/, "");
    return { page, isPublic: PUBLIC.has(page), chunks };
  });
if (pages.length === 0) throw new Error("no page chunks in the split manifest: build with --split");

module.exports = { PUBLIC, bundle, pages, sent, raw, kib };
