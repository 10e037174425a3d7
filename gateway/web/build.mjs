// Builds the web app into dist/ (committed, embedded in the gateway): the TypeScript
// bundle with its CSS and images, index.html, and the Natural Earth borders of the region
// as GeoJSON. Everything comes from the pinned npm packages of package-lock.json and the
// TypeScript client generated from the protos (clients/typescript/gen); nothing is
// fetched. The output is deterministic, so `make web-check` can rebuild and compare.
import * as esbuild from "esbuild";
import { copyFile, mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { feature } from "topojson-client";

const here = fileURLToPath(new URL(".", import.meta.url));
const dist = here + "dist/";

// The generated client imports @bufbuild/protobuf; resolve it from this package so the
// bundle holds one copy, whichever node_modules lies beside the generated files.
const oneProtobuf = {
  name: "one-protobuf",
  setup(build) {
    build.onResolve({ filter: /^@bufbuild\/protobuf(\/|$)/ }, (args) => {
      if (args.pluginData?.fromHere) return undefined;
      return build.resolve(args.path, { kind: args.kind, resolveDir: here, pluginData: { fromHere: true } });
    });
  },
};

await rm(dist, { recursive: true, force: true });
await mkdir(dist, { recursive: true });
await esbuild.build({
  entryPoints: { app: here + "src/main.ts" },
  bundle: true,
  minify: true,
  format: "esm",
  target: "es2022",
  outdir: dist,
  loader: { ".png": "file" },
  assetNames: "assets/[name]-[hash]",
  legalComments: "linked",
  plugins: [oneProtobuf],
  logLevel: "warning",
});
await copyFile(here + "src/index.html", dist + "index.html");

// Borders: the countries of Natural Earth 1:50m that reach into the map's region, with
// coordinates rounded to about 100 m, which is finer than the 1:50m data.
const region = { west: 30, south: 24, east: 56, north: 43 };
const topo = JSON.parse(await readFile(here + "node_modules/world-atlas/countries-50m.json", "utf8"));
const countries = feature(topo, topo.objects.countries).features;
const round = (c) => (typeof c[0] === "number" ? [Math.round(c[0] * 1000) / 1000, Math.round(c[1] * 1000) / 1000] : c.map(round));
const inRegion = (c) =>
  typeof c[0] === "number" ? c[0] >= region.west && c[0] <= region.east && c[1] >= region.south && c[1] <= region.north : c.some(inRegion);
const borders = {
  type: "FeatureCollection",
  features: countries
    .filter((f) => f.geometry && inRegion(f.geometry.coordinates))
    .map((f) => ({ type: "Feature", properties: { name: f.properties.name }, geometry: { type: f.geometry.type, coordinates: round(f.geometry.coordinates) } })),
};
await writeFile(dist + "borders.json", JSON.stringify(borders));
