import { QueryClient } from "@tanstack/react-query";
import { ApiProblem } from "./api/client";

// Every query and mutation goes through unwrap(), which throws nothing but ApiProblem.
declare module "@tanstack/react-query" {
  interface Register {
    defaultError: ApiProblem;
  }
}

export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        // A 4xx will not get better by asking again.
        retry: (count, error) => !(error instanceof ApiProblem && error.status >= 400 && error.status < 500) && count < 2,
        refetchOnWindowFocus: false,
      },
    },
  });
}
