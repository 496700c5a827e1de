/// <reference types="vitest/config" />
import { readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { brotliCompress, constants, gzip } from "node:zlib";
import { promisify } from "node:util";
import { defineConfig, type Plugin } from "vite";
import react from "@vitejs/plugin-react";

/**
 * Writes `x.js.br` (brotli, quality 11) and `x.js.gz` (gzip, level 9) beside
 * every built script and stylesheet, once, at build time; the server sends
 * the one the browser takes (crates/api/src/spa.rs). On the fly the server
 * can only afford a fast level: brotli 11 is about 30 % smaller (the whole
 * SPA: 448 KB against 790 KB of gzip as served before), which is seconds on a
 * county phone link. Node's own zlib: no dependency.
 */
function precompress(): Plugin {
  const br = promisify(brotliCompress);
  const gz = promisify(gzip);
  let outDir = "dist";
  return {
    name: "cme-precompress",
    apply: "build",
    configResolved(config) {
      outDir = config.build.outDir;
    },
    async closeBundle() {
      const dir = join(outDir, "assets");
      const files = (await readdir(dir)).filter((f) => /\.(js|css|svg|json|wasm)$/.test(f));
      await Promise.all(
        files.map(async (f) => {
          const bytes = await readFile(join(dir, f));
          if (bytes.length < 1024) return;
          const [b, g] = await Promise.all([
            br(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length } }),
            gz(bytes, { level: 9 }),
          ]);
          if (b.length < bytes.length) await writeFile(join(dir, `${f}.br`), b);
          if (g.length < bytes.length) await writeFile(join(dir, `${f}.gz`), g);
        }),
      );
    },
  };
}

// The backend serves the built SPA itself (CME_STATIC_DIR); in development Vite
// serves it and forwards the API to a locally running `cme serve`.
const apiTarget = process.env.CME_API_URL ?? "http://127.0.0.1:8080";

export default defineConfig({
  base: "/",
  plugins: [react(), precompress()],
  server: {
    proxy: { "/api": { target: apiTarget, changeOrigin: false } },
  },
  preview: {
    proxy: { "/api": { target: apiTarget, changeOrigin: false } },
  },
  build: {
    outDir: "dist",
    emptyOutDir: true,
    // Pages are split by route (routes.tsx); echarts is one chunk of its own (~510 KB raw), loaded by the pages with charts only.
    chunkSizeWarningLimit: 600,
    rolldownOptions: {
      output: {
        // Few files for the phone's first pages: each request costs a
        // round trip (400 ms on a county link, six at a time over
        // HTTP/1.1), and left alone the splitter made 19 files of 0.1-3 KB
        // for /my-credits. Grouped: what every page runs (React, the
        // router, react-query, the API client) and what the light pages
        // share (the light kit, the trainee frame, small helpers); antd.
        codeSplitting: {
          groups: [
            { name: "react", test: /node_modules[\\/](react|react-dom|scheduler|react-router|@tanstack|openapi-fetch)[\\/]/, priority: 20 },
            // antd in one file, cached for a year: the offices' first page
            // made 47 requests of 0.1-40 KB; antd's modules change together.
            { name: "antd", test: /node_modules[\\/](antd|@ant-design[\\/](?!icons)|@rc-component|rc-[a-z-]+|stylis|@emotion|dayjs|throttle-debounce|compute-scroll-into-view|scroll-into-view-if-needed|json2mq|copy-to-clipboard|toggle-selection|classnames|clsx)/, priority: 15 },
            {
              name: "light",
              // Named one by one: none of them imports antd (budget.test.ts),
              // so nothing heavy comes along with their own imports.
              test: /[\\/]src[\\/](light[\\/]|layouts[\\/]TraineeLayout|utils[\\/](format|shortfall)\.|constants[\\/]|api[\\/]download\.|components[\\/]creditWords\.|pages[\\/]certificates[\\/](logic|api)\.|pages[\\/]public[\\/](login[\\/](afterSignIn|signInMessage)|verify[\\/]PublicCertificateView))/,
              priority: 10,
            },
          ],
        },
      },
    },
  },
  test: {
    environment: "jsdom",
    globals: true,
    setupFiles: ["./src/test/setup.ts"],
    css: false,
    // antd under jsdom is slow on a loaded CI machine.
    testTimeout: 30_000,
  },
});
