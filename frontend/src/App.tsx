import { QueryClientProvider, type QueryClient } from "@tanstack/react-query";
import type { ReactNode } from "react";
import AntdProviders from "./antd";

export { THEME } from "./antd";
export { createQueryClient } from "./queryClient";

/** The app's providers, for component tests (the app loads antd's lazily, per page: see routes.tsx). */
export function AppProviders({ children, queryClient }: { children: ReactNode; queryClient: QueryClient }) {
  return (
    // The query client encloses antd's App, so that what its modal and
    // message holders render can read queries too (an actor's name).
    <QueryClientProvider client={queryClient}>
      <AntdProviders>{children}</AntdProviders>
    </QueryClientProvider>
  );
}
