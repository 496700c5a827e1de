/// <reference types="vitest/config" />
import { defineConfig } from "vite";
import react from "@vitejs/plugin-react";

// The backend serves the built SPA itself (CME_STATIC_DIR); in development Vite
// serves it and forwards the API to a locally running `cme serve`.
const apiTarget = process.env.CME_API_URL ?? "http://127.0.0.1:8080";

export default defineConfig({
  base: "/",
  plugins: [react()],
  server: {
    proxy: { "/api": { target: apiTarget, changeOrigin: false } },
  },
  preview: {
    proxy: { "/api": { target: apiTarget, changeOrigin: false } },
  },
  build: {
    outDir: "dist",
    emptyOutDir: true,
    // antd is one large chunk; splitting it buys nothing for an intranet tool.
    chunkSizeWarningLimit: 2000,
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
