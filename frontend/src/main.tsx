import { QueryClientProvider } from "@tanstack/react-query";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { RouterProvider, createBrowserRouter } from "react-router";
import { createQueryClient } from "./queryClient";
import { preloadRoute, routes } from "./routes";

// The page's own chunks load alongside the session, not after it.
preloadRoute(window.location.pathname);
const router = createBrowserRouter(routes);
const queryClient = createQueryClient();

const root = document.getElementById("root");
if (!root) throw new Error("missing #root");

// antd's providers come with the pages that use antd (routes.tsx).
createRoot(root).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <RouterProvider router={router} />
    </QueryClientProvider>
  </StrictMode>,
);
