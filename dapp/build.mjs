// Bundles the wallet dApp into dapp/dist: one ES module (viem and uPlot inside), one stylesheet
// and the page. Run by `make dapp` (and so by `make setup`); works offline from node_modules.
import { build } from "esbuild";
import { copyFile, mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const src = join(here, "src");
const dist = join(here, "dist");

await rm(dist, { recursive: true, force: true });
await mkdir(dist, { recursive: true });
await build({
  entryPoints: [join(src, "main.js")],
  bundle: true,
  format: "esm",
  target: ["es2020"],
  minify: true,
  sourcemap: true,
  legalComments: "linked",
  outfile: join(dist, "app.js"),
  logLevel: "warning",
});
const uplotCss = await readFile(join(here, "..", "node_modules", "uplot", "dist", "uPlot.min.css"), "utf8");
const ownCss = await readFile(join(src, "style.css"), "utf8");
await writeFile(join(dist, "app.css"), `${uplotCss}\n${ownCss}`);
await copyFile(join(src, "index.html"), join(dist, "index.html"));
await copyFile(join(src, "favicon.svg"), join(dist, "favicon.svg"));
console.log("dApp bundled into dapp/dist");
